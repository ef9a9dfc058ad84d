"""POST /api/v1/auth/register, /login, /refresh, /logout: how a learner (or an operator) gets and
gives up the Loqua app's own tokens (the project's pattern: shared.identity and shared.tokens).

Refresh tokens rotate on every use and a reused one revokes its session; register does not honour
``Idempotency-Key`` (the email is the natural key, and a stored replay would hold live tokens).
"""

from typing import Any

from fastapi import APIRouter, Response

from loqua_agent import dependencies
from loqua_agent.errors import AUTH
from loqua_agent.identity import authenticate_learner, learner_access_token, loqua_app, refresh_sessions
from loqua_agent.models.learner import LoginRequest, RefreshRequest, RegisterRequest, TokenResponse
from shared.app import lambda_handler
from shared.errors import Unauthorized

router = APIRouter(prefix="/api/v1/auth")


def _tokens(user_id: str, roles: list[str]) -> dict[str, Any]:
    session = refresh_sessions().start(user_id)
    token, expires_in = learner_access_token(user_id, roles, session.session_id)
    return TokenResponse(
        access_token=token, refresh_token=session.refresh_token, expires_in=expires_in, user_id=user_id
    ).model_dump()


@router.post("/register", status_code=201, response_model=TokenResponse)
def register(body: RegisterRequest) -> Any:
    user = dependencies.users().create(body.email, body.password, body.display_name)
    return _tokens(user["userId"], user["roles"])


@router.post("/login", response_model=TokenResponse)
def login(body: LoginRequest) -> Any:
    credentials = dependencies.users().authenticate(body.email, body.password)
    return _tokens(credentials["userId"], credentials.get("roles", []))


@router.post("/refresh", response_model=TokenResponse)
def refresh(body: RefreshRequest) -> Any:
    session = refresh_sessions().rotate(body.refresh_token)
    user = dependencies.users().get(session.subject)
    if user is None:
        raise Unauthorized("Unknown user")
    token, expires_in = learner_access_token(user["userId"], user.get("roles", []), session.session_id)
    return TokenResponse(
        access_token=token, refresh_token=session.refresh_token, expires_in=expires_in, user_id=user["userId"]
    ).model_dump()


@router.post("/logout", status_code=204, response_class=Response)
def logout(body: RefreshRequest) -> Response:
    refresh_sessions().revoke_token(body.refresh_token)
    return Response(status_code=204)


app = loqua_app(AUTH, router, authenticate=authenticate_learner)
handler = lambda_handler(app)
