"""POST /v1/auth/register, /login, /refresh, /logout, and the JWKS document (the spec's Auth
Service). See ``cosmic_ttt.logic.accounts`` for the rules and ``cosmic_ttt.identity`` for tokens.

This is the only function allowed to ``kms:Sign``. Register does not honour ``Idempotency-Key``:
the email and username are its natural keys (a retry gets 409 and the client logs in), and a
stored replay would hold live tokens.
"""

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Request

from cosmic_ttt import dependencies
from cosmic_ttt.http import NOT_MODIFIED, cacheable, check_api_version
from cosmic_ttt.identity import AUTH_LIMIT, access_token, cosmic_app, refresh_sessions, signing_key
from cosmic_ttt.logic import accounts
from cosmic_ttt.models.auth import (
    Jwks,
    LoginRequest,
    LogoutResponse,
    RefreshRequest,
    RefreshResponse,
    RegisterRequest,
    SessionResponse,
)
from shared.app import lambda_handler
from shared.auth import Principal, current_principal
from shared.errors import Conflict, Unauthorized
from shared.query import no_unknown_query_parameters
from shared.tokens import jwks

router = APIRouter(prefix="/v1", dependencies=[Depends(check_api_version), Depends(no_unknown_query_parameters)])


def _session(player_id: str, username: str, roles: list[str]) -> dict[str, Any]:
    session = refresh_sessions().start(player_id)
    token, expires_in = access_token(player_id, username, roles, session.session_id)
    return {
        "player_id": player_id,
        "username": username,
        "access_token": token,
        "refresh_token": session.refresh_token,
        "expires_in": expires_in,
    }


@router.post("/auth/register", status_code=201, response_model=SessionResponse)
def register(body: RegisterRequest) -> Any:
    accounts.check_username(body.username)
    accounts.check_email(body.email)
    accounts.check_password(body.password, body.username, body.email)
    players = dependencies.services().players
    player_id = str(uuid.uuid4())
    taken = lambda: Conflict("Username already exists", {"username": body.username}, code="USERNAME_TAKEN")  # noqa: E731
    players.directory.create(
        body.email,
        body.password,
        body.username,
        profile={"username": body.username},
        user_id=player_id,
        extra_writes=[players.username_claim(body.username, player_id, taken)],
    )
    return _session(player_id, body.username, [])


@router.post("/auth/login", response_model=SessionResponse)
def login(body: LoginRequest) -> Any:
    players = dependencies.services().players
    credentials = players.directory.authenticate(body.email, body.password)
    profile = players.profile(credentials["userId"]) or {}
    username = profile.get("username") or profile.get("displayName") or credentials["userId"]
    return _session(credentials["userId"], username, credentials.get("roles", []))


@router.post("/auth/refresh", response_model=RefreshResponse)
def refresh(body: RefreshRequest) -> Any:
    session = refresh_sessions().rotate(body.refresh_token)
    profile = dependencies.services().players.profile(session.subject)
    if profile is None:
        raise Unauthorized("Unknown player")
    username = profile.get("username") or profile.get("displayName") or session.subject
    token, expires_in = access_token(session.subject, username, profile.get("roles", []), session.session_id)
    return {"access_token": token, "refresh_token": session.refresh_token, "expires_in": expires_in}


@router.post("/auth/logout", response_model=LogoutResponse)
def logout(caller: Principal = Depends(current_principal)) -> Any:
    """Ends the session of the access token: its refresh token and its access tokens stop working."""
    refresh_sessions().revoke(caller.claims["sid"])
    return {"message": "Successfully logged out"}


@router.get("/.well-known/jwks.json", response_model=Jwks, responses=NOT_MODIFIED)
def jwks_document(request: Request) -> Any:
    """The public key that verifies Cosmic access tokens (RS256), for any other verifier."""
    return cacheable(request, jwks(signing_key()), public_max_age=3600)


app = cosmic_app(router, writes=AUTH_LIMIT)
handler = lambda_handler(app)
