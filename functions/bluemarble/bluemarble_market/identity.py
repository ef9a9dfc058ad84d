"""BlueMarble's tokens, permissions, user types and app wiring.

The spec's "main authentication service" is offered by this stack (``POST /api/auth/...``), with
its own HS256 key (a Secrets Manager secret no other API can read) and audience ``bluemarble``.

Access token claims: ``sub``, ``name`` (display name), ``userType`` (``guest``, ``standard``,
``premium`` or ``service``), ``permissions`` (a list of strings; anything else is refused), ``sid``
(the refresh session; guests and service accounts have none), ``typ: access``, ``iss:
bluemarble/<stage>``, ``aud: bluemarble``, one hour. A player's user type is read from the profile
when a token is issued, so a change of membership takes effect at the next refresh.

* Players also carry ``homeIsland`` (where their purchases are delivered).
* Players get every ``marketplace:*`` permission of the spec's table.
* Guests (``POST /api/auth/guest``, no account) get ``marketplace:read`` only: they browse.
* Service accounts (game servers, minted by operators, ``POST /api/auth/token``) get
  ``marketplace:read`` plus ``game:grant`` (coin and items into players' inventories) and
  ``game:manage`` (item definitions, memberships).

Rate limits per user type follow the spec's table (requests per minute, burst per second,
requests in flight); a caller without a token counts as a guest, by source IP. One counter per
caller spans every endpoint group, since the spec's limit is per user, not per route.
"""

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Security

from bluemarble_market.errors import BLUEMARBLE_STYLE
from bluemarble_market.logic.market import Player
from bluemarble_market.settings import API_NAME, get_bluemarble_settings
from shared.app import create_app
from shared.auth import BearerCredentials, Principal, bearer_scheme, current_principal, principal_from_claims
from shared.errors import Forbidden, ServiceUnavailable, Unauthorized
from shared.ratelimit import RateLimit
from shared.tokens import ACCESS, HmacSigningKey, RefreshSessions, TokenPolicy

READ, CREATE, UPDATE, DELETE, TRANSACT, RATE = (
    "marketplace:read",
    "marketplace:create",
    "marketplace:update",
    "marketplace:delete",
    "marketplace:transact",
    "marketplace:rate",
)
GAME_GRANT, GAME_MANAGE = "game:grant", "game:manage"
PLAYER_PERMISSIONS = [READ, CREATE, UPDATE, DELETE, TRANSACT, RATE]
GUEST_PERMISSIONS = [READ]
SERVICE_PERMISSIONS = [READ, GAME_GRANT, GAME_MANAGE]
GUEST, STANDARD, PREMIUM, SERVICE = "guest", "standard", "premium", "service"
PLAYER_TYPES = (STANDARD, PREMIUM)

# The spec's "Rate Limits" table: requests per minute, burst (per second), concurrent requests.
RATE_LIMITS = {
    GUEST: (30, 10, 5),
    STANDARD: (100, 30, 10),
    PREMIUM: (500, 100, 20),
    SERVICE: (1000, 200, 50),
}


@lru_cache(maxsize=1)
def _signing_key() -> HmacSigningKey:
    settings = get_bluemarble_settings()
    if not settings.token_secret_arn:
        raise ServiceUnavailable("Token signing key is not configured")
    return HmacSigningKey.from_secret_arn(settings.token_secret_arn, settings.secrets_cache_seconds)


@lru_cache(maxsize=1)
def token_policy() -> TokenPolicy:
    settings = get_bluemarble_settings()
    return TokenPolicy(
        key=_signing_key,
        issuer=f"{API_NAME}/{settings.stage}",
        audience=API_NAME,
        access_ttl_seconds=settings.access_token_ttl_seconds,
        required=("exp", "iat", "sub", "userType", "permissions"),
    )


@lru_cache(maxsize=1)
def refresh_sessions() -> RefreshSessions:
    settings = get_bluemarble_settings()
    return RefreshSessions(settings.table, settings.refresh_token_ttl_seconds)


def authenticate(token: str) -> Principal:
    claims = token_policy().verify(token, ACCESS)
    if claims.get("userType") not in RATE_LIMITS:
        raise Unauthorized("Invalid token")
    return principal_from_claims(claims, roles="permissions")


def access_token(
    user_id: str,
    name: str,
    user_type: str,
    permissions: list[str],
    session_id: str | None,
    home_island: str | None = None,
) -> tuple[str, int]:
    claims: dict[str, Any] = {"sub": user_id, "name": name, "userType": user_type, "permissions": permissions}
    if session_id is not None:
        claims["sid"] = session_id
    if home_island is not None:
        claims["homeIsland"] = home_island
    return token_policy().issue(claims)


def player_of(principal: Principal) -> Player:
    """The caller as a player (name and home island from the token)."""
    island = principal.claims.get("homeIsland")
    if user_type_of(principal) not in PLAYER_TYPES or not isinstance(island, str):
        raise Forbidden("Only players can do this", code="FORBIDDEN")
    return Player(principal.user_id, str(principal.claims.get("name") or principal.user_id), island)


def user_type_of(principal: Principal | None) -> str:
    return GUEST if principal is None else str(principal.claims.get("userType", GUEST))


def rate_limit_for(principal: Principal | None) -> RateLimit:
    per_minute, burst, concurrent = RATE_LIMITS[user_type_of(principal)]
    scale = get_bluemarble_settings().rate_limit_scale
    return RateLimit(
        per_minute=max(1, int(per_minute * scale)),
        burst=max(1, int(burst * scale)),
        category="api",
        concurrent=max(1, int(concurrent * scale)),
    )


def require_player(permission: str) -> Callable[..., Player]:
    """FastAPI dependency: a player holding ``permission``."""
    check = require(permission)

    def dependency(request: Request, _declared: BearerCredentials = Security(bearer_scheme)) -> Player:
        return player_of(check(request))

    return dependency


def require(permission: str) -> Callable[..., Principal]:
    """FastAPI dependency: the caller, who must hold ``permission`` (403 ``FORBIDDEN`` otherwise)."""

    def dependency(request: Request, _declared: BearerCredentials = Security(bearer_scheme)) -> Principal:
        principal = current_principal(request)
        if not principal.has_role(permission):
            raise Forbidden(f"The {permission} permission is required", {"permission": permission})
        return principal

    return dependency


def bluemarble_app(*routers: APIRouter) -> FastAPI:
    return create_app(
        API_NAME,
        BLUEMARBLE_STYLE,
        routers,
        rate_limit=rate_limit_for,
        authenticate=authenticate,
        client_request_id=True,
    )
