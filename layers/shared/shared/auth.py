"""Who the caller is and what it may do: FastAPI dependencies over each API's own authenticator.

Each app is created with an ``authenticate`` callable (``create_app(..., authenticate=...)``) that
turns a bearer token into a ``Principal`` with the API's own token policy (``shared.tokens``), or
raises ``Unauthorized``/``TokenExpired``. The dependencies here only find the token, call it, and
enforce roles; they never know how an API's tokens look. Tokens are verified in the function, not
by an API Gateway JWT authorizer (which needs an OIDC issuer), so one code path runs locally and in
AWS, at ~0.1 ms a request.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.errors import Forbidden, Unauthorized

Authenticator = Callable[[str], "Principal"]


@dataclass(frozen=True)
class Principal:
    user_id: str
    roles: frozenset[str] = field(default_factory=frozenset)
    claims: dict[str, Any] = field(default_factory=dict)

    def has_role(self, role: str) -> bool:
        return role in self.roles


def principal_from_claims(claims: Mapping[str, Any], subject: str = "sub", roles: str = "roles") -> Principal:
    """A principal from verified claims, refusing claims of the wrong type (a ``roles`` object
    must never read as a grant, even from a token signed with the right key)."""
    user_id = claims.get(subject)
    granted = claims.get(roles, [])
    if not isinstance(user_id, str) or not user_id:
        raise Unauthorized("Invalid token")
    if not isinstance(granted, list) or not all(isinstance(role, str) for role in granted):
        raise Unauthorized("Invalid token")
    return Principal(user_id=user_id, roles=frozenset(granted), claims=dict(claims))


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


# Declares the bearer scheme to FastAPI, so each app's OpenAPI document says which operations need
# a token. It never refuses a request itself (auto_error=False): the dependencies below do, in the
# API's own envelope.
bearer_scheme = HTTPBearer(auto_error=False, bearerFormat="JWT", scheme_name="bearerAuth")
BearerCredentials = HTTPAuthorizationCredentials | None


def current_principal(request: Request, _declared: BearerCredentials = Security(bearer_scheme)) -> Principal:
    """FastAPI dependency: the verified caller, or 401 in the API's envelope."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("Missing bearer token")
    authenticate: Authenticator | None = getattr(request.app.state, "authenticate", None)
    if authenticate is None:
        raise Unauthorized("This API does not accept bearer tokens")
    principal = authenticate(token)
    request.state.principal = principal
    return principal


def optional_principal(request: Request) -> Principal | None:
    """FastAPI dependency for public routes: None for an anonymous caller.

    A token that is presented must still be valid (401 otherwise), so a client learns that its
    token expired instead of being silently served as anonymous.
    """
    if "authorization" not in request.headers:
        return None
    return current_principal(request)


def require_role(role: str) -> Callable[[Request], Principal]:
    def dependency(request: Request, _declared: BearerCredentials = Security(bearer_scheme)) -> Principal:
        principal = current_principal(request)
        if not principal.has_role(role):
            raise Forbidden(f"The {role} role is required", code="INSUFFICIENT_PERMISSIONS")
        return principal

    return dependency
