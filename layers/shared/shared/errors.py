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

from pydantic import BaseModel


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
        """The most specific kind the style maps: the error's own, else its base classes' kinds
        (an API that does not name ``email_taken`` answers it as the ``conflict`` it is)."""
        kinds = [error.kind, *(getattr(cls, "kind", None) for cls in type(error).__mro__)]
        mapped = next((self.statuses[kind] for kind in kinds if kind in self.statuses), self.statuses["invalid_input"])
        status, default_code = mapped
        return status, error.code or default_code

    def body(self, error: DomainError, request_id: str) -> tuple[int, dict[str, Any]]:
        status, code = self.status_and_code(error)
        return status, self.render(code, error.message, error.details, request_id)
