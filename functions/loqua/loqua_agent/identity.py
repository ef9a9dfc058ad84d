"""Loqua's tokens, who may call what, and the app factory every Loqua endpoint group uses.

Three kinds of bearer token, each refused where another is expected:

* **Learner tokens** (``typ: access``), from ``/api/v1/auth/*``: the learner's own app session
  (preferences, audit log; ``roles: [admin]`` for operators). HS256 with ``LoquaTokenSigningSecret``,
  ``iss: loqua/<stage>``, ``aud: loqua``, one hour; refresh tokens rotate (shared.tokens).
* **Agent tokens** (``typ: agent``): an agent's service JWT, minted by an operator
  (``python -m ops.loqua_agent_tokens`` or ``POST /api/v1/admin/agents/{agentId}/tokens``) with
  ``sub`` = the agent id, ``permissions`` and a ``jti``. HS256 with the stage's agent secret
  (``LoquaAgentTokenSecret``, the spec's ``<STAGE>_AGENT_SECRET``), ``aud: loqua-agents``.
  Every request reads the token's record (one consistent GetItem), so a revoked token is refused
  at once, not when it expires.
* **User tokens** (``typ: user``): the learner's JWT handed to an agent by
  ``/api/v1/agent/user-token``, encrypted. ``sub`` = the learner, ``act: {sub: <agent id>}``
  (RFC 8693's actor claim: the agent acts for the learner), ``permissions`` = the agent's, and
  ``agent_token`` = the jti of the agent token it was issued under: revoking that agent token
  refuses its user tokens at once too. Signed like learner tokens, one hour.

``X-Agent-ID`` is required on every agent route (400 ``MISSING_REQUIRED_FIELDS`` without it) and
must name the token's agent (the ``sub`` of an agent token, the ``act.sub`` of a user token):
403 ``AGENT_ID_MISMATCH`` otherwise. A missing permission is 403 ``INSUFFICIENT_PERMISSIONS``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, FastAPI, Header, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from loqua_agent.errors import AGENT_ID_MISMATCH, INSUFFICIENT_PERMISSIONS, MISSING_REQUIRED_FIELDS, EndpointGroup
from loqua_agent.settings import API_NAME, get_loqua_settings
from shared.app import create_app
from shared.auth import BearerCredentials, Principal, bearer_scheme, current_principal, principal_from_claims
from shared.errors import Forbidden, InvalidInput, ServiceUnavailable, Unauthorized
from shared.ratelimit import RateLimit
from shared.tokens import ACCESS, HmacSigningKey, RefreshSessions, TokenPolicy

AGENT, USER = "agent", "user"
PERMISSIONS = ("user.progress", "session.create", "user.context", "user.token")
USER_TOKEN_TTL_SECONDS = 3600
AGENT_AUDIENCE = "loqua-agents"


def _hmac_key(arn: str, what: str) -> HmacSigningKey:
    if not arn:
        raise ServiceUnavailable(f"The {what} is not configured")
    return HmacSigningKey.from_secret_arn(arn, get_loqua_settings().secrets_cache_seconds)


@lru_cache(maxsize=1)
def _learner_key() -> HmacSigningKey:
    return _hmac_key(get_loqua_settings().token_secret_arn, "token signing key")


@lru_cache(maxsize=1)
def _agent_key() -> HmacSigningKey:
    return _hmac_key(get_loqua_settings().agent_secret_arn, "agent secret")


@lru_cache(maxsize=1)
def learner_policy() -> TokenPolicy:
    """Learner tokens and the user tokens issued from them (one key, told apart by ``typ``)."""
    settings = get_loqua_settings()
    return TokenPolicy(
        key=_learner_key,
        issuer=f"{API_NAME}/{settings.stage}",
        audience=API_NAME,
        access_ttl_seconds=settings.access_token_ttl_seconds,
        lifetimes={USER: USER_TOKEN_TTL_SECONDS},
    )


@lru_cache(maxsize=1)
def agent_policy() -> TokenPolicy:
    return TokenPolicy(
        key=_agent_key,
        issuer=f"{API_NAME}/{get_loqua_settings().stage}",
        audience=AGENT_AUDIENCE,
        required=("exp", "iat", "sub", "jti"),
    )


@lru_cache(maxsize=1)
def refresh_sessions() -> RefreshSessions:
    settings = get_loqua_settings()
    return RefreshSessions(settings.loqua_table, settings.refresh_token_ttl_seconds)


def _permissions(claims: dict[str, Any]) -> frozenset[str]:
    granted = claims.get("permissions")
    if not isinstance(granted, list) or not all(isinstance(item, str) for item in granted):
        raise Unauthorized("Invalid token")
    return frozenset(granted)


def _require_active_agent_token(agent_id: str, token_id: str) -> None:
    from loqua_agent import dependencies

    if not dependencies.agent_tokens().is_active(agent_id, token_id):
        raise Unauthorized("Agent token has been revoked")


def authenticate_learner(token: str) -> Principal:
    return principal_from_claims(learner_policy().verify(token, ACCESS))


def authenticate_agent(token: str) -> Principal:
    claims = agent_policy().verify(token, AGENT)
    agent_id, token_id = claims.get("sub"), claims.get("jti")
    if not isinstance(agent_id, str) or not isinstance(token_id, str):
        raise Unauthorized("Invalid token")
    permissions = _permissions(claims)
    _require_active_agent_token(agent_id, token_id)
    return Principal(user_id=agent_id, roles=permissions, claims=claims)


def authenticate_user(token: str) -> Principal:
    claims = learner_policy().verify(token, USER)
    actor, agent_token = claims.get("act"), claims.get("agent_token")
    if not isinstance(actor, dict) or not isinstance(actor.get("sub"), str) or not isinstance(agent_token, str):
        raise Unauthorized("Invalid token")
    permissions = _permissions(claims)
    _require_active_agent_token(actor["sub"], agent_token)
    principal = principal_from_claims(claims, roles="permissions")
    return Principal(user_id=principal.user_id, roles=permissions, claims=claims)


def learner_access_token(user_id: str, roles: list[str], session_id: str) -> tuple[str, int]:
    return learner_policy().issue({"sub": user_id, "roles": roles, "sid": session_id})


# -- who is calling ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgentCaller:
    """An agent with its own service token."""

    agent_id: str
    token_id: str
    permissions: frozenset[str]


@dataclass(frozen=True)
class DelegatedCaller:
    """An agent acting for a learner with the learner's user token."""

    learner_id: str
    agent_id: str
    agent_token_id: str
    permissions: frozenset[str]


def _checked_agent_header(request: Request, agent_id: str) -> None:
    header = request.headers.get("x-agent-id")
    if header is None or not header.strip():
        raise InvalidInput("X-Agent-ID header is required", code=MISSING_REQUIRED_FIELDS)
    if header.strip() != agent_id:
        raise Forbidden("X-Agent-ID does not name the agent this token belongs to", code=AGENT_ID_MISMATCH)


def _require(permissions: frozenset[str], permission: str | None) -> None:
    if permission is not None and permission not in permissions:
        raise Forbidden("Agent lacks required permissions", code=INSUFFICIENT_PERMISSIONS)


def agent_caller(permission: str | None) -> Callable[..., AgentCaller]:
    """FastAPI dependency: the agent behind an agent token, its X-Agent-ID and one permission."""

    def dependency(
        request: Request,
        _declared: BearerCredentials = Security(bearer_scheme),
        x_agent_id: str | None = Header(default=None, alias="X-Agent-ID", max_length=128),
    ) -> AgentCaller:
        principal = current_principal(request)
        _checked_agent_header(request, principal.user_id)
        _require(principal.roles, permission)
        return AgentCaller(principal.user_id, principal.claims["jti"], principal.roles)

    return dependency


def delegated_caller(permission: str) -> Callable[..., DelegatedCaller]:
    """FastAPI dependency: the learner and agent behind a user token, its X-Agent-ID and one permission."""

    def dependency(
        request: Request,
        _declared: BearerCredentials = Security(bearer_scheme),
        x_agent_id: str | None = Header(default=None, alias="X-Agent-ID", max_length=128),
    ) -> DelegatedCaller:
        principal = current_principal(request)
        agent_id = principal.claims["act"]["sub"]
        _checked_agent_header(request, agent_id)
        _require(principal.roles, permission)
        return DelegatedCaller(principal.user_id, agent_id, principal.claims["agent_token"], principal.roles)

    return dependency


# -- the app of an endpoint group ----------------------------------------------------------------


def _rate_limit(group: EndpointGroup) -> Callable[[Principal | None], RateLimit | None]:
    """The spec's limits count per agent (agent tokens) or per agent and learner (user tokens:
    one conversation); LiveKit's webhooks are not limited per caller; other groups use the
    platform's per-caller default."""
    if group.name == "webhooks":
        return lambda _principal: None
    if group.name not in ("health", "token", "progress", "sessions", "context"):
        return lambda _principal: RateLimit(get_loqua_settings().rate_limit_per_minute, category=group.name)

    def rule(principal: Principal | None) -> RateLimit:
        limit = get_loqua_settings().rate_limit(group.name)
        actor = (principal.claims.get("act") or {}).get("sub") if principal is not None else None
        category = f"{group.name}@{actor}" if isinstance(actor, str) else group.name
        return RateLimit(limit, category=category)

    return rule


def loqua_app(group: EndpointGroup, *routers: APIRouter, authenticate: Callable[[str], Principal] | None) -> FastAPI:
    app = create_app(API_NAME, group.style(), routers, rate_limit=_rate_limit(group), authenticate=authenticate)

    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = []
        for item in error.errors():
            location = [str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path", "header")]
            message = str(item.get("msg", "is invalid")).removeprefix("Value error, ")
            problems.append((".".join(location) or "body", message, item.get("type") == "missing"))
        request_id = getattr(request.state, "request_id", "")
        status, body = group.style().body(group.validation_error(problems), request_id)
        return JSONResponse(status_code=status, content=body)

    app.add_exception_handler(RequestValidationError, validation_error)
    return app
