"""``POST /api/v1/agent/health``: the agent's token and permissions, and real dependency checks.

Decisions the spec leaves open: any valid agent token may ask (no particular permission; the
answer lists the ones it has); ``userId`` must be present (400 ``MISSING_USER_ID``) but names no
one in particular. The checks are real calls: the table (a read; the token check itself read it
too), the progress queue (its attributes), the user-token secret (read through the cache). Any
failure is 503 ``HEALTH_CHECK_FAILED`` naming the dependency, never a 500.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from loqua_agent.errors import HEALTH_CHECK_FAILED, loqua_timestamp
from loqua_agent.identity import PERMISSIONS, AgentCaller
from shared.errors import ServiceUnavailable
from shared.observability import log_exception


def check_health(
    caller: AgentCaller, checks: dict[str, Callable[[], Any]], api_name: str, now: datetime | None = None
) -> dict[str, Any]:
    for name, check in checks.items():
        try:
            check()
        except Exception as error:
            log_exception(api_name, "Health check failed", dependency=name)
            raise ServiceUnavailable(f"Health check failed: {name} unavailable", code=HEALTH_CHECK_FAILED) from error
    return {
        "status": "healthy",
        "agent_id": caller.agent_id,
        "permissions": [permission for permission in PERMISSIONS if permission in caller.permissions],
        "timestamp": loqua_timestamp(now or datetime.now(UTC)),
    }
