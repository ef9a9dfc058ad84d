"""BlueMarble's error envelope (the spec's "Error Handling") and the status and code of each failure.

Every error body is ``{"success": false, "error": {"code", "message", "details"?}}``. Validation
details are a map of field to message, as the spec's 400 example shows
(``{"pricePerUnit": "Must be greater than 0"}``). A 429 also carries ``retryAfter``, ``limit`` and
``resetAt`` (ISO 8601) inside ``error``, where the spec's example puts them. The request id is in
the ``X-Request-ID`` header, not the body (the spec's envelope has no place for it).

Statuses the spec leaves to us: 402 ``INSUFFICIENT_FUNDS`` for a purchase the buyer cannot pay
(the purchase example), 422 ``INSUFFICIENT_FUNDS`` for a listing fee the seller cannot pay (the
error table); a 403 for acting on another player's listing uses the code ``UNAUTHORIZED``, as the
spec's DELETE example does, while a missing permission is 403 ``FORBIDDEN``.
"""

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.errors import ErrorStyle, InsufficientFunds


class PaymentRequired(InsufficientFunds):
    """A purchase the buyer's coin does not cover (402, as the spec's purchase example shows)."""

    kind = "payment_required"

    def __init__(self, required: Any, available: Any):
        super().__init__(0, 0, "COIN", "Player does not have enough currency")
        self.details = {"required": required, "available": available}


class BlueMarbleError(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    message: str
    details: Any = None
    retryAfter: int | None = None
    limit: int | None = None
    resetAt: str | None = None


class BlueMarbleErrorResponse(BaseModel):
    """Every BlueMarble error body: ``{"success": false, "error": {code, message, details?}}``."""

    model_config = ConfigDict(extra="forbid")

    success: bool
    error: BlueMarbleError


def _field_map(details: list[dict[str, Any]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for problem in details:
        message = str(problem.get("message", "Invalid value"))
        message = message.replace("Input should be ", "Must be ", 1)
        name = str(problem.get("field") or "body")
        fields[name] = f"{fields[name]}; {message}" if name in fields else message
    return fields


def render_bluemarble(code: str, message: str, details: Any, _request_id: str) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if isinstance(details, list) and details and all(isinstance(d, dict) and "field" in d for d in details):
        details = _field_map(details)
    if code == "RATE_LIMIT_EXCEEDED" and isinstance(details, dict):
        reset = details.get("resetAt")
        error["retryAfter"] = details.get("retryAfter")
        error["limit"] = details.get("limit")
        if isinstance(reset, int):
            error["resetAt"] = datetime.fromtimestamp(reset, UTC).isoformat().replace("+00:00", "Z")
        details = None
    if details is not None:
        error["details"] = details
    return {"success": False, "error": error}


BLUEMARBLE_STYLE = ErrorStyle(
    render=render_bluemarble,
    envelope=BlueMarbleErrorResponse,
    statuses={
        "invalid_input": (400, "INVALID_REQUEST"),
        "missing_field": (400, "INVALID_REQUEST"),
        "unauthorized": (401, "UNAUTHORIZED"),
        "token_expired": (401, "UNAUTHORIZED"),
        "payment_required": (402, "INSUFFICIENT_FUNDS"),
        "forbidden": (403, "FORBIDDEN"),
        "not_found": (404, "NOT_FOUND"),
        "route_not_found": (404, "NOT_FOUND"),
        "method_not_allowed": (405, "METHOD_NOT_ALLOWED"),
        "conflict": (409, "CONFLICT"),
        "email_taken": (409, "EMAIL_TAKEN"),
        "payload_too_large": (413, "PAYLOAD_TOO_LARGE"),
        "unprocessable": (422, "UNPROCESSABLE"),
        "insufficient_funds": (422, "INSUFFICIENT_FUNDS"),
        "rate_limited": (429, "RATE_LIMIT_EXCEEDED"),
        "internal": (500, "INTERNAL_ERROR"),
        "unavailable": (503, "SERVICE_UNAVAILABLE"),
    },
)
