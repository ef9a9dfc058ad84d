"""Learning progress an agent records during a call, and how it adds up to the learner's totals.

``POST /api/v1/agent/progress`` validates the update, stamps it (``received_at`` and the request
id) and queues it; the queue's consumer applies updates in batches. Decisions the spec leaves open:

* **A progress update is the session's running snapshot, not an increment.** ``words_learned: 5``
  means five words learned in this session so far. Within a session the counters only grow, so
  the session's snapshot keeps, per counter, the largest value any update carried: a retried,
  duplicated or reordered update can never count twice or move a counter back (max is idempotent
  and order-free). ``pronunciation_score`` is not a counter: the session keeps the score of the
  update the API received last (ordered by ``received_at``, then request id, then the higher
  score), so a late delivery
  of an older update cannot overwrite a newer score. ``grammar_points`` are a set union.
* The learner's totals are the sums over sessions of each session's snapshot: ``words_learned``,
  ``phrases_practiced``, and ``pronunciation_score_avg`` (the mean of each session's latest score,
  rounded). Applying an update moves the totals by exactly the snapshot's change, in one DynamoDB
  transaction with the snapshot, conditioned on the snapshot's version: two consumers applying
  updates of one session at once cannot both add the same difference (the loser re-reads and
  retries), so totals stay exact under concurrency.
* The session record created at the end of a call (``POST /agent/sessions``) is one more snapshot
  of the same session: its ``new_vocabulary`` length counts as ``words_learned`` for it (the larger
  of the two wins), so progress and session never add up twice.
* Limits: counters are integers 0-10,000, the score a number 0-100 (kept to two decimals),
  at most 50 grammar points of 1-64 characters; at least one of the four is given.
* ``batched: true`` means accepted and queued: the update shows in the learner's context as soon
  as the consumer has applied it (typically well under a second). An update that cannot be
  applied after the queue's retries lands in the dead-letter queue, which raises an alarm.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from loqua_agent.logic.audit import AuditEntry
from loqua_agent.logic.races import VersionConflict


@dataclass(frozen=True)
class ProgressUpdate:
    learner_id: str
    session_id: str
    agent_id: str
    received_at: str  # ISO 8601 with milliseconds, UTC: orders updates of one session
    request_id: str
    words_learned: int | None = None
    phrases_practiced: int | None = None
    pronunciation_score: Decimal | None = None
    grammar_points: tuple[str, ...] = ()

    @property
    def order_key(self) -> str:
        return f"{self.received_at}#{self.request_id}"

    def message(self) -> dict[str, Any]:
        """The queued form (JSON)."""
        return {
            "userId": self.learner_id,
            "sessionId": self.session_id,
            "agentId": self.agent_id,
            "receivedAt": self.received_at,
            "requestId": self.request_id,
            "progress": {
                "words_learned": self.words_learned,
                "phrases_practiced": self.phrases_practiced,
                "pronunciation_score": None if self.pronunciation_score is None else str(self.pronunciation_score),
                "grammar_points": list(self.grammar_points),
            },
        }

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> "ProgressUpdate":
        progress = message["progress"]
        score = progress.get("pronunciation_score")
        return cls(
            learner_id=str(message["userId"]),
            session_id=str(message["sessionId"]),
            agent_id=str(message["agentId"]),
            received_at=str(message["receivedAt"]),
            request_id=str(message["requestId"]),
            words_learned=progress.get("words_learned"),
            phrases_practiced=progress.get("phrases_practiced"),
            pronunciation_score=None if score is None else Decimal(str(score)),
            grammar_points=tuple(progress.get("grammar_points") or ()),
        )


@dataclass(frozen=True)
class Snapshot:
    """One session's running figures."""

    words_learned: int = 0
    phrases_practiced: int = 0
    pronunciation_score: Decimal | None = None
    score_order_key: str = ""
    version: int = 0


@dataclass(frozen=True)
class TotalsChange:
    words_learned: int = 0
    phrases_practiced: int = 0
    score_sum: Decimal = Decimal(0)
    scored_sessions: int = 0
    grammar_points: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (
            self.words_learned
            or self.phrases_practiced
            or self.score_sum
            or self.scored_sessions
            or self.grammar_points
        )


def merge(snapshot: Snapshot, updates: Iterable[ProgressUpdate]) -> Snapshot:
    """The snapshot after these updates (any order, any repeats: the result is the same)."""
    merged = snapshot
    for update in updates:
        merged = replace(
            merged,
            words_learned=max(merged.words_learned, update.words_learned or 0),
            phrases_practiced=max(merged.phrases_practiced, update.phrases_practiced or 0),
        )
        latest = (merged.score_order_key, merged.pronunciation_score if merged.pronunciation_score is not None else -1)
        if update.pronunciation_score is not None and (update.order_key, update.pronunciation_score) > latest:
            merged = replace(merged, pronunciation_score=update.pronunciation_score, score_order_key=update.order_key)
    return merged


def totals_change(before: Snapshot, after: Snapshot, grammar_points: Iterable[str] = ()) -> TotalsChange:
    score_sum = Decimal(0)
    if after.pronunciation_score is not None:
        score_sum = after.pronunciation_score - (before.pronunciation_score or Decimal(0))
    return TotalsChange(
        words_learned=after.words_learned - before.words_learned,
        phrases_practiced=after.phrases_practiced - before.phrases_practiced,
        score_sum=score_sum,
        scored_sessions=1 if before.pronunciation_score is None and after.pronunciation_score is not None else 0,
        grammar_points=frozenset(grammar_points),
    )


def group_by_session(updates: Iterable[ProgressUpdate]) -> dict[tuple[str, str], list[ProgressUpdate]]:
    """Updates of one batch by (learner, session): each group is applied in one transaction."""
    groups: dict[tuple[str, str], list[ProgressUpdate]] = {}
    for update in updates:
        groups.setdefault((update.learner_id, update.session_id), []).append(update)
    return groups


def merge_session(snapshot: Snapshot, vocabulary_size: int) -> Snapshot:
    """The snapshot once the session record counts its vocabulary as words learned."""
    return replace(snapshot, words_learned=max(snapshot.words_learned, vocabulary_size))


class ProgressStore(Protocol):
    def snapshot(self, learner_id: str, session_id: str) -> Snapshot: ...

    def apply_progress(
        self,
        learner_id: str,
        session_id: str,
        before: Snapshot,
        after: Snapshot,
        change: TotalsChange,
        audit: list[AuditEntry],
        now: str,
    ) -> None: ...


class ProgressQueue(Protocol):
    def send(self, message: dict[str, Any]) -> None: ...


MAX_ATTEMPTS = 8


def audit_of(update: ProgressUpdate) -> AuditEntry:
    details: dict[str, Any] = {"session_id": update.session_id}
    for name in ("words_learned", "phrases_practiced"):
        if getattr(update, name) is not None:
            details[name] = getattr(update, name)
    if update.pronunciation_score is not None:
        details["pronunciation_score"] = update.pronunciation_score
    if update.grammar_points:
        details["grammar_points"] = list(update.grammar_points)
    return AuditEntry(
        update.learner_id, "progress.recorded", update.agent_id, update.received_at, update.request_id, details
    )


def apply_session_updates(store: ProgressStore, updates: list[ProgressUpdate], now: str) -> None:
    """Apply one session's updates of a batch in one transaction (re-reading on a race)."""
    updates = list({update.order_key: update for update in updates}.values())  # a message delivered twice
    learner_id, session_id = updates[0].learner_id, updates[0].session_id
    grammar = {point for update in updates for point in update.grammar_points}
    for _ in range(MAX_ATTEMPTS):
        before = store.snapshot(learner_id, session_id)
        after = merge(before, updates)
        try:
            store.apply_progress(
                learner_id,
                session_id,
                before,
                after,
                totals_change(before, after, grammar),
                [audit_of(update) for update in updates],
                now,
            )
            return
        except VersionConflict:
            continue
    raise VersionConflict(f"{learner_id}/{session_id} kept changing; the queue will retry")


def accept_progress(
    queue: ProgressQueue,
    learner_id: str,
    agent_id: str,
    session_id: str,
    progress: dict[str, Any],
    request_id: str,
    now: datetime,
) -> ProgressUpdate:
    """Stamp a validated update and queue it (the consumer applies it)."""
    score = progress.get("pronunciation_score")
    update = ProgressUpdate(
        learner_id=learner_id,
        session_id=session_id,
        agent_id=agent_id,
        received_at=now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        request_id=request_id,
        words_learned=progress.get("words_learned"),
        phrases_practiced=progress.get("phrases_practiced"),
        pronunciation_score=None if score is None else Decimal(str(round(score, 2))),
        grammar_points=tuple(dict.fromkeys(progress.get("grammar_points") or ())),
    )
    queue.send(update.message())
    return update
