"""Cosmic's error envelope (the spec's "Standard Error Response Format") and the status and code of
each kind of failure (its "Global Error Codes"; endpoint-specific codes are raised with ``code=``).

Every error body is ``{"error": {"code", "message", "details"}, "request_id", "timestamp"}``.
``details`` is always an object (``{}`` when there is nothing to add; validation failures list
their fields under ``fields``). A 429 also carries ``error.retry_after`` in seconds, as the spec's
"Rate Limited Response" shows, and its details in snake_case.
"""

from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.errors import DomainError, ErrorStyle, utc_now_iso

_SNAKE = {"resetAt": "reset_at", "retryAfter": "retry_after"}


class CosmicError(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    message: str
    details: dict[str, Any]
    retry_after: int | None = None  # only on 429 RATE_LIMITED


class CosmicErrorResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    error: CosmicError
    request_id: str
    timestamp: str


def render_cosmic(code: str, message: str, details: Any, request_id: str) -> dict[str, Any]:
    if details is None:
        details = {}
    elif isinstance(details, list):
        # FastAPI's validation failures; a body that is not JSON at all is the spec's BAD_REQUEST
        if code == "VALIDATION_ERROR" and any(item.get("message") == "JSON decode error" for item in details):
            code, message = "BAD_REQUEST", "Malformed JSON body"
        details = {"fields": details}
    elif not isinstance(details, dict):
        details = {"detail": details}
    error: dict[str, Any] = {"code": code, "message": message, "details": details}
    if code == "RATE_LIMITED":
        details = {_SNAKE.get(key, key): value for key, value in details.items()}
        error["details"] = details
        error["retry_after"] = details.get("retry_after", 1)
    return {"error": error, "request_id": request_id, "timestamp": utc_now_iso()}


COSMIC_STYLE = ErrorStyle(
    render=render_cosmic,
    envelope=CosmicErrorResponse,
    statuses={
        "invalid_input": (400, "VALIDATION_ERROR"),
        "missing_field": (400, "VALIDATION_ERROR"),
        "insufficient_funds": (400, "INSUFFICIENT_FUNDS"),
        "unauthorized": (401, "UNAUTHORIZED"),
        "token_expired": (401, "TOKEN_EXPIRED"),
        "forbidden": (403, "FORBIDDEN"),
        "not_found": (404, "NOT_FOUND"),
        "route_not_found": (404, "NOT_FOUND"),
        "method_not_allowed": (405, "METHOD_NOT_ALLOWED"),
        "conflict": (409, "CONFLICT"),
        "email_taken": (409, "EMAIL_EXISTS"),
        "gone": (410, "GONE"),
        "payload_too_large": (413, "PAYLOAD_TOO_LARGE"),
        "unprocessable": (422, "UNPROCESSABLE"),  # an Idempotency-Key reused with another body
        "rate_limited": (429, "RATE_LIMITED"),
        "internal": (500, "INTERNAL_ERROR"),
        "unavailable": (503, "SERVICE_UNAVAILABLE"),
    },
)


class Gone(DomainError):
    """A resource that existed and is finished (410): a match that has ended."""

    kind = "gone"
