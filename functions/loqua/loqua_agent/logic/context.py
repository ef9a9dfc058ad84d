"""The learner context an agent reads to personalise a call
(``POST /api/v1/agent/user/{user_id}/context``), and its cache.

Decisions the spec leaves open:

* The learner is named three times (path ``user_id``, body ``userId``, the user token's subject):
  a missing body ``userId`` is 400 ``MISSING_USER_ID``; any disagreement is 403
  ``USER_ID_MISMATCH``: an agent reads only the learner whose token it holds.
* A learner who never saved preferences has no context: 404 ``USER_CONTEXT_NOT_FOUND`` ("new user
  or missing onboarding"), even when agents already recorded progress for them.
* ``session_history`` lists the 10 most recent sessions, newest first.
* ``pronunciation_score_avg`` is the mean of each session's latest score, rounded to an integer
  (0 before any score); ``current_streak`` is as logic/sessions.py defines it.
* **Cache** (``cached: true``): each warm function instance keeps up to 1,000 learners' context
  data for at most 5 minutes (``LOQUA_CONTEXT_CACHE_SECONDS``, capped at 300). Every change a
  context shows (preferences, progress applied by the queue, sessions) increases the ``version``
  stamp on the learner's record in the same write. A request first reads that stamp alone (one
  strongly consistent GetItem of two attributes) and serves the cached copy only if its stamp is
  the same: the learner's own latest session or progress is never hidden by the cache. A miss
  reads the record and the history (one GetItem, one Query) and refreshes the copy; with no copy
  at all (or one past its age) the stamp is not read first.
  ``accessed_by`` and ``current_streak`` are computed for each request, never cached.
"""

import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from loqua_agent.errors import USER_CONTEXT_NOT_FOUND, loqua_timestamp
from loqua_agent.logic.sessions import current_streak, learner_zone
from shared.errors import NotFound

HISTORY_LENGTH = 10


class ContextStore(Protocol):
    def context_stamp(self, learner_id: str) -> tuple[int, bool] | None: ...

    def learner(self, learner_id: str) -> dict[str, Any] | None: ...

    def recent_sessions(self, learner_id: str, limit: int) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class _Entry:
    version: int
    stored: float
    learner: dict[str, Any]
    sessions: list[dict[str, Any]]


class ContextCache:
    """Per-instance, least recently used first out, entries valid for ``max_age`` seconds and only
    for the version they were read at."""

    def __init__(self, max_age: float = 300, max_entries: int = 1000):
        self.max_age = min(max_age, 300)
        self.max_entries = max_entries
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def holds(self, learner_id: str, now: float) -> bool:
        """Whether a copy young enough exists (only then is the version stamp worth reading)."""
        entry = self._entries.get(learner_id)
        return entry is not None and now - entry.stored <= self.max_age

    def get(self, learner_id: str, version: int, now: float) -> _Entry | None:
        entry = self._entries.get(learner_id)
        if entry is None or entry.version != version or now - entry.stored > self.max_age:
            return None
        self._entries.move_to_end(learner_id)
        return entry

    def put(self, learner_id: str, entry: _Entry) -> None:
        self._entries[learner_id] = entry
        self._entries.move_to_end(learner_id)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


def _not_found() -> NotFound:
    return NotFound("User context not found", code=USER_CONTEXT_NOT_FOUND)


def learner_context(
    store: ContextStore, cache: ContextCache, learner_id: str, agent_id: str, now: datetime | None = None
) -> dict[str, Any]:
    moment = now or datetime.now(UTC)
    clock = time.monotonic()
    entry = None
    if cache.max_age > 0 and cache.holds(learner_id, clock):
        stamp = store.context_stamp(learner_id)
        if stamp is None or not stamp[1]:
            raise _not_found()
        entry = cache.get(learner_id, stamp[0], clock)
    cached = entry is not None
    if entry is None:
        learner = store.learner(learner_id)
        if learner is None or "preferences" not in learner:
            raise _not_found()
        entry = _Entry(
            int(learner.get("version", 0)), clock, learner, store.recent_sessions(learner_id, HISTORY_LENGTH)
        )
        cache.put(learner_id, entry)
    return {
        **build_context(learner_id, entry.learner, entry.sessions, moment),
        "accessed_by": {"agent_id": agent_id, "timestamp": loqua_timestamp(moment)},
        "cached": cached,
    }


def _timestamp(stored: str | None) -> str | None:
    return loqua_timestamp(datetime.fromisoformat(stored.replace("Z", "+00:00"))) if stored else None


def build_context(
    learner_id: str, learner: dict[str, Any], sessions: list[dict[str, Any]], now: datetime
) -> dict[str, Any]:
    preferences = dict(learner["preferences"])
    preferences.pop("timezone", None)
    score_sum, scored = Decimal(str(learner.get("scoreSum", 0))), int(learner.get("scoredSessions", 0))
    average = int((score_sum / scored).quantize(Decimal(1), rounding=ROUND_HALF_UP)) if scored else 0
    today = now.astimezone(learner_zone(learner)).date()
    return {
        "user_id": learner_id,
        "preferences": preferences,
        "progress": {
            "total_sessions": int(learner.get("totalSessions", 0)),
            "total_conversation_time": int(learner.get("totalMinutes", 0)),
            "words_learned": int(learner.get("wordsLearned", 0)),
            "phrases_practiced": int(learner.get("phrasesPracticed", 0)),
            "pronunciation_score_avg": average,
            "grammar_points_covered": sorted(learner.get("grammarPoints") or []),
            "achievements_unlocked": sorted(learner.get("achievements") or []),
            "last_session_date": _timestamp(learner.get("lastSessionAt")),
            "current_streak": current_streak(learner.get("streak"), learner.get("streakDay"), today),
        },
        "session_history": [
            {
                "session_id": session["sessionId"],
                "date": _timestamp(session["createdAt"]),
                "duration_minutes": session["durationMinutes"],
                "topics_covered": session.get("topicsCovered", []),
            }
            for session in sessions
        ],
        "created_at": _timestamp(learner.get("prefsCreatedAt")),
        "updated_at": _timestamp(learner.get("updatedAt")),
    }
