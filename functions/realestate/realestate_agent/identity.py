"""Real Estate tokens, roles and app wiring.

Access tokens carry exactly the spec's claims: ``userId``, ``organizationId``, ``role``,
``permissions`` and ``exp`` (HS256 with this API's own key, so no other API's token verifies
here). They live 15 minutes; refresh tokens are opaque and rotate on every use
(``shared.tokens.RefreshSessions``), and each refresh re-reads the membership, so a changed role
or a removed member takes effect within those 15 minutes at most.

Roles and their permissions: realestate_agent/access.py.
"""

import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from realestate_agent.access import ROLES, Caller
from realestate_agent.errors import REALESTATE_STYLE, echo
from realestate_agent.settings import API_NAME, get_realestate_settings
from shared.app import create_app
from shared.auth import BearerCredentials, Principal, bearer_scheme, current_principal
from shared.errors import DomainError, Forbidden, InvalidInput, ServiceUnavailable, Unauthorized, Unprocessable
from shared.ratelimit import RateLimit
from shared.tokens import ACCESS, HmacSigningKey, RefreshSessions, TokenPolicy


@lru_cache(maxsize=1)
def _signing_key() -> HmacSigningKey:
    settings = get_realestate_settings()
    if not settings.token_secret_arn:
        raise ServiceUnavailable("Token signing key is not configured")
    return HmacSigningKey.from_secret_arn(settings.token_secret_arn, settings.secrets_cache_seconds)


@lru_cache(maxsize=1)
def token_policy() -> TokenPolicy:
    # No issuer, audience or type claim: the spec's token has exactly its five claims.
    return TokenPolicy(key=_signing_key, type_claim=None, required=("exp",))


@lru_cache(maxsize=1)
def refresh_sessions() -> RefreshSessions:
    settings = get_realestate_settings()
    return RefreshSessions(settings.table, settings.refresh_token_ttl_seconds)


def access_token(user_id: str, organization_id: str, role: str) -> tuple[str, int]:
    ttl = get_realestate_settings().access_token_ttl_seconds
    claims = {
        "userId": user_id,
        "organizationId": organization_id,
        "role": role,
        "permissions": list(ROLES[role]),
        "exp": int(time.time()) + ttl,
    }
    return _signing_key().sign(claims), ttl


def authenticate(token: str) -> Principal:
    claims = token_policy().verify(token, ACCESS)
    user_id, organization_id = claims.get("userId"), claims.get("organizationId")
    role, permissions = claims.get("role"), claims.get("permissions")
    if not all(isinstance(value, str) and value for value in (user_id, organization_id, role)):
        raise Unauthorized("Invalid token")
    if not isinstance(permissions, list) or not all(isinstance(p, str) for p in permissions):
        raise Unauthorized("Invalid token")
    return Principal(user_id=user_id, roles=frozenset([role]), claims=claims)


def caller_of(principal: Principal) -> Caller:
    claims = principal.claims
    return Caller(principal.user_id, claims["organizationId"], claims["role"], frozenset(claims["permissions"]))


def require(permission: str) -> Callable[..., Caller]:
    """FastAPI dependency: the caller, who must hold ``permission`` (403 otherwise)."""

    def dependency(request: Request, _declared: BearerCredentials = Security(bearer_scheme)) -> Caller:
        caller = caller_of(current_principal(request))
        if not caller.may(permission):
            raise Forbidden(f"The {permission} permission is required", {"field": "permissions", "value": permission})
        return caller

    return dependency


# -- the app --------------------------------------------------------------------------------------

RateRule = Callable[[Principal | None], RateLimit]


def standard_limit(_principal: Principal | None) -> RateLimit:
    return RateLimit(get_realestate_settings().standard_per_minute, category="standard")


def upload_limit(_principal: Principal | None) -> RateLimit:
    return RateLimit(get_realestate_settings().upload_per_minute, category="upload")


def health_limit(_principal: Principal | None) -> RateLimit:
    return RateLimit(get_realestate_settings().health_per_minute, category="health")


def validation_failure(error: RequestValidationError) -> DomainError:
    """A body that fails validation is 422 VALIDATION_ERROR (the spec's own test: a 2-character
    name); bad query or path parameters, and a body that is not JSON at all, are 400 BAD_REQUEST."""
    problems = []
    in_body = False
    malformed = False
    for item in error.errors():
        location = [str(part) for part in item.get("loc", ())]
        if location[:1] == ["body"]:
            in_body = True
            malformed = malformed or item.get("type") == "json_invalid"
        field = ".".join(part for part in location if part not in ("body", "query", "path", "header")) or "body"
        problems.append({"field": field, "value": echo(item.get("input")), "message": item.get("msg", "Invalid value")})
    first = problems[0] if problems else {"field": None, "value": None, "message": "Invalid request"}
    message = f"{first['field']}: {first['message']}"
    details = {"field": first["field"], "value": first["value"], "errors": problems}
    if malformed:
        return InvalidInput("The request body is not valid JSON", {**details, "value": None})
    return Unprocessable(message, details) if in_body else InvalidInput(message, details)


def realestate_app(*routers: APIRouter, rate_limit: RateRule = standard_limit, **options: Any) -> FastAPI:
    app = create_app(API_NAME, REALESTATE_STYLE, routers, authenticate=authenticate, rate_limit=rate_limit, **options)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        request_id = getattr(request.state, "request_id", None) or "req-local"
        status, body = REALESTATE_STYLE.body(validation_failure(error), request_id)
        return JSONResponse(status_code=status, content=body)

    return app
