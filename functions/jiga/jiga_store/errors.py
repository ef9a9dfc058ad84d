"""JIGA's error envelope and the status and code of each kind of failure (the spec's "Error Handling")."""

from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.errors import ErrorStyle, utc_now_iso


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
        "email_taken": (409, "EMAIL_ALREADY_REGISTERED"),
        "payload_too_large": (413, "PAYLOAD_TOO_LARGE"),
        "unprocessable": (422, "UNPROCESSABLE_ENTITY"),
        "rate_limited": (429, "RATE_LIMIT_EXCEEDED"),
        "internal": (500, "INTERNAL_SERVER_ERROR"),
        "unavailable": (503, "SERVICE_UNAVAILABLE"),
    },
)
