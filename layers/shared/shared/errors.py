"""The one error module: domain exceptions, and the envelope each API renders them in.

Logic raises domain exceptions (``InsufficientFunds``, ``NotOwner``...) that know nothing about
HTTP. Each API hands the app factory an ``ErrorStyle``: a table mapping exception kinds to its own
status codes and error codes, and a function that renders its spec's error body. Validation
errors, missing auth, not-found routes and rate limits go through the same table, so every
error an API returns is in that API's envelope.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class DomainError(Exception):
    """Base for every expected failure. ``kind`` is the key an ErrorStyle maps to HTTP."""

    kind = "invalid_input"

    def __init__(self, message: str, details: Any = None, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.details = details
        self.code = code  # an API-specific code that overrides the style's default for the kind


class InvalidInput(DomainError):
    kind = "invalid_input"


class Unprocessable(DomainError):
    """Well-formed input that breaks a business rule (ranges, pricing, self-transfer)."""

    kind = "unprocessable"


class Unauthorized(DomainError):
    kind = "unauthorized"


class TokenExpired(Unauthorized):
    kind = "token_expired"


class Forbidden(DomainError):
    kind = "forbidden"


class NotFound(DomainError):
    kind = "not_found"


class Conflict(DomainError):
    kind = "conflict"


class PayloadTooLarge(DomainError):
    kind = "payload_too_large"


class RateLimited(DomainError):
    kind = "rate_limited"


class InsufficientFunds(DomainError):
    kind = "insufficient_funds"

    def __init__(self, required: int, available: int, asset: str, message: str | None = None):
        super().__init__(
            message or f"Not enough {asset} to complete this action. Required: {required}, Available: {available}",
            {"required": required, "available": available, "shortfall": required - available},
        )
        self.required = required
        self.available = available
        self.asset = asset


class ServiceUnavailable(DomainError):
    kind = "unavailable"


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


Renderer = Callable[[str, str, Any, str], dict[str, Any]]


@dataclass(frozen=True)
class ErrorStyle:
    """How one API spells its errors: status and code per kind, and the body's shape."""

    render: Renderer
    statuses: dict[str, tuple[int, str]]
    field_error: Callable[[str, str, str], dict[str, Any]] = field(
        default=lambda location, message, error_type: {"field": location, "message": message}
    )
    envelope: type[BaseModel] | None = None  # the rendered body, for the OpenAPI document

    def status_and_code(self, error: DomainError) -> tuple[int, str]:
        status, default_code = self.statuses.get(error.kind, self.statuses["invalid_input"])
        return status, error.code or default_code

    def body(self, error: DomainError, request_id: str) -> tuple[int, dict[str, Any]]:
        status, code = self.status_and_code(error)
        return status, self.render(code, error.message, error.details, request_id)


class JigaError(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    message: str
    details: Any = None  # absent when there is nothing to add
    timestamp: str
    requestId: str


class JigaErrorResponse(BaseModel):
    """Every JIGA error body: ``{"error": {code, message, details?, timestamp, requestId}}``."""

    model_config = ConfigDict(extra="forbid")

    error: JigaError


def render_jiga(code: str, message: str, details: Any, request_id: str) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    error["timestamp"] = utc_now_iso()
    error["requestId"] = request_id
    return {"error": error}


JIGA_STYLE = ErrorStyle(
    render=render_jiga,
    envelope=JigaErrorResponse,
    statuses={
        "invalid_input": (400, "INVALID_INPUT"),
        "missing_field": (400, "MISSING_REQUIRED_FIELD"),
        "unauthorized": (401, "UNAUTHORIZED"),
        "token_expired": (401, "TOKEN_EXPIRED"),
        "insufficient_funds": (402, "INSUFFICIENT_DOFS"),
        "forbidden": (403, "FORBIDDEN"),
        "not_found": (404, "NOT_FOUND"),
        "route_not_found": (404, "NOT_FOUND"),
        "method_not_allowed": (405, "METHOD_NOT_ALLOWED"),
        "conflict": (409, "CONFLICT"),
        "payload_too_large": (413, "PAYLOAD_TOO_LARGE"),
        "unprocessable": (422, "UNPROCESSABLE_ENTITY"),
        "rate_limited": (429, "RATE_LIMIT_EXCEEDED"),
        "internal": (500, "INTERNAL_SERVER_ERROR"),
        "unavailable": (503, "SERVICE_UNAVAILABLE"),
    },
)
