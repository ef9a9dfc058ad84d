"""Passwords, JWTs and the FastAPI dependencies that say who a caller is and what it may do.

Tokens are HS256 JWTs (PyJWT) signed with a key kept in Secrets Manager and cached by
Powertools Parameters. Each API is its own audience, so a JIGA token is refused by Cosmic.
API Gateway's JWT authorizer would need an OIDC issuer with a JWKS endpoint; verifying in the
function keeps one code path locally and in AWS at the cost of ~0.1 ms per request.
"""

import base64
import hashlib
import hmac
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jwt
from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared import aws
from shared.errors import Forbidden, ServiceUnavailable, TokenExpired, Unauthorized
from shared.settings import get_settings

# scrypt with n=2**14, r=8 uses 16 MiB per hash: memory-hard, in the standard library, and
# about 40 ms on a Lambda core. Parameters are stored with each hash so they can be raised later.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P, _SCRYPT_LEN = 2**14, 8, 1, 32
ACCESS, REFRESH, SESSION = "access", "refresh", "session"


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=_SCRYPT_LEN)
    encode = base64.urlsafe_b64encode
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${encode(salt).decode()}${encode(digest).decode()}"


def verify_password(password: str, encoded: str) -> bool:
    try:
        scheme, n, r, p, salt, expected = encoded.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            password.encode(),
            salt=base64.urlsafe_b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=_SCRYPT_LEN,
        )
        expected_digest = base64.urlsafe_b64decode(expected)
    except (ValueError, TypeError):  # a malformed stored hash never verifies (binascii.Error is a ValueError)
        return False
    return hmac.compare_digest(digest, expected_digest)


# A hash of a random password, so that a login for an unknown email costs the same as a wrong
# password and response time does not reveal which emails are registered.
@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def burn_password_check(password: str) -> None:
    verify_password(password, _dummy_hash())


def signing_key() -> str:
    settings = get_settings()
    if not settings.jwt_secret_arn:
        raise ServiceUnavailable("Token signing key is not configured")
    return aws.secret(settings.jwt_secret_arn, max_age=settings.secrets_cache_seconds)


def issue_token(
    subject: str,
    audience: str,
    token_type: str = ACCESS,
    roles: list[str] | None = None,
    ttl_seconds: int | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    settings = get_settings()
    if ttl_seconds is None:
        ttl_seconds = settings.jwt_refresh_ttl_seconds if token_type == REFRESH else settings.jwt_access_ttl_seconds
    now = int(time.time())
    claims = {
        "sub": subject,
        "aud": audience,
        "iss": f"serverless-platform/{settings.stage}",
        "iat": now,
        "exp": now + ttl_seconds,
        "jti": uuid.uuid4().hex,
        "typ": token_type,
        "roles": roles or [],
        **(extra or {}),
    }
    return jwt.encode(claims, signing_key(), algorithm="HS256")


def decode_token(token: str, audience: str, token_type: str = ACCESS) -> dict[str, Any]:
    settings = get_settings()
    try:
        claims = jwt.decode(
            token,
            signing_key(),
            algorithms=["HS256"],
            audience=audience,
            issuer=f"serverless-platform/{settings.stage}",
            options={"require": ["exp", "iat", "sub", "aud", "iss"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise TokenExpired("Token has expired") from error
    except jwt.PyJWTError as error:
        raise Unauthorized("Invalid token") from error
    if claims.get("typ") != token_type:
        raise Unauthorized(f"This needs {'an' if token_type == ACCESS else 'a'} {token_type} token")
    return claims


@dataclass(frozen=True)
class Principal:
    user_id: str
    roles: frozenset[str] = field(default_factory=frozenset)
    claims: dict[str, Any] = field(default_factory=dict)

    def has_role(self, role: str) -> bool:
        return role in self.roles


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
    claims = decode_token(token, request.app.state.audience)
    principal = Principal(user_id=claims["sub"], roles=frozenset(claims.get("roles", [])), claims=claims)
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
