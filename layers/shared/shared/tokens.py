"""Tokens: one signing key and one token policy per API, and refresh sessions that rotate.

Each API signs with its own key, kept in its own stack, so a token of one API (or one API's
compromised function) cannot act on another:

* ``HmacSigningKey``: HS256 with a Secrets Manager secret (read through Powertools' cache). Every
  function that verifies can also sign, so it suits APIs whose functions all trust each other.
* ``KmsSigningKey``: RS256 with an asymmetric KMS key (``KeySpec: RSA_2048``, ``KeyUsage:
  SIGN_VERIFY``). The private key never leaves KMS; only the function allowed ``kms:Sign`` can
  mint tokens, everyone else verifies with the public key (fetched once per instance), and the
  public key is published as a JWKS document (``jwks``) with an RFC 7638 thumbprint as ``kid``.

A ``TokenPolicy`` says how one API's tokens look: issuer, audience, lifetimes, which claim names
the token type, and which claims are required. PyJWT does the JOSE work; ``verify`` maps every
failure to ``TokenExpired`` or ``Unauthorized`` so that a bad token is a 401 in the API's envelope.

``RefreshSessions`` keeps opaque refresh tokens (the OAuth 2.0 Security BCP's rotation with reuse
detection): a token is ``<session id>.<secret>``; the table stores only hashes. Each use rotates
the secret; presenting one that was already rotated away means it leaked, so the whole session
(the token family) is revoked. Logout revokes the session. Access tokens carry the session id
(``sid``) so a policy that must honour logout at once can check ``is_active`` per request.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

import jwt
from botocore.exceptions import ClientError

from shared import aws
from shared.dynamo import from_item, to_item, to_value
from shared.errors import TokenExpired, Unauthorized, utc_now_iso

ACCESS, REFRESH, SESSION = "access", "refresh", "session"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class SigningKey(Protocol):
    algorithm: str

    def sign(self, claims: Mapping[str, Any]) -> str: ...

    def verification_key(self) -> Any: ...


class HmacSigningKey:
    """HS256 with a secret value (from Secrets Manager in AWS)."""

    algorithm = "HS256"

    def __init__(self, secret: Callable[[], str]):
        self._secret = secret

    @classmethod
    def from_secret_arn(cls, secret_arn: str, cache_seconds: int = 300) -> "HmacSigningKey":
        return cls(lambda: aws.secret(secret_arn, max_age=cache_seconds))

    def sign(self, claims: Mapping[str, Any]) -> str:
        return jwt.encode(dict(claims), self._secret(), algorithm=self.algorithm)

    def verification_key(self) -> Any:
        return self._secret()


class KmsSigningKey:
    """RS256 with an asymmetric KMS key; signing asks KMS, verifying uses the cached public key."""

    algorithm = "RS256"
    _KMS_ALGORITHM = "RSASSA_PKCS1_V1_5_SHA_256"

    def __init__(self, key_id: str):
        self.key_id = key_id

    @cached_property
    def _public_key(self) -> Any:
        from cryptography.hazmat.primitives.serialization import load_der_public_key

        der = aws.client("kms").get_public_key(KeyId=self.key_id)["PublicKey"]
        return load_der_public_key(der)

    @cached_property
    def jwk(self) -> dict[str, Any]:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self._public_key, as_dict=True)
        canonical = json.dumps({name: public[name] for name in ("e", "kty", "n")}, separators=(",", ":"))
        kid = _b64url(hashlib.sha256(canonical.encode()).digest())
        return {**public, "kid": kid, "use": "sig", "alg": self.algorithm}

    def sign(self, claims: Mapping[str, Any]) -> str:
        header = {"alg": self.algorithm, "typ": "JWT", "kid": self.jwk["kid"]}
        signing_input = ".".join(
            _b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, dict(claims))
        )
        signature = aws.client("kms").sign(
            KeyId=self.key_id,
            Message=signing_input.encode(),
            MessageType="RAW",
            SigningAlgorithm=self._KMS_ALGORITHM,
        )["Signature"]
        return f"{signing_input}.{_b64url(signature)}"

    def verification_key(self) -> Any:
        return self._public_key


def jwks(*keys: KmsSigningKey) -> dict[str, Any]:
    """The JSON Web Key Set that verifiers of these keys' tokens fetch."""
    return {"keys": [key.jwk for key in keys]}


@dataclass(frozen=True)
class TokenPolicy:
    """How one API's tokens are minted and checked."""

    key: Callable[[], SigningKey]
    issuer: str | None = None
    audience: str | None = None
    access_ttl_seconds: int = 3600
    type_claim: str | None = "typ"  # None: the API's tokens carry no type (one kind only)
    required: tuple[str, ...] = ("exp", "iat", "sub")
    lifetimes: dict[str, int] = field(default_factory=dict)  # per token type, beside access

    def issue(
        self, claims: Mapping[str, Any], token_type: str = ACCESS, ttl_seconds: int | None = None
    ) -> tuple[str, int]:
        """A signed token and its lifetime in seconds."""
        if ttl_seconds is None:
            ttl_seconds = self.lifetimes.get(token_type, self.access_ttl_seconds)
        now = int(time.time())
        payload: dict[str, Any] = {"iat": now, "exp": now + ttl_seconds, "jti": uuid.uuid4().hex}
        if self.issuer is not None:
            payload["iss"] = self.issuer
        if self.audience is not None:
            payload["aud"] = self.audience
        if self.type_claim is not None:
            payload[self.type_claim] = token_type
        payload.update(claims)
        return self.key().sign(payload), ttl_seconds

    def verify(self, token: str, token_type: str = ACCESS) -> dict[str, Any]:
        key = self.key()
        try:
            claims = jwt.decode(
                token,
                key.verification_key(),
                algorithms=[key.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": list(self.required), "verify_aud": self.audience is not None},
            )
        except jwt.ExpiredSignatureError as error:
            raise TokenExpired("Token has expired") from error
        except (jwt.PyJWTError, ValueError, TypeError) as error:
            raise Unauthorized("Invalid token") from error
        if self.type_claim is not None and claims.get(self.type_claim) != token_type:
            raise Unauthorized(f"This needs {'an' if token_type[0] in 'aeiou' else 'a'} {token_type} token")
        return claims


# -- refresh sessions ------------------------------------------------------------------------


@dataclass(frozen=True)
class RefreshedSession:
    session_id: str
    subject: str
    refresh_token: str
    data: dict[str, Any]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class RefreshSessions:
    """Opaque, rotating refresh tokens in an API's own table.

    AUTHSESSION#<sid>  SESSION   subject, currentHash, usedHashes (string set), rotations,
                                 status (active | revoked), revokedReason, data, createdAt, expiresAt
    """

    MAX_ROTATIONS = 2000  # a session refreshed more often than this over its life logs in again

    def __init__(self, table_name: str, ttl_seconds: int = 30 * 24 * 3600):
        self.table_name = table_name
        self.ttl_seconds = ttl_seconds

    def _key(self, session_id: str) -> dict[str, Any]:
        return {"pk": {"S": f"AUTHSESSION#{session_id}"}, "sk": {"S": "SESSION"}}

    def start(self, subject: str, data: Mapping[str, Any] | None = None) -> RefreshedSession:
        session_id = secrets.token_urlsafe(16)
        secret = secrets.token_urlsafe(32)
        now = int(time.time())
        aws.dynamodb().put_item(
            TableName=self.table_name,
            Item=to_item(
                {
                    "pk": f"AUTHSESSION#{session_id}",
                    "sk": "SESSION",
                    "subject": subject,
                    "currentHash": _hash(secret),
                    "rotations": 0,
                    "status": "active",
                    "data": dict(data or {}),
                    "createdAt": utc_now_iso(),
                    "expiresAt": now + self.ttl_seconds,
                }
            ),
            ConditionExpression="attribute_not_exists(pk)",
        )
        return RefreshedSession(session_id, subject, f"{session_id}.{secret}", dict(data or {}))

    def rotate(self, refresh_token: str) -> RefreshedSession:
        """Exchange a refresh token for a new one. A token that was already exchanged revokes its session."""
        session_id, _, secret = refresh_token.partition(".")
        if not session_id or not secret or len(refresh_token) > 256:
            raise Unauthorized("Invalid refresh token")
        item = self._get(session_id)
        presented = _hash(secret)
        if item is None or item.get("expiresAt", 0) < time.time():
            raise Unauthorized("Invalid refresh token")
        if item["status"] != "active":
            raise Unauthorized("This session has ended; log in again", code="SESSION_REVOKED")
        if not hmac.compare_digest(presented, item["currentHash"]):
            if presented in set(item.get("usedHashes") or ()):
                self.revoke(session_id, "refresh token reused")
                raise Unauthorized(
                    "This refresh token was already used; the session is revoked", code="SESSION_REVOKED"
                )
            raise Unauthorized("Invalid refresh token")
        if item.get("rotations", 0) >= self.MAX_ROTATIONS:
            self.revoke(session_id, "rotation limit")
            raise Unauthorized("This session has ended; log in again", code="SESSION_REVOKED")
        new_secret = secrets.token_urlsafe(32)
        try:
            aws.dynamodb().update_item(
                TableName=self.table_name,
                Key=self._key(session_id),
                UpdateExpression="SET currentHash = :new, rotations = rotations + :one, rotatedAt = :now "
                "ADD usedHashes :used",
                ConditionExpression="currentHash = :presented AND #status = :active",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":new": to_value(_hash(new_secret)),
                    ":presented": to_value(presented),
                    ":active": to_value("active"),
                    ":one": to_value(1),
                    ":now": to_value(utc_now_iso()),
                    ":used": {"SS": [presented]},
                },
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            # Another request rotated this token first: it was presented twice, which is reuse.
            self.revoke(session_id, "refresh token reused")
            raise Unauthorized(
                "This refresh token was already used; the session is revoked", code="SESSION_REVOKED"
            ) from error
        return RefreshedSession(session_id, item["subject"], f"{session_id}.{new_secret}", item.get("data") or {})

    def revoke(self, session_id: str, reason: str = "logout") -> None:
        try:
            aws.dynamodb().update_item(
                TableName=self.table_name,
                Key=self._key(session_id),
                UpdateExpression="SET #status = :revoked, revokedReason = :reason, revokedAt = :now",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":revoked": to_value("revoked"),
                    ":reason": to_value(reason),
                    ":now": to_value(utc_now_iso()),
                },
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    def revoke_token(self, refresh_token: str) -> str | None:
        """Logout with a refresh token: revoke its session if the token is the current one.

        Returns the session id revoked, or None for a token that names no live session."""
        session_id, _, secret = refresh_token.partition(".")
        item = self._get(session_id) if session_id and secret and len(refresh_token) <= 256 else None
        if item is None or not hmac.compare_digest(_hash(secret), item["currentHash"]):
            return None
        self.revoke(session_id)
        return session_id

    def is_active(self, session_id: str) -> bool:
        item = self._get(session_id)
        return item is not None and item["status"] == "active" and item.get("expiresAt", 0) >= time.time()

    def subject_of(self, session_id: str) -> str | None:
        item = self._get(session_id)
        return item["subject"] if item else None

    def _get(self, session_id: str) -> dict[str, Any] | None:
        response = aws.dynamodb().get_item(TableName=self.table_name, Key=self._key(session_id), ConsistentRead=True)
        return from_item(response.get("Item"))
