"""Server -> client messages of the session protocol, shared by the socket and the lifecycle."""

from typing import Any

from jiga_store.logic import hire as rules
from shared.errors import utc_now_iso


def server_message(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": kind, "data": data, "timestamp": utc_now_iso()}


def error_message(code: str, message: str) -> dict[str, Any]:
    return server_message("error", {"code": code, "message": message})


def dof_update(session: dict[str, Any], consumed: int) -> dict[str, Any]:
    remaining = max(session["allocated"] - consumed, 0)
    return server_message(
        "dof_update",
        {
            "consumed": consumed,
            "remaining": remaining,
            "rate": session["rate"],
            "estimatedTimeRemaining": rules.estimated_minutes_remaining(remaining, session["rate"]),
        },
    )


def session_ended(session: dict[str, Any], reason: str, consumed: int) -> dict[str, Any]:
    return server_message(
        "session_ended",
        {
            "sessionId": session["sessionId"],
            "reason": reason,
            "consumed": consumed,
            "remaining": max(session["allocated"] - consumed, 0),
        },
    )
