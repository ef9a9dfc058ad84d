"""POST /auth/register, /auth/login, /auth/refresh, /auth/logout, /auth/accept-invitation.

The spec shows only ``/auth/login`` with an email and a password; the answer is the spec's
envelope with ``data: {accessToken, refreshToken, tokenType, expiresIn, user}``.
"""

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from realestate_agent import dependencies
from realestate_agent.envelope import Envelope, ok
from realestate_agent.identity import access_token, realestate_app, refresh_sessions
from realestate_agent.logic import organizations as logic
from realestate_agent.models.auth import (
    AcceptInvitationRequest,
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    TokenData,
)
from shared.app import lambda_handler
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/v1/auth", dependencies=[Depends(no_unknown_query_parameters)])


def _tokens(user: dict[str, Any]) -> dict[str, Any]:
    session = refresh_sessions().start(user["id"])
    token, expires_in = access_token(user["id"], user["organizationId"], user["role"])
    return {
        "accessToken": token,
        "refreshToken": session.refresh_token,
        "tokenType": "Bearer",
        "expiresIn": expires_in,
        "user": user,
    }


@router.post("/register", status_code=201, response_model=Envelope[TokenData])
def register(body: RegisterRequest, request: Request) -> Any:
    user = logic.register(dependencies.organizations(), body.email, body.password, body.name, body.organizationName)
    return ok(request, _tokens(user))


@router.post("/login", response_model=Envelope[TokenData])
def login(body: LoginRequest, request: Request) -> Any:
    return ok(request, _tokens(logic.login(dependencies.organizations(), body.email, body.password)))


@router.post("/accept-invitation", status_code=201, response_model=Envelope[TokenData])
def accept_invitation(body: AcceptInvitationRequest, request: Request) -> Any:
    user = logic.accept_invitation(dependencies.organizations(), body.token, body.password, body.name)
    return ok(request, _tokens(user))


@router.post("/refresh", response_model=Envelope[TokenData])
def refresh(body: RefreshRequest, request: Request) -> Any:
    session = refresh_sessions().rotate(body.refreshToken)
    try:
        user = logic.current_user(dependencies.organizations(), session.subject)
    except Exception:
        refresh_sessions().revoke(session.session_id, "membership ended")
        raise
    token, expires_in = access_token(user["id"], user["organizationId"], user["role"])
    data = {
        "accessToken": token,
        "refreshToken": session.refresh_token,
        "tokenType": "Bearer",
        "expiresIn": expires_in,
        "user": user,
    }
    return ok(request, data)


@router.post("/logout", status_code=204, response_class=Response)
def logout(body: RefreshRequest) -> Response:
    """Ends the session of this refresh token; an unknown or used token changes nothing."""
    refresh_sessions().revoke_token(body.refreshToken)
    return Response(status_code=204)


app = realestate_app(router)
handler = lambda_handler(app)
