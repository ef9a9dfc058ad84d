"""The spec's error envelope and the status and code of each kind of failure ("Error Handling").

Every error is ``{"success": false, "error": {code, message, details: {field, value}}, metadata:
{timestamp, requestId, version}}``. Codes are only the spec's own (``BAD_REQUEST``,
``VALIDATION_ERROR``...), so a client switching on them meets nothing unknown; where the platform
names a finer reason (``INVALID_CREDENTIALS``, ``IDEMPOTENCY_KEY_REUSED``...) it is kept in
``details.reason``. ``details`` always has ``field`` and ``value`` (null when no single field is at
fault) and may add more (a 429's ``limit``, ``remaining``, ``resetAt``, ``retryAfter``).
"""

from typing import Any

from pydantic import BaseModel, ConfigDict

from realestate_agent.settings import API_VERSION
from shared.errors import DomainError, ErrorStyle, utc_now_iso

SPEC_CODES = {
    "BAD_REQUEST",
    "UNAUTHORIZED",
    "FORBIDDEN",
    "NOT_FOUND",
    "METHOD_NOT_ALLOWED",
    "CONFLICT",
    "VALIDATION_ERROR",
    "PAYLOAD_TOO_LARGE",
    "RATE_LIMIT_EXCEEDED",
    "INTERNAL_SERVER_ERROR",
    "SERVICE_UNAVAILABLE",
}
MAX_ECHOED_VALUE = 200


class Metadata(BaseModel):
    timestamp: str
    requestId: str
    version: str


class ErrorDetails(BaseModel):
    model_config = ConfigDict(extra="allow")

    field: str | None
    value: Any = None


class ErrorBody(BaseModel):
    code: str
    message: str
    details: ErrorDetails


class ErrorResponse(BaseModel):
    """Every Real Estate error body."""

    model_config = ConfigDict(extra="forbid")

    success: bool
    error: ErrorBody
    metadata: Metadata


def metadata(request_id: str) -> dict[str, str]:
    return {"timestamp": utc_now_iso(), "requestId": request_id, "version": API_VERSION}


def echo(value: Any) -> Any:
    """A rejected value, safe to send back: scalars only, long strings cut."""
    if isinstance(value, str):
        return value if len(value) <= MAX_ECHOED_VALUE else value[:MAX_ECHOED_VALUE] + "..."
    if value is None or isinstance(value, bool | int | float):
        return value
    return None


def normalise_details(details: Any) -> dict[str, Any]:
    if isinstance(details, list):  # the platform's validation details: [{field, message}, ...]
        first = details[0] if details and isinstance(details[0], dict) else {}
        return {"field": first.get("field"), "value": echo(first.get("value")), "errors": details}
    if isinstance(details, dict):
        return {"field": details.get("field"), "value": echo(details.get("value")), **details}
    return {"field": None, "value": None}


def render(code: str, message: str, details: Any, request_id: str) -> dict[str, Any]:
    return {
        "success": False,
        "error": {"code": code, "message": message, "details": normalise_details(details)},
        "metadata": metadata(request_id),
    }


class SpecErrorStyle(ErrorStyle):
    """The spec's codes only; a finer platform code moves to ``details.reason``."""

    def body(self, error: DomainError, request_id: str) -> tuple[int, dict[str, Any]]:
        status, code = self.status_and_code(error)
        details = error.details
        if code not in SPEC_CODES:
            reason = code
            kinds = [error.kind, *(getattr(cls, "kind", None) for cls in type(error).__mro__)]
            code = next(self.statuses[kind][1] for kind in [*kinds, "invalid_input"] if kind in self.statuses)
            details = {**normalise_details(details), "reason": reason}
        return status, self.render(code, error.message, details, request_id)


REALESTATE_STYLE = SpecErrorStyle(
    render=render,
    envelope=ErrorResponse,
    statuses={
        "invalid_input": (400, "BAD_REQUEST"),
        "missing_field": (400, "BAD_REQUEST"),
        "unauthorized": (401, "UNAUTHORIZED"),
        "token_expired": (401, "UNAUTHORIZED"),
        "forbidden": (403, "FORBIDDEN"),
        "not_found": (404, "NOT_FOUND"),
        "route_not_found": (404, "NOT_FOUND"),
        "method_not_allowed": (405, "METHOD_NOT_ALLOWED"),
        "conflict": (409, "CONFLICT"),
        "payload_too_large": (413, "PAYLOAD_TOO_LARGE"),
        "unprocessable": (422, "VALIDATION_ERROR"),
        "rate_limited": (429, "RATE_LIMIT_EXCEEDED"),
        "internal": (500, "INTERNAL_SERVER_ERROR"),
        "unavailable": (503, "SERVICE_UNAVAILABLE"),
    },
)


def field_error(kind: type[DomainError], message: str, field: str, value: Any = None, **extra: Any) -> DomainError:
    """A domain error about one field, with the spec's ``details: {field, value}``."""
    return kind(message, {"field": field, "value": echo(value), **extra})
