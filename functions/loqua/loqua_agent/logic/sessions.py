"""Learning sessions an agent records when a call ends (``POST /api/v1/agent/sessions``).

Decisions the spec leaves open:

* A session id is used once, ever (409 ``SESSION_ALREADY_EXISTS``, whichever learner): it is
  claimed with a conditional write inside the session's transaction, so of two concurrent
  requests with one id exactly one succeeds.
* Everything a session changes is written in one DynamoDB transaction, all or nothing: the
  session record, the claim, the session's snapshot (logic/progress.py: ``new_vocabulary`` counts
  as ``words_learned`` for the session, the larger of that and its progress wins), the learner's
  totals (sessions, minutes, words, grammar points, achievements, last session date), the
  vocabulary (one item per word and language; learning a word again updates it), the streak,
  and the audit entry.
* **Streak** counts consecutive calendar days with at least one session, in the learner's own
  time zone (``timezone`` in their preferences, an IANA name, UTC by default). A second session
  the same day leaves it unchanged, the next day adds one, a gap starts again at 1. The context
  shows 0 once a whole day has passed without a session (the streak is broken).
* Validation (400 ``INVALID_SESSION_DATA``, "Session validation failed: <reason>"):
  ``duration_minutes`` a positive integer up to 600, ``overall_performance`` one of the spec's
  four values, lists bounded (50 topics, 50 words, 50 grammar points, 50 achievements, 20
  recommendations), strings 1-200 characters (recommendations 500), ``language`` a 2-10
  character code; the same word twice in one session counts once.
* ``created_at`` is when the API recorded the session; ``created_by`` is always ``agent``.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from loqua_agent.errors import SESSION_ALREADY_EXISTS, loqua_timestamp
from loqua_agent.logic.audit import AuditEntry
from loqua_agent.logic.progress import Snapshot, merge_session, totals_change
from loqua_agent.logic.races import SessionIdTaken, VersionConflict
from shared.errors import Conflict, ServiceUnavailable

MAX_ATTEMPTS = 8


class SessionStore(Protocol):
    def learner(self, learner_id: str) -> dict[str, Any] | None: ...

    def snapshot(self, learner_id: str, session_id: str) -> Snapshot: ...

    def create_session(
        self,
        record: dict[str, Any],
        before: Snapshot,
        after: Snapshot,
        change: Any,
        learner_updates: dict[str, Any],
        streak_read: tuple[int | None, str | None],
        vocabulary: list[dict[str, Any]],
        audit: AuditEntry,
    ) -> None: ...


def learner_zone(learner: dict[str, Any] | None) -> ZoneInfo:
    name = ((learner or {}).get("preferences") or {}).get("timezone") or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def next_streak(streak: int | None, streak_day: str | None, today: date) -> tuple[int, str]:
    """(streak, its last day) after a session on ``today``."""
    if streak_day is None or not streak:
        return 1, today.isoformat()
    last = date.fromisoformat(streak_day)
    if today == last or today < last:  # same day, or a time-zone change moved "today" back
        return streak, streak_day
    if today == last + timedelta(days=1):
        return streak + 1, today.isoformat()
    return 1, today.isoformat()


def current_streak(streak: int | None, streak_day: str | None, today: date) -> int:
    if not streak or streak_day is None:
        return 0
    return streak if date.fromisoformat(streak_day) >= today - timedelta(days=1) else 0


def unique_vocabulary(words: list[dict[str, str]]) -> list[dict[str, str]]:
    """One entry per (language, word), the last one given winning."""
    by_key: dict[tuple[str, str], dict[str, str]] = {}
    for word in words:
        key = word["word"].strip().lower()
        by_key[(word["language"], key)] = {**word, "key": key}
    return list(by_key.values())


@dataclass(frozen=True)
class NewSession:
    learner_id: str
    session_id: str
    agent_id: str
    request_id: str
    duration_minutes: int
    topics_covered: list[str]
    new_vocabulary: list[dict[str, str]]
    grammar_points: list[str]
    pronunciation_practice_count: int
    overall_performance: str
    achievements: list[str]
    next_session_recommendations: list[str]


def create_session(store: SessionStore, session: NewSession, now: datetime | None = None) -> dict[str, Any]:
    moment = now or datetime.now(UTC)
    created_at = loqua_timestamp(moment)
    stored_at = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    vocabulary = unique_vocabulary(session.new_vocabulary)
    record = {
        "userId": session.learner_id,
        "sessionId": session.session_id,
        "agentId": session.agent_id,
        "createdAt": stored_at,
        "durationMinutes": session.duration_minutes,
        "topicsCovered": session.topics_covered,
        "newVocabulary": [{k: v for k, v in word.items() if k != "key"} for word in vocabulary],
        "grammarPoints": session.grammar_points,
        "pronunciationPracticeCount": session.pronunciation_practice_count,
        "overallPerformance": session.overall_performance,
        "achievements": session.achievements,
        "nextSessionRecommendations": session.next_session_recommendations,
        "createdBy": "agent",
    }
    audit = AuditEntry(
        session.learner_id,
        "session.created",
        session.agent_id,
        stored_at,
        session.request_id,
        {"session_id": session.session_id, "duration_minutes": session.duration_minutes},
    )
    for _ in range(MAX_ATTEMPTS):
        learner = store.learner(session.learner_id)
        before = store.snapshot(session.learner_id, session.session_id)
        after = merge_session(before, len(vocabulary))
        change = totals_change(before, after, session.grammar_points)
        streak_read = ((learner or {}).get("streak"), (learner or {}).get("streakDay"))
        streak, streak_day = next_streak(*streak_read, moment.astimezone(learner_zone(learner)).date())
        updates = {
            "minutes": session.duration_minutes,
            "achievements": set(session.achievements),
            "streak": streak,
            "streak_day": streak_day,
        }
        try:
            store.create_session(record, before, after, change, updates, streak_read, vocabulary, audit)
        except SessionIdTaken as error:
            raise Conflict("Session with this ID already exists", code=SESSION_ALREADY_EXISTS) from error
        except VersionConflict:
            continue
        return {
            "success": True,
            "session_id": session.session_id,
            "created_at": created_at,
            "created_by": "agent",
            "agent_id": session.agent_id,
        }
    raise ServiceUnavailable("The learner's record is busy; retry the request")
