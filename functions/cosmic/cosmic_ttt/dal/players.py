"""A player's records in the Cosmic table: one partition per player, so that a screen reads one key.

  USERNAME#<lower name>  USERNAME          player_id, username (claimed with the account)
  USER#<id> / EMAIL#...                     the account (shared.identity.UserDirectory)
  PLAYER#<id>            PROGRESS          counters, cosmic_resonance, streaks, first_match_date
  PLAYER#<id>            ACTIVE            match_id of the one match in progress
  PLAYER#<id>            SKILL#<node>      unlocked_at
  PLAYER#<id>            ACH#<code>        unlocked_at, reward_claimed, claimed_at
  PLAYER#<id>            INV#<item code>   inventory_id, acquired_at, acquisition_type
  PLAYER#<id>            LOADOUT           one attribute per slot (its item code), updated_at
  PLAYER#<id>            TRADES#<date>     trades (sent that UTC day), expiresAt
  PLAYER#<id>            CHALLENGES#<date> progress (challenge -> count), completed, expiresAt

Counters only ever grow and are written with ``ADD``, so writers never conflict on them; streak
fields are ``SET`` only by a match's end, and a player has one match at a time. Writes that must
commit with money are returned as ``ExtraWrite``s for the ledger's transaction.
"""

import time
from collections.abc import Callable, Mapping
from typing import Any

from botocore.exceptions import ClientError

from shared import aws
from shared.dynamo import from_item, to_item, to_value
from shared.errors import Conflict, DomainError, InvalidInput
from shared.identity import UserDirectory
from shared.ledger import ExtraWrite

COUNTERS = (
    "matches",
    "wins",
    "draws",
    "losses",
    "wins_as_o",
    "wins_as_x",
    "draws_vs_eternal",
    "perfect_games",
    "swift_victories",
    "fork_victories",
    "comeback_victories",
    "cosmic_resonance",
    "skill_nodes",
    "orbis_nodes",
    "crucia_nodes",
    "cosmetics_owned",
    "trades_sent",
)
STREAK_DEFAULTS = {
    "current_win_streak": 0,
    "best_win_streak": 0,
    "current_draw_streak": 0,
    "best_draw_streak": 0,
    "streak_protected": False,
    "last_match_outcome": None,
    "first_match_date": None,
}
DAY_RECORD_SECONDS = 8 * 24 * 3600  # per-day counters outlive their day by a week, then expire


def _player(player_id: str) -> str:
    return f"PLAYER#{player_id}"


def _conflict(message: str) -> Callable[[], DomainError]:
    return lambda: Conflict(message)


class PlayerStore:
    def __init__(self, table_name: str):
        self.table_name = table_name
        self.directory = UserDirectory(table_name)

    def _key(self, player_id: str, sort_key: str) -> dict[str, Any]:
        return {"pk": {"S": _player(player_id)}, "sk": {"S": sort_key}}

    def _get(self, pk: str, sk: str, consistent: bool = False) -> dict[str, Any] | None:
        response = aws.dynamodb().get_item(
            TableName=self.table_name, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=consistent
        )
        return from_item(response.get("Item"))

    # -- accounts ---------------------------------------------------------------------------

    def username_claim(self, username: str, player_id: str, error: Callable[[], DomainError]) -> ExtraWrite:
        item = {"pk": f"USERNAME#{username.lower()}", "sk": "USERNAME", "player_id": player_id, "username": username}
        return ExtraWrite(
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": to_item(item),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            error,
        )

    def by_username(self, username: str) -> dict[str, Any] | None:
        return self._get(f"USERNAME#{username.lower()}", "USERNAME")

    def profile(self, player_id: str) -> dict[str, Any] | None:
        return self.directory.get(player_id)

    # -- progress ---------------------------------------------------------------------------

    def progress(self, player_id: str, consistent: bool = True) -> dict[str, Any]:
        """Counters and streaks (zero for a player who has done nothing yet)."""
        return _progress(self._get(_player(player_id), "PROGRESS", consistent))

    def progress_and_challenges(self, player_id: str, day: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The PROGRESS record and the day's challenge record in one BatchGetItem (a match's end)."""
        keys = [self._key(player_id, "PROGRESS"), self._key(player_id, f"CHALLENGES#{day}")]
        found: dict[str, dict[str, Any]] = {}
        request: dict[str, Any] | None = {self.table_name: {"Keys": keys, "ConsistentRead": True}}
        while request:
            response = aws.dynamodb().batch_get_item(RequestItems=request)
            for raw in response["Responses"].get(self.table_name, []):
                item = from_item(raw) or {}
                found[item["sk"]] = item
            request = response.get("UnprocessedKeys") or None
        return _progress(found.get("PROGRESS")), _challenges(found.get(f"CHALLENGES#{day}"))

    def progress_update(
        self,
        player_id: str,
        add: Mapping[str, int],
        set_values: Mapping[str, Any] | None = None,
        set_if_absent: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A TransactWriteItems ``Update`` of the PROGRESS record (no condition: counters add up)."""
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        sets, adds = [], []
        for index, (name, value) in enumerate((set_values or {}).items()):
            names[f"#s{index}"] = name
            values[f":s{index}"] = to_value(value)
            sets.append(f"#s{index} = :s{index}")
        for index, (name, value) in enumerate((set_if_absent or {}).items()):
            names[f"#i{index}"] = name
            values[f":i{index}"] = to_value(value)
            sets.append(f"#i{index} = if_not_exists(#i{index}, :i{index})")
        for index, (name, amount) in enumerate(item for item in add.items() if item[1]):
            names[f"#a{index}"] = name
            values[f":a{index}"] = to_value(amount)
            adds.append(f"#a{index} :a{index}")
        names["#updated"] = "updated_at"
        values[":updated"] = to_value(int(time.time()))
        sets.append("#updated = :updated")
        expression = "SET " + ", ".join(sets) + (" ADD " + ", ".join(adds) if adds else "")
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": self._key(player_id, "PROGRESS"),
                "UpdateExpression": expression,
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }

    # -- records in the player's partition --------------------------------------------------

    def records(self, player_id: str, prefix: str) -> list[dict[str, Any]]:
        """Every record whose sort key starts with ``prefix`` (``SKILL#``, ``ACH#``, ``INV#``)."""
        paginator = aws.dynamodb().get_paginator("query")
        pages = paginator.paginate(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": {"S": _player(player_id)}, ":prefix": {"S": prefix}},
            ConsistentRead=True,
        )
        return [from_item(item) for page in pages for item in page["Items"]]

    def skill_unlock(self, player_id: str, node_id: str, now: str, error: Callable[[], DomainError]) -> ExtraWrite:
        item = {"pk": _player(player_id), "sk": f"SKILL#{node_id}", "node_id": node_id, "unlocked_at": now}
        return ExtraWrite(
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": to_item(item),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            error,
        )

    def achievement_unlocked(self, player_id: str, code: str, now: str) -> dict[str, Any]:
        """Record an achievement's completion once (a repeat keeps the first time and claim state)."""
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": self._key(player_id, f"ACH#{code}"),
                "UpdateExpression": "SET unlocked_at = if_not_exists(unlocked_at, :now), "
                "reward_claimed = if_not_exists(reward_claimed, :false), achieve_code = :code",
                "ExpressionAttributeValues": {
                    ":now": to_value(now),
                    ":false": to_value(False),
                    ":code": to_value(code),
                },
            }
        }

    def achievement_claim(self, player_id: str, code: str, now: str, error: Callable[[], DomainError]) -> ExtraWrite:
        return ExtraWrite(
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": self._key(player_id, f"ACH#{code}"),
                    "UpdateExpression": "SET reward_claimed = :true, claimed_at = :now, "
                    "unlocked_at = if_not_exists(unlocked_at, :now), achieve_code = :code",
                    "ConditionExpression": "attribute_not_exists(reward_claimed) OR reward_claimed = :false",
                    "ExpressionAttributeValues": {
                        ":true": to_value(True),
                        ":false": to_value(False),
                        ":now": to_value(now),
                        ":code": to_value(code),
                    },
                }
            },
            error,
        )

    def inventory_add(
        self,
        player_id: str,
        item_code: str,
        inventory_id: str,
        acquisition_type: str,
        now: str,
        error: Callable[[], DomainError],
    ) -> ExtraWrite:
        item = {
            "pk": _player(player_id),
            "sk": f"INV#{item_code}",
            "item_code": item_code,
            "inventory_id": inventory_id,
            "acquired_at": now,
            "acquisition_type": acquisition_type,
        }
        return ExtraWrite(
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": to_item(item),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            error,
        )

    # -- loadout ----------------------------------------------------------------------------

    def loadout(self, player_id: str, slots: tuple[str, ...]) -> dict[str, Any]:
        """Each slot's item code (None when empty) and when the loadout last changed."""
        item = self._get(_player(player_id), "LOADOUT", consistent=True) or {}
        return {"slots": {slot: item.get(slot) for slot in slots}, "updated_at": item.get("updated_at")}

    def update_loadout(self, player_id: str, changes: Mapping[str, str | None], now: str) -> None:
        """Set (an item code) or clear (None) the given slots, one attribute per slot."""
        names = {"#updated": "updated_at"}
        values: dict[str, Any] = {":now": to_value(now)}
        sets, removes = ["#updated = :now"], []
        for index, (slot, code) in enumerate(changes.items()):
            names[f"#n{index}"] = slot
            if code is None:
                removes.append(f"#n{index}")
            else:
                values[f":v{index}"] = to_value(code)
                sets.append(f"#n{index} = :v{index}")
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        aws.dynamodb().update_item(
            TableName=self.table_name,
            Key=self._key(player_id, "LOADOUT"),
            UpdateExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        )

    # -- per-day counters -------------------------------------------------------------------

    def trades_on(self, player_id: str, day: str) -> int:
        item = self._get(_player(player_id), f"TRADES#{day}", consistent=True) or {}
        return int(item.get("trades", 0))

    def count_trade(self, player_id: str, day: str, limit: int, error: Callable[[], DomainError]) -> ExtraWrite:
        """One more trade today, refused (``error``) once ``limit`` were sent."""
        return ExtraWrite(
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": self._key(player_id, f"TRADES#{day}"),
                    "UpdateExpression": "ADD trades :one SET expiresAt = :expires",
                    "ConditionExpression": "attribute_not_exists(trades) OR trades < :limit",
                    "ExpressionAttributeValues": {
                        ":one": to_value(1),
                        ":limit": to_value(limit),
                        ":expires": to_value(int(time.time()) + DAY_RECORD_SECONDS),
                    },
                }
            },
            error,
        )

    def challenges_on(self, player_id: str, day: str) -> dict[str, Any]:
        return _challenges(self._get(_player(player_id), f"CHALLENGES#{day}", consistent=True))

    def challenges_write(
        self, player_id: str, day: str, progress: Mapping[str, int], completed: list[str]
    ) -> dict[str, Any]:
        item = {
            "pk": _player(player_id),
            "sk": f"CHALLENGES#{day}",
            "progress": dict(progress),
            "completed": completed,
            "expiresAt": int(time.time()) + DAY_RECORD_SECONDS,
        }
        return {"Put": {"TableName": self.table_name, "Item": to_item(item)}}

    # -- the match in progress --------------------------------------------------------------

    def active_match_id(self, player_id: str) -> str | None:
        item = self._get(_player(player_id), "ACTIVE", consistent=True)
        return item["match_id"] if item else None

    def claim_active(self, player_id: str, match_id: str) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self.table_name,
                "Item": to_item({"pk": _player(player_id), "sk": "ACTIVE", "match_id": match_id}),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }

    def release_active(self, player_id: str, match_id: str) -> dict[str, Any]:
        return {
            "Delete": {
                "TableName": self.table_name,
                "Key": self._key(player_id, "ACTIVE"),
                "ConditionExpression": "attribute_not_exists(pk) OR match_id = :match",
                "ExpressionAttributeValues": {":match": to_value(match_id)},
            }
        }

    def commit(self, operations: list[dict[str, Any]], errors: list[Callable[[], DomainError]]) -> None:
        """Write operations in one transaction (when no money moves with them); a failed condition
        raises the error given for that operation."""
        if not operations:
            return
        try:
            aws.dynamodb().transact_write_items(TransactItems=operations)
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            from shared.dynamo import cancellation_codes

            for code, make_error in zip(cancellation_codes(error), errors, strict=False):
                if code == "ConditionalCheckFailed":
                    raise make_error() from error
            raise Conflict("The request collided with another; please retry") from error


def _progress(item: dict[str, Any] | None) -> dict[str, Any]:
    item = item or {}
    record: dict[str, Any] = {name: item.get(name, 0) for name in COUNTERS}
    record.update({name: item.get(name, default) for name, default in STREAK_DEFAULTS.items()})
    return record


def _challenges(item: dict[str, Any] | None) -> dict[str, Any]:
    item = item or {}
    return {"progress": item.get("progress", {}), "completed": list(item.get("completed", []))}


def plain(operation: dict[str, Any]) -> ExtraWrite:
    """An unconditional write committed with a ledger transaction."""
    return ExtraWrite(operation, _conflict("The request collided with another; please retry"))


def bad_request(message: str, code: str, details: Any = None) -> Callable[[], DomainError]:
    return lambda: InvalidInput(message, details, code=code)
