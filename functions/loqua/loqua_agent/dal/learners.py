"""A learner's data: preferences and totals, per-session snapshots, sessions, vocabulary, audit log.

USER#<id>          LEARNER                    preferences (map), prefsCreatedAt, prefsUpdatedAt,
                                              totalSessions, totalMinutes, wordsLearned,
                                              phrasesPracticed, scoreSum, scoredSessions,
                                              grammarPoints (SS), achievements (SS), lastSessionAt,
                                              streak, streakDay, updatedAt, version
USER#<id>          SNAP#<sessionId>           the session's running snapshot (logic/progress.py), version
USER#<id>          SESSION#<createdAt>#<sid>  the session record (newest last: history reads backwards)
USER#<id>          VOCAB#<lang>#<word>        word, translation, language, first/last session and date
USER#<id>          AUDIT#<at>#<entryId>       audit entry (logic/audit.py), expiresAt
SESSIONID#<sid>    CLAIM                      userId, createdAt: a session id is used once, ever

``version`` on the LEARNER item goes up with every change a context shows (preferences, progress,
sessions), in the same write: the context cache compares it with one read.
"""

import time
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError

from loqua_agent.errors import INVALID_CURSOR
from loqua_agent.logic.audit import RETENTION_SECONDS, AuditEntry
from loqua_agent.logic.progress import Snapshot, TotalsChange
from loqua_agent.logic.races import SessionIdTaken, VersionConflict
from shared import aws
from shared.dynamo import cancellation_codes, from_item, to_item, to_value
from shared.errors import InvalidInput
from shared.pagination import CursorPage, decode_cursor, encode_cursor


def _learner_key(learner_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"USER#{learner_id}"}, "sk": {"S": "LEARNER"}}


def _snapshot_key(learner_id: str, session_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"USER#{learner_id}"}, "sk": {"S": f"SNAP#{session_id}"}}


def _plain(value: Any) -> Any:
    """Numbers as DynamoDB returns them, without shared.dynamo's float conversion (scores are exact)."""
    from boto3.dynamodb.types import TypeDeserializer

    return TypeDeserializer().deserialize(value)


class LearnerRepository:
    def __init__(self, table_name: str):
        self.table_name = table_name

    # -- reads ---------------------------------------------------------------------------------

    def learner(self, learner_id: str) -> dict[str, Any] | None:
        response = aws.dynamodb().get_item(TableName=self.table_name, Key=_learner_key(learner_id), ConsistentRead=True)
        item = response.get("Item")
        if item is None:
            return None
        learner = from_item(item) or {}
        if "scoreSum" in item:
            learner["scoreSum"] = _plain(item["scoreSum"])
        return learner

    def context_stamp(self, learner_id: str) -> tuple[int, bool] | None:
        """(version, has preferences) with one small strongly consistent read; None for no learner."""
        response = aws.dynamodb().get_item(
            TableName=self.table_name,
            Key=_learner_key(learner_id),
            ConsistentRead=True,
            ProjectionExpression="version, prefsCreatedAt",
        )
        item = response.get("Item")
        if item is None:
            return None
        return int(item.get("version", {}).get("N", "0")), "prefsCreatedAt" in item

    def recent_sessions(self, learner_id: str, limit: int) -> list[dict[str, Any]]:
        response = aws.dynamodb().query(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :session)",
            ExpressionAttributeValues={":pk": to_value(f"USER#{learner_id}"), ":session": to_value("SESSION#")},
            ScanIndexForward=False,
            Limit=limit,
            ConsistentRead=True,
        )
        return [from_item(item) for item in response.get("Items", [])]

    def snapshot(self, learner_id: str, session_id: str) -> Snapshot:
        response = aws.dynamodb().get_item(
            TableName=self.table_name, Key=_snapshot_key(learner_id, session_id), ConsistentRead=True
        )
        item = response.get("Item")
        if item is None:
            return Snapshot()
        return Snapshot(
            words_learned=int(item["wordsLearned"]["N"]),
            phrases_practiced=int(item["phrasesPracticed"]["N"]),
            pronunciation_score=Decimal(item["pronunciationScore"]["N"]) if "pronunciationScore" in item else None,
            score_order_key=item.get("scoreOrderKey", {}).get("S", ""),
            version=int(item["version"]["N"]),
        )

    def audit_log(self, learner_id: str, limit: int, cursor: str | None) -> CursorPage[dict[str, Any]]:
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :audit)",
            "ExpressionAttributeValues": {":pk": to_value(f"USER#{learner_id}"), ":audit": to_value("AUDIT#")},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor:
            request["ExclusiveStartKey"] = self._audit_start(learner_id, cursor)
        response = aws.dynamodb().query(**request)
        items = [from_item(item) for item in response.get("Items", [])]
        last = response.get("LastEvaluatedKey")
        return CursorPage(items, encode_cursor(last) if last else None)

    @staticmethod
    def _audit_start(learner_id: str, cursor: str) -> dict[str, Any]:
        """The key a cursor this learner's audit log issued resumes from. Any other string, however
        well formed, is 400 INVALID_CURSOR: only the server knows which cursors it issued."""
        try:
            start = decode_cursor(cursor)
        except InvalidInput as error:
            raise InvalidInput("Invalid pagination cursor", code=INVALID_CURSOR) from error
        if start.get("pk") != {"S": f"USER#{learner_id}"} or not start.get("sk", {}).get("S", "").startswith("AUDIT#"):
            raise InvalidInput("Invalid pagination cursor", code=INVALID_CURSOR)
        return start

    # -- writes --------------------------------------------------------------------------------

    def put_preferences(self, learner_id: str, preferences: dict[str, Any], now: str) -> dict[str, Any]:
        response = aws.dynamodb().update_item(
            TableName=self.table_name,
            Key=_learner_key(learner_id),
            UpdateExpression="SET preferences = :preferences, prefsCreatedAt = if_not_exists(prefsCreatedAt, :now), "
            "prefsUpdatedAt = :now, updatedAt = :now ADD version :one",
            ExpressionAttributeValues={
                ":preferences": to_value(preferences),
                ":now": to_value(now),
                ":one": to_value(1),
            },
            ReturnValues="ALL_NEW",
        )
        return from_item(response["Attributes"]) or {}

    def write_audit(self, entries: Iterable[AuditEntry]) -> None:
        """Entries that go with no other write (a token issued, a context read)."""
        for entry in entries:
            aws.dynamodb().put_item(**self._audit_put(entry)["Put"])

    def apply_progress(
        self,
        learner_id: str,
        session_id: str,
        before: Snapshot,
        after: Snapshot,
        change: TotalsChange,
        audit: list[AuditEntry],
        now: str,
    ) -> None:
        """The snapshot, the totals it moves and the audit entries, all or nothing; VersionConflict
        when the snapshot changed since it was read."""
        items: list[dict[str, Any]] = []
        if after != before:
            items.append(self._snapshot_put(learner_id, session_id, before, after, now))
        if not change.is_empty:
            items.append(self._totals_update(learner_id, change, now))
        items.extend(self._audit_put(entry) for entry in audit)
        self._transact(items, conflict_indexes={0} if after != before else set())

    def create_session(
        self,
        record: dict[str, Any],
        before: Snapshot,
        after: Snapshot,
        change: TotalsChange,
        learner_updates: dict[str, Any],
        streak_read: tuple[int | None, str | None],
        vocabulary: list[dict[str, Any]],
        audit: AuditEntry,
    ) -> None:
        learner_id, session_id, now = record["userId"], record["sessionId"], record["createdAt"]
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": to_item(
                        {"pk": f"SESSIONID#{session_id}", "sk": "CLAIM", "userId": learner_id, "createdAt": now}
                    ),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": to_item({"pk": f"USER#{learner_id}", "sk": f"SESSION#{now}#{session_id}", **record}),
                }
            },
        ]
        conflicts = set()
        if after != before:
            conflicts.add(len(items))
            items.append(self._snapshot_put(learner_id, session_id, before, after, now))
        conflicts.add(len(items))
        items.append(self._session_totals_update(learner_id, change, learner_updates, streak_read, now))
        for word in vocabulary:
            items.append(self._vocabulary_update(learner_id, session_id, word, now))
        items.append(self._audit_put(audit))
        self._transact(items, conflict_indexes=conflicts, claim_index=0)

    # -- pieces --------------------------------------------------------------------------------

    def _transact(
        self, items: list[dict[str, Any]], conflict_indexes: set[int], claim_index: int | None = None
    ) -> None:
        if not items:
            return
        try:
            aws.dynamodb().transact_write_items(TransactItems=items)
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            codes = cancellation_codes(error)
            if claim_index is not None and len(codes) > claim_index and codes[claim_index] == "ConditionalCheckFailed":
                raise SessionIdTaken from error
            if any(codes[index] == "ConditionalCheckFailed" for index in conflict_indexes if index < len(codes)):
                raise VersionConflict from error
            if "TransactionConflict" in codes:
                raise VersionConflict from error
            raise

    def _snapshot_put(
        self, learner_id: str, session_id: str, before: Snapshot, after: Snapshot, now: str
    ) -> dict[str, Any]:
        item = {
            "pk": f"USER#{learner_id}",
            "sk": f"SNAP#{session_id}",
            "sessionId": session_id,
            "wordsLearned": after.words_learned,
            "phrasesPracticed": after.phrases_practiced,
            "version": before.version + 1,
            "updatedAt": now,
        }
        put: dict[str, Any] = {"TableName": self.table_name, "Item": to_item(item)}
        if after.pronunciation_score is not None:
            put["Item"]["pronunciationScore"] = {"N": str(after.pronunciation_score)}
            put["Item"]["scoreOrderKey"] = {"S": after.score_order_key}
        if before.version:
            put["ConditionExpression"] = "version = :version"
            put["ExpressionAttributeValues"] = {":version": to_value(before.version)}
        else:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        return {"Put": put}

    def _totals_update(self, learner_id: str, change: TotalsChange, now: str) -> dict[str, Any]:
        expression, values = self._totals_expression(change)
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": _learner_key(learner_id),
                "UpdateExpression": f"SET updatedAt = :now ADD {expression}",
                "ExpressionAttributeValues": {**values, ":now": to_value(now)},
            }
        }

    @staticmethod
    def _totals_expression(change: TotalsChange, extra: Iterable[tuple[str, str, Any]] = ()) -> tuple[str, dict]:
        additions = [
            ("version", ":one", {"N": "1"}),
            ("wordsLearned", ":words", {"N": str(change.words_learned)}),
            ("phrasesPracticed", ":phrases", {"N": str(change.phrases_practiced)}),
            ("scoreSum", ":scoreSum", {"N": str(change.score_sum)}),
            ("scoredSessions", ":scored", {"N": str(change.scored_sessions)}),
            *extra,
        ]
        if change.grammar_points:
            additions.append(("grammarPoints", ":grammar", {"SS": sorted(change.grammar_points)}))
        return ", ".join(f"{name} {placeholder}" for name, placeholder, _ in additions), {
            placeholder: value for _, placeholder, value in additions
        }

    def _session_totals_update(
        self,
        learner_id: str,
        change: TotalsChange,
        updates: dict[str, Any],
        streak_read: tuple[int | None, str | None],
        now: str,
    ) -> dict[str, Any]:
        extra: list[tuple[str, str, Any]] = [
            ("totalSessions", ":sessions", {"N": "1"}),
            ("totalMinutes", ":minutes", {"N": str(updates["minutes"])}),
        ]
        if updates["achievements"]:
            extra.append(("achievements", ":achievements", {"SS": sorted(updates["achievements"])}))
        additions, values = self._totals_expression(change, extra)
        streak, streak_day = streak_read
        if streak_day is None:
            condition = "attribute_not_exists(streakDay)"
        else:
            condition = "streakDay = :readDay AND streak = :readStreak"
            values[":readDay"] = to_value(streak_day)
            values[":readStreak"] = to_value(streak)
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": _learner_key(learner_id),
                "UpdateExpression": "SET updatedAt = :now, lastSessionAt = :now, streak = :streak, "
                f"streakDay = :streakDay ADD {additions}",
                "ConditionExpression": condition,
                "ExpressionAttributeValues": {
                    **values,
                    ":now": to_value(now),
                    ":streak": to_value(updates["streak"]),
                    ":streakDay": to_value(updates["streak_day"]),
                },
            }
        }

    def _vocabulary_update(self, learner_id: str, session_id: str, word: dict[str, Any], now: str) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": {
                    "pk": {"S": f"USER#{learner_id}"},
                    "sk": {"S": f"VOCAB#{word['language']}#{word['key']}"},
                },
                "UpdateExpression": "SET #word = :word, #translation = :translation, #language = :language, "
                "lastSessionId = :session, lastLearnedAt = :now, "
                "firstSessionId = if_not_exists(firstSessionId, :session), "
                "firstLearnedAt = if_not_exists(firstLearnedAt, :now)",
                "ExpressionAttributeNames": {"#word": "word", "#translation": "translation", "#language": "language"},
                "ExpressionAttributeValues": {
                    ":word": to_value(word["word"]),
                    ":translation": to_value(word["translation"]),
                    ":language": to_value(word["language"]),
                    ":session": to_value(session_id),
                    ":now": to_value(now),
                },
            }
        }

    def _audit_put(self, entry: AuditEntry) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self.table_name,
                "Item": to_item(
                    {
                        "pk": f"USER#{entry.learner_id}",
                        "sk": f"AUDIT#{entry.at}#{entry.entry_id}",
                        "entryId": entry.entry_id,
                        "action": entry.action,
                        "agentId": entry.agent_id,
                        "at": entry.at,
                        "details": entry.details,
                        "expiresAt": int(time.time()) + RETENTION_SECONDS,
                    }
                ),
            }
        }
