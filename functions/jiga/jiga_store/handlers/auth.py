"""POST /api/v1/auth/register, /login, /refresh, /logout: how a JIGA user gets and gives up tokens.

Registering also delivers DOFs bought on the shop with that email before the account existed
(see logic/shopify.py). A failure there never fails the registration: it is logged, and the
held DOFs stay safely in their holding account for support to deliver.

Refresh tokens rotate: each ``/refresh`` answers a new pair and the old refresh token stops
working; presenting an old one again revokes the whole session (it leaked). ``/logout`` revokes
the session of the refresh token it is given. Register does not honour ``Idempotency-Key``: the
email is the natural key (a retry gets 409 and the client logs in), and a stored replay would hold
live tokens.
"""

from typing import Any

from fastapi import APIRouter, Depends, Response

from jiga_store import dependencies
from jiga_store.identity import access_token, jiga_app, refresh_sessions
from jiga_store.models.auth import LoginRequest, RefreshRequest, RegisterRequest, TokenResponse
from jiga_store.settings import API_NAME
from shared.app import lambda_handler
from shared.errors import Unauthorized
from shared.observability import log_exception
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/v1/auth", dependencies=[Depends(no_unknown_query_parameters)])


def _tokens(user_id: str, roles: list[str]) -> dict[str, Any]:
    session = refresh_sessions().start(user_id)
    token, expires_in = access_token(user_id, roles, session.session_id)
    return TokenResponse(
        access_token=token, refresh_token=session.refresh_token, expires_in=expires_in, user_id=user_id
    ).model_dump()


def deliver_held_purchases(user: dict[str, Any]) -> None:
    # Only a registration can have held purchases: the Shopify logic is loaded by the first
    # registration an instance serves, not by every cold start of login and refresh.
    from jiga_store.logic.shopify import claim_pending_credits

    try:
        claim_pending_credits(user["userId"], user["email"], dependencies.shopify())
    except Exception:
        log_exception(API_NAME, "Could not deliver held DOF purchases", userId=user["userId"])


@router.post("/register", status_code=201, response_model=TokenResponse)
def register(body: RegisterRequest) -> Any:
    user = dependencies.users().create(body.email, body.password, body.display_name)
    deliver_held_purchases(user)
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
    token, expires_in = access_token(user["userId"], user.get("roles", []), session.session_id)
    return TokenResponse(
        access_token=token, refresh_token=session.refresh_token, expires_in=expires_in, user_id=user["userId"]
    ).model_dump()


@router.post("/logout", status_code=204, response_class=Response)
def logout(body: RefreshRequest) -> Response:
    """Ends the session of this refresh token; an unknown or already used token changes nothing."""
    refresh_sessions().revoke_token(body.refresh_token)
    return Response(status_code=204)


app = jiga_app(router)
handler = lambda_handler(app)
