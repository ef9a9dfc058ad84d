"""Cosmic's tokens and app wiring: RS256 access tokens signed by the stack's own asymmetric KMS key,
the rate-limit categories of the spec, and the app factory every Cosmic endpoint group uses.

Access tokens carry the spec's claims: ``sub`` (the player id), ``username``, ``iat``, ``exp`` (one
hour), ``iss`` (``cosmictictactoe.com``, ``COSMIC_TOKEN_ISSUER``) and ``permissions`` (``play``,
``trade``, ``customize``; operators also ``admin``), plus ``sid`` (the refresh session), ``jti``
and ``typ: access``. The private key never leaves KMS: only the auth function may ``kms:Sign``;
every function verifies with the public key (one ``GetPublicKey`` per instance), which
``GET /v1/.well-known/jwks.json`` publishes for anyone else who verifies Cosmic tokens.

Refresh tokens are opaque, last 30 days and rotate on every use; a refresh token presented after it
was rotated away revokes its whole session (``shared.tokens.RefreshSessions``).

Logout takes effect at once. Decision: every authenticated request checks that its token's session
is still active (one consistent ``GetItem`` of the session, about a millisecond in DynamoDB),
rather than letting a logged-out access token live out its hour or keeping a per-instance
revocation cache that other instances would not see. A player who logs out on a shared computer
expects the token to be dead, and the check costs less than the request's rate-limit write.
"""

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Security

from cosmic_ttt.errors import COSMIC_STYLE
from cosmic_ttt.http import CosmicHeaders
from cosmic_ttt.settings import API_NAME, get_cosmic_settings
from shared.app import create_app
from shared.auth import BearerCredentials, Principal, bearer_scheme, current_principal, principal_from_claims
from shared.errors import Forbidden, ServiceUnavailable, Unauthorized
from shared.ratelimit import RateLimit
from shared.tokens import ACCESS, KmsSigningKey, RefreshSessions, TokenPolicy

PLAYER_PERMISSIONS = ("play", "trade", "customize")
ADMIN = "admin"

# The spec's "Limits by Endpoint Category": (requests per minute, burst, category). The limiter
# counts fixed minutes and caps any one second at ``burst``; across a minute boundary a client can
# send up to twice the per-minute figure at once, about the spec's burst.
AUTH_LIMIT = (10, 20, "auth")
MATCH_LIMIT = (60, 100, "match")
READ_LIMIT = (120, 200, "read")
WRITE_LIMIT = (30, 50, "write")


@lru_cache(maxsize=1)
def signing_key() -> KmsSigningKey:
    settings = get_cosmic_settings()
    if not settings.signing_key_id:
        raise ServiceUnavailable("Token signing key is not configured")
    return KmsSigningKey(settings.signing_key_id)


@lru_cache(maxsize=1)
def token_policy() -> TokenPolicy:
    settings = get_cosmic_settings()
    return TokenPolicy(
        key=signing_key,
        issuer=settings.token_issuer,
        access_ttl_seconds=settings.access_token_ttl_seconds,
        required=("exp", "iat", "sub", "iss"),
    )


@lru_cache(maxsize=1)
def refresh_sessions() -> RefreshSessions:
    settings = get_cosmic_settings()
    return RefreshSessions(settings.cosmic_table, settings.refresh_token_ttl_seconds)


def permissions_for(roles: list[str]) -> list[str]:
    return [*PLAYER_PERMISSIONS, *(role for role in roles if role == ADMIN)]


def access_token(player_id: str, username: str, roles: list[str], session_id: str) -> tuple[str, int]:
    claims = {"sub": player_id, "username": username, "permissions": permissions_for(roles), "sid": session_id}
    return token_policy().issue(claims)


def verify_access_token(token: str) -> Principal:
    """The caller of a valid access token whose session is still active; 401 otherwise."""
    claims = token_policy().verify(token, ACCESS)
    principal = principal_from_claims(claims, roles="permissions")
    session_id = claims.get("sid")
    if not isinstance(session_id, str) or not refresh_sessions().is_active(session_id):
        raise Unauthorized("This session has been logged out; log in again")
    return principal


def require_permission(permission: str) -> Callable[..., Principal]:
    """FastAPI dependency: the caller, who must hold ``permission`` (403 FORBIDDEN otherwise)."""

    def dependency(request: Request, _declared: BearerCredentials = Security(bearer_scheme)) -> Principal:
        principal = current_principal(request)
        if not principal.has_role(permission):
            raise Forbidden(f"The {permission} permission is required", {"permission": permission})
        return principal

    return dependency


def rate_limits(write: tuple[int, int, str]) -> Callable[..., RateLimit]:
    """Reads (GET) count as the spec's read operations; anything else as ``write``'s category.
    ``COSMIC_RATE_LIMIT_SCALE`` multiplies every limit (load tests and the test suite raise it)."""

    def rule(_principal: Principal | None, method: str) -> RateLimit:
        per_minute, burst, category = READ_LIMIT if method in ("GET", "HEAD") else write
        scale = get_cosmic_settings().rate_limit_scale
        return RateLimit(max(int(per_minute * scale), 1), max(int(burst * scale), 1), category)

    return rule


def cosmic_app(*routers: APIRouter, writes: tuple[int, int, str] = WRITE_LIMIT, **options: Any) -> FastAPI:
    app = create_app(
        API_NAME, COSMIC_STYLE, routers, authenticate=verify_access_token, rate_limit=rate_limits(writes), **options
    )
    app.add_middleware(CosmicHeaders)
    return app
