"""The learner's own side: onboarding preferences and the audit log of what agents did for them.

Decisions the spec leaves open: preferences are one document that ``PUT`` replaces whole (the
fields the context shows, plus ``timezone`` for streaks); ``GET`` before any ``PUT`` is 404
``PREFERENCES_NOT_SET``. Saving them bumps the learner's context version (the cache sees it at
once). The audit log is the learner's alone, newest first, 1-100 entries a page with a cursor.
"""

from typing import Any, Protocol

from loqua_agent.errors import loqua_timestamp
from loqua_agent.logic.audit import AuditEntry
from shared.errors import NotFound
from shared.pagination import CursorPage


class LearnerStore(Protocol):
    def learner(self, learner_id: str) -> dict[str, Any] | None: ...

    def put_preferences(self, learner_id: str, preferences: dict[str, Any], now: str) -> dict[str, Any]: ...

    def audit_log(self, learner_id: str, limit: int, cursor: str | None) -> CursorPage[dict[str, Any]]: ...


def _stamp(stored: str) -> str:
    from datetime import datetime

    return loqua_timestamp(datetime.fromisoformat(stored.replace("Z", "+00:00")))


def preferences_view(learner_id: str, learner: dict[str, Any] | None) -> dict[str, Any]:
    if learner is None or "preferences" not in learner:
        raise NotFound("No learning preferences saved yet", code="PREFERENCES_NOT_SET")
    return {
        **learner["preferences"],
        "user_id": learner_id,
        "created_at": _stamp(learner["prefsCreatedAt"]),
        "updated_at": _stamp(learner["prefsUpdatedAt"]),
    }


def save_preferences(store: LearnerStore, learner_id: str, preferences: dict[str, Any], now: str) -> dict[str, Any]:
    return preferences_view(learner_id, store.put_preferences(learner_id, preferences, now))


def audit_page(store: LearnerStore, learner_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
    page = store.audit_log(learner_id, limit, cursor)
    entries = [
        AuditEntry(learner_id, item["action"], item["agentId"], item["at"], item["entryId"], item.get("details") or {})
        for item in page.items
    ]
    return {"user_id": learner_id, "entries": [entry.view() for entry in entries], "next_cursor": page.next_cursor}
