"""JIGA's tokens and app wiring: its own HS256 key, its token policy, and the app factory every
JIGA endpoint group uses (JIGA's envelope, JIGA's authenticator).

Access tokens: ``sub``, ``roles`` (a list of strings; anything else is refused), ``sid`` (the
refresh session), ``typ: access``, ``iss: jiga/<stage>``, ``aud: jiga``, one hour. Session tokens
(the live WebSocket) are the same policy with ``typ: session``. Refresh tokens are opaque and
rotate on every use (``shared.tokens.RefreshSessions``); logout revokes the session, and the
access tokens already issued lapse within their hour (JIGA does not look sessions up per request).
"""

from functools import lru_cache
from typing import Any

from fastapi import APIRouter, FastAPI

from jiga_store.errors import JIGA_STYLE
from jiga_store.settings import API_NAME, get_jiga_settings
from shared.app import create_app
from shared.auth import Principal, principal_from_claims
from shared.errors import ServiceUnavailable
from shared.tokens import ACCESS, HmacSigningKey, RefreshSessions, TokenPolicy


@lru_cache(maxsize=1)
def _signing_key() -> HmacSigningKey:
    settings = get_jiga_settings()
    if not settings.token_secret_arn:
        raise ServiceUnavailable("Token signing key is not configured")
    return HmacSigningKey.from_secret_arn(settings.token_secret_arn, settings.secrets_cache_seconds)


@lru_cache(maxsize=1)
def token_policy() -> TokenPolicy:
    settings = get_jiga_settings()
    return TokenPolicy(
        key=_signing_key,
        issuer=f"{API_NAME}/{settings.stage}",
        audience=API_NAME,
        access_ttl_seconds=settings.access_token_ttl_seconds,
    )


@lru_cache(maxsize=1)
def refresh_sessions() -> RefreshSessions:
    settings = get_jiga_settings()
    return RefreshSessions(settings.jiga_table, settings.refresh_token_ttl_seconds)


def authenticate(token: str) -> Principal:
    return principal_from_claims(token_policy().verify(token, ACCESS))


def access_token(user_id: str, roles: list[str], session_id: str) -> tuple[str, int]:
    return token_policy().issue({"sub": user_id, "roles": roles, "sid": session_id})


def jiga_app(*routers: APIRouter, **options: Any) -> FastAPI:
    return create_app(API_NAME, JIGA_STYLE, routers, authenticate=authenticate, **options)
