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

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from jiga_store.errors import JIGA_STYLE
from jiga_store.settings import API_NAME, get_jiga_settings
from shared.app import create_app
from shared.auth import Principal, principal_from_claims
from shared.errors import InvalidInput, ServiceUnavailable
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


def _declared_query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for dependency in dependant.dependencies:
        names |= _declared_query_names(dependency)
    return names


def _query_names(route: APIRoute) -> frozenset[str]:
    """The query parameters a route takes: its own, those its document declares (search), and the
    ``name[]`` spelling of the list ones (qs/axios)."""
    names = _declared_query_names(route.dependant)
    for parameter in (route.openapi_extra or {}).get("parameters", []):
        if parameter.get("in") == "query":
            names.add(parameter["name"])
            if parameter.get("schema", {}).get("type") == "array":
                names.add(f"{parameter['name']}[]")
    return frozenset(names)


def no_unknown_query_parameters(request: Request) -> None:
    """Like the bodies (``extra="forbid"``), a query parameter the route does not take is a 400
    naming it, as Stripe does: a typo (``?sortby=``) is reported instead of silently ignored."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    names = _QUERY_NAMES.get(id(route))
    if names is None:
        names = _QUERY_NAMES[id(route)] = _query_names(route)
    unknown = sorted(set(request.query_params) - names)
    if unknown:
        raise InvalidInput(
            "Unknown query parameter",
            [{"field": name[:100], "message": "not a parameter of this route"} for name in unknown[:10]],
        )


_QUERY_NAMES: dict[int, frozenset[str]] = {}


def jiga_app(*routers: APIRouter, **options: Any) -> FastAPI:
    for router in routers:
        router.dependencies.append(Depends(no_unknown_query_parameters))
    return create_app(API_NAME, JIGA_STYLE, routers, authenticate=authenticate, **options)
