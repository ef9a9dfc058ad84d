"""Loqua's error envelope, its codes, and the style of each endpoint group.

Every Loqua error is the spec's ``{"error": {"code", "message"}, "timestamp"}`` and nothing else
(rate-limit figures travel in the ``X-RateLimit-*`` and ``Retry-After`` headers). The spec names
its codes per route, so each endpoint group has its own style: what a malformed body is called
(``INVALID_PROGRESS_DATA`` on progress, ``INVALID_SESSION_DATA`` on sessions,
``MISSING_REQUIRED_FIELDS`` on user-token, ``MISSING_USER_ID`` for a missing ``userId`` on context
and health) and what a refused token is called (``INVALID_AGENT_TOKEN`` where an agent JWT is
expected, ``INVALID_USER_TOKEN`` where a user JWT is). Codes the spec does not have are listed
in ``EXTRA_CODES`` and in the README.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.errors import DomainError, ErrorStyle

# The spec's codes.
MISSING_REQUIRED_FIELDS = "MISSING_REQUIRED_FIELDS"
INVALID_AGENT_TOKEN = "INVALID_AGENT_TOKEN"
INVALID_USER_TOKEN = "INVALID_USER_TOKEN"
INSUFFICIENT_PERMISSIONS = "INSUFFICIENT_PERMISSIONS"
USER_CONTEXT_NOT_FOUND = "USER_CONTEXT_NOT_FOUND"
SESSION_ALREADY_EXISTS = "SESSION_ALREADY_EXISTS"
MISSING_USER_ID = "MISSING_USER_ID"
HEALTH_CHECK_FAILED = "HEALTH_CHECK_FAILED"
INVALID_PROGRESS_DATA = "INVALID_PROGRESS_DATA"
INVALID_SESSION_DATA = "INVALID_SESSION_DATA"

# Codes the spec leaves open (each documented in the README's decision table).
AGENT_ID_MISMATCH = "AGENT_ID_MISMATCH"  # 403: X-Agent-ID / agent_id do not name the token's agent
USER_ID_MISMATCH = "USER_ID_MISMATCH"  # 403: the body or path names another learner than the token
USER_NOT_IN_ROOM = "USER_NOT_IN_ROOM"  # 403: the learner is not a participant of room_name now
AGENT_NOT_IN_ROOM = "AGENT_NOT_IN_ROOM"  # 403: the agent is not a participant of room_name now
INVALID_REQUEST = "INVALID_REQUEST"  # 400: any other malformed request
INVALID_CURSOR = "INVALID_CURSOR"  # 400: a cursor the audit log did not issue to this learner
UNAUTHORIZED = "UNAUTHORIZED"  # 401 on the learners' own routes
INVALID_WEBHOOK_SIGNATURE = "INVALID_WEBHOOK_SIGNATURE"  # 401: a LiveKit webhook that does not verify
EXTRA_CODES = (
    AGENT_ID_MISMATCH,
    USER_ID_MISMATCH,
    USER_NOT_IN_ROOM,
    AGENT_NOT_IN_ROOM,
    INVALID_REQUEST,
    INVALID_CURSOR,
    UNAUTHORIZED,
    INVALID_WEBHOOK_SIGNATURE,
    "INVALID_CREDENTIALS",
    "EMAIL_ALREADY_REGISTERED",
    "SESSION_REVOKED",
    "USER_NOT_FOUND",
    "AGENT_TOKEN_NOT_FOUND",
    "NOT_FOUND",
    "METHOD_NOT_ALLOWED",
    "PAYLOAD_TOO_LARGE",
    "RATE_LIMIT_EXCEEDED",
    "INTERNAL_ERROR",
    "SERVICE_UNAVAILABLE",
)


def loqua_timestamp(moment: datetime | None = None) -> str:
    """The spec's timestamps: ``2025-01-15T10:30:00Z`` (UTC, whole seconds)."""
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class LoquaError(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    message: str


class LoquaErrorResponse(BaseModel):
    """Every Loqua error body: ``{"error": {"code", "message"}, "timestamp"}``."""

    model_config = ConfigDict(extra="forbid")

    error: LoquaError
    timestamp: str


def render_loqua(code: str, message: str, _details: Any, _request_id: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}, "timestamp": loqua_timestamp()}


@dataclass(frozen=True)
class EndpointGroup:
    """One endpoint group's names: its rate-limit category, and its codes for a malformed body and
    a refused token."""

    name: str
    invalid_code: str = INVALID_REQUEST
    auth_code: str = UNAUTHORIZED
    invalid_message: str = "Request validation failed"

    def style(self) -> ErrorStyle:
        return ErrorStyle(
            render=render_loqua,
            envelope=LoquaErrorResponse,
            statuses={
                "invalid_input": (400, self.invalid_code),
                "missing_field": (400, self.invalid_code),
                "unauthorized": (401, self.auth_code),
                "token_expired": (401, self.auth_code),
                "forbidden": (403, INSUFFICIENT_PERMISSIONS),
                "not_found": (404, "NOT_FOUND"),
                "route_not_found": (404, "NOT_FOUND"),
                "method_not_allowed": (405, "METHOD_NOT_ALLOWED"),
                "conflict": (409, "CONFLICT"),
                "email_taken": (409, "EMAIL_ALREADY_REGISTERED"),
                "payload_too_large": (413, "PAYLOAD_TOO_LARGE"),
                "unprocessable": (400, self.invalid_code),
                "rate_limited": (429, "RATE_LIMIT_EXCEEDED"),
                "internal": (500, "INTERNAL_ERROR"),
                "unavailable": (503, "SERVICE_UNAVAILABLE"),
            },
        )

    def validation_error(self, problems: list[tuple[str, str, bool]]) -> DomainError:
        """The error for a body FastAPI could not validate: ``problems`` are (field, message, missing)."""
        first_field, first_message, _ = problems[0] if problems else ("body", "is invalid", False)
        if self.name in ("context", "health") and any(field.split(".")[0] == "userId" for field, _, _ in problems):
            return DomainError("userId is required for agent context validation", code=MISSING_USER_ID)
        if self.name == "token":
            required = "room_name, user_id, and agent_id are required"
            if all(missing for _, _, missing in problems):
                return DomainError(required, code=MISSING_REQUIRED_FIELDS)
            return DomainError(f"{required}: {first_field} {first_message}", code=MISSING_REQUIRED_FIELDS)
        if self.invalid_code == INVALID_REQUEST and all(missing for _, _, missing in problems):
            fields = ", ".join(field for field, _, _ in problems)
            return DomainError(
                f"{fields} {'is' if len(problems) == 1 else 'are'} required", code=MISSING_REQUIRED_FIELDS
            )
        return DomainError(f"{self.invalid_message}: {first_field} {first_message}", code=self.invalid_code)


AUTH = EndpointGroup("auth")
LEARNER = EndpointGroup("learner")
ADMIN = EndpointGroup("admin")
WEBHOOKS = EndpointGroup("webhooks", auth_code=INVALID_WEBHOOK_SIGNATURE)
TOKEN = EndpointGroup("token", invalid_code=MISSING_REQUIRED_FIELDS, auth_code=INVALID_AGENT_TOKEN)
HEALTH = EndpointGroup("health", auth_code=INVALID_AGENT_TOKEN)
PROGRESS = EndpointGroup(
    "progress", INVALID_PROGRESS_DATA, INVALID_USER_TOKEN, invalid_message="Progress data validation failed"
)
SESSIONS = EndpointGroup(
    "sessions", INVALID_SESSION_DATA, INVALID_USER_TOKEN, invalid_message="Session validation failed"
)
CONTEXT = EndpointGroup("context", auth_code=INVALID_USER_TOKEN)
