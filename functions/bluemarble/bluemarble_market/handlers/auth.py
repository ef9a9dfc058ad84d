"""Auth endpoint group: the spec's "main authentication service", offered by this stack.

* ``POST /api/auth/register`` (201) and ``POST /api/auth/login``: a player's tokens. Register takes
  ``email``, ``password``, ``displayName`` and ``homeIsland`` (Aethermoor by default).
* ``POST /api/auth/refresh``: a new pair for a refresh token (rotated; a reused one revokes the
  session). ``POST /api/auth/logout``: ends the refresh token's session (204).
* ``POST /api/auth/guest``: a read-only guest token, no account (guests browse; the spec's guest
  rate limits apply).
* ``POST /api/auth/token``: a game server's service account exchanges ``clientId`` and
  ``clientSecret`` for a service token (no refresh token: it asks again).

Register does not honour ``Idempotency-Key``: the email is the natural key (a retry gets 409
``EMAIL_TAKEN`` and the client logs in), and a stored replay would hold live tokens.
"""

import hmac
import secrets
from typing import Any

from fastapi import APIRouter, Depends, Response

from bluemarble_market import dependencies
from bluemarble_market.identity import (
    GUEST,
    GUEST_PERMISSIONS,
    PLAYER_PERMISSIONS,
    PLAYER_TYPES,
    SERVICE,
    SERVICE_PERMISSIONS,
    STANDARD,
    access_token,
    bluemarble_app,
    refresh_sessions,
)
from bluemarble_market.logic.islands import DEFAULT_HOME_ISLAND, canonical_island
from bluemarble_market.models.auth import (
    ClientCredentialsRequest,
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    TokenResponse,
)
from shared import passwords
from shared.app import lambda_handler
from shared.errors import Unauthorized
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/auth", dependencies=[Depends(no_unknown_query_parameters)])


def _player_tokens(profile: dict[str, Any], session_id: str, refresh_token: str | None) -> dict[str, Any]:
    user_type = profile.get("userType") if profile.get("userType") in PLAYER_TYPES else STANDARD
    token, expires_in = access_token(
        profile["userId"],
        profile["displayName"],
        user_type,
        PLAYER_PERMISSIONS,
        session_id,
        home_island=profile.get("homeIsland", DEFAULT_HOME_ISLAND),
    )
    return {
        "success": True,
        "data": {
            "accessToken": token,
            "tokenType": "Bearer",
            "expiresIn": expires_in,
            "refreshToken": refresh_token,
            "permissions": PLAYER_PERMISSIONS,
            "player": {
                "id": profile["userId"],
                "name": profile["displayName"],
                "homeIsland": profile.get("homeIsland", DEFAULT_HOME_ISLAND),
                "userType": user_type,
            },
        },
    }


def _new_session(profile: dict[str, Any]) -> dict[str, Any]:
    session = refresh_sessions().start(profile["userId"])
    return _player_tokens(profile, session.session_id, session.refresh_token)


@router.post("/register", status_code=201, response_model=TokenResponse, response_model_exclude_unset=True)
def register(body: RegisterRequest) -> Any:
    given = body.homeIsland.strip() if body.homeIsland else ""  # blank means "not given", as forms send it
    island = canonical_island(given, "homeIsland") if given else DEFAULT_HOME_ISLAND
    profile = dependencies.users().create(
        body.email, body.password, body.displayName, profile={"homeIsland": island, "userType": STANDARD}
    )
    return _new_session(profile)


@router.post("/login", response_model=TokenResponse, response_model_exclude_unset=True)
def login(body: LoginRequest) -> Any:
    credentials = dependencies.users().authenticate(body.email, body.password)
    profile = dependencies.users().get(credentials["userId"])
    if profile is None:  # pragma: no cover - written in the same transaction as the credentials
        raise Unauthorized("Invalid email or password", code="INVALID_CREDENTIALS")
    return _new_session(profile)


@router.post("/refresh", response_model=TokenResponse, response_model_exclude_unset=True)
def refresh(body: RefreshRequest) -> Any:
    session = refresh_sessions().rotate(body.refreshToken)
    profile = dependencies.users().get(session.subject)
    if profile is None:
        raise Unauthorized("Unknown player")
    return _player_tokens(profile, session.session_id, session.refresh_token)


@router.post("/logout", status_code=204, response_class=Response)
def logout(body: RefreshRequest) -> Response:
    """Ends the session of this refresh token; an unknown or already used token changes nothing."""
    refresh_sessions().revoke_token(body.refreshToken)
    return Response(status_code=204)


@router.post("/guest", status_code=201, response_model=TokenResponse, response_model_exclude_unset=True)
def guest() -> Any:
    guest_id = f"guest_{secrets.token_hex(8)}"
    token, expires_in = access_token(guest_id, "Guest", GUEST, GUEST_PERMISSIONS, None)
    return {
        "success": True,
        "data": {
            "accessToken": token,
            "tokenType": "Bearer",
            "expiresIn": expires_in,
            "permissions": GUEST_PERMISSIONS,
            "player": {"id": guest_id, "name": "Guest", "userType": GUEST},
        },
    }


@router.post("/token", response_model=TokenResponse, response_model_exclude_unset=True)
def service_token(body: ClientCredentialsRequest) -> Any:
    account = dependencies.service_accounts().get(body.clientId)
    if account is None or account.get("status") != "active":
        passwords.burn_password_check(body.clientSecret)
        raise Unauthorized("Invalid client credentials", code="INVALID_CLIENT")
    if not passwords.verify_password(body.clientSecret, account["secretHash"]) or not hmac.compare_digest(
        account["clientId"], body.clientId
    ):
        raise Unauthorized("Invalid client credentials", code="INVALID_CLIENT")
    subject = f"svc_{account['clientId']}"
    token, expires_in = access_token(subject, account["name"], SERVICE, SERVICE_PERMISSIONS, None)
    return {
        "success": True,
        "data": {
            "accessToken": token,
            "tokenType": "Bearer",
            "expiresIn": expires_in,
            "permissions": SERVICE_PERMISSIONS,
            "player": {"id": subject, "name": account["name"], "userType": SERVICE},
        },
    }


app = bluemarble_app(router)
handler = lambda_handler(app)
