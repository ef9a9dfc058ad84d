"""The marketplace catalogue: a compact search projection of every listing, and listing stats.

Items (pk / sk) in the JIGA table:

  LISTING#<id>  CATALOGUE        what search needs and nothing more (agent name, image, rank, type,
                                 nationality; title, description, tags; games and specialization;
                                 features; pricing; availability; achievements; status; stats
                                 counters). gsi1: CATALOGUE / <updatedAt>#<listingId>
  LISTING#<id>  OUTCOME#<hire>   marks a hire outcome as counted (exactly-once stats)

Every write that changes what search shows (publish, a hire outcome, an achievement) rewrites the
projection in the same transaction as the source record and moves its ``gsi1sk`` to the new
``updatedAt``. So one Query of ``gsi1pk = CATALOGUE`` reads the whole catalogue, and a Query with
``gsi1sk > <instant>`` reads only what changed since then: that is what lets a warm search
function refresh its in-memory copy with one small request (see ``logic/marketplace.py``).
Projection items are never deleted: a listing leaves search through its ``status``, so the change
reaches every warm copy like any other change.

Stats are counters (``totalHires``, ``successfulHires``, ``ratingSum``, ``ratingCount``) kept on
both the listing and its projection, updated together; averages are derived when read.

The snapshot that lets a new search instance start without reading the whole catalogue
(``logic/catalogue.py``):

  CATALOGUE_SNAPSHOT            HEAD            the current snapshot: version, takenAt, chunk count
  CATALOGUE_SNAPSHOT#<version>  CHUNK#<nnnn>    its compressed bytes, 350 KB per item (10,000
                                                listings are about 6 items); ``expiresAt`` 7 days
  CATALOGUE_CHANGES#<10 minutes>  SHARD#<0-7>   a change log: every write that changes a projection
                                                adds its listing id to the set of its ten-minute
                                                bucket's shard (``ADD``), in its own transaction;
                                                ``expiresAt`` 2 days

A new instance makes two BatchGetItem requests, whatever the catalogue's size: the head with the
change log of the last hour (8 shards a bucket, so writers rarely meet on one item), then the
snapshot's chunks with the projections that changed since it. Both are consistent reads by key:
no index lag, and none of the cost of a Query.
"""

import random
import secrets
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from jiga_store.logic.change_log import change_bucket, change_buckets
from shared import aws
from shared.dynamo import cancellation_codes, from_item, to_item, to_value
from shared.errors import InvalidInput, NotFound, utc_now_iso

CATALOGUE_PARTITION = "CATALOGUE"
CATALOGUE_SK = "CATALOGUE"
OUTCOME_MARKER_DAYS = 90
STAT_FIELDS = ("totalHires", "successfulHires", "ratingSum", "ratingCount")


SNAPSHOT_PARTITION = "CATALOGUE_SNAPSHOT"
CHANGES_PARTITION = "CATALOGUE_CHANGES"
CHANGE_SHARDS = 8
CHUNK_BYTES = 350_000
CHUNK_RETENTION_SECONDS = 7 * 24 * 3600
CHANGE_RETENTION_SECONDS = 2 * 24 * 3600
_HEAD_KEY = {"pk": {"S": SNAPSHOT_PARTITION}, "sk": {"S": "HEAD"}}


def listing_key(listing_id: str, sort_key: str) -> dict[str, Any]:
    return {"pk": {"S": f"LISTING#{listing_id}"}, "sk": {"S": sort_key}}


def _change_key(bucket: str, shard: int) -> dict[str, Any]:
    return {"pk": {"S": f"{CHANGES_PARTITION}#{bucket}"}, "sk": {"S": f"SHARD#{shard}"}}


def change_marker(table_name: str, listing_id: str, updated_at: str) -> dict[str, Any]:
    """The change-log entry a write that changes a listing's projection commits with it."""
    return {
        "Update": {
            "TableName": table_name,
            "Key": _change_key(change_bucket(updated_at), zlib.crc32(listing_id.encode()) % CHANGE_SHARDS),
            "UpdateExpression": "ADD listingIds :listing SET expiresAt = :expires",
            "ExpressionAttributeValues": {
                ":listing": {"SS": [listing_id]},
                ":expires": {"N": str(int(time.time()) + CHANGE_RETENTION_SECONDS)},
            },
        }
    }


def transact_catalogue_write(items: list[dict[str, Any]]) -> None:
    """TransactWriteItems, again (up to 3 times) when a concurrent transaction held one of its items
    (most likely a change-log shard): the items carry their own conditions, so a retry is safe."""
    for attempt in range(4):
        try:
            aws.dynamodb().transact_write_items(TransactItems=items)
            return
        except ClientError as error:
            codes = cancellation_codes(error)
            if attempt == 3 or "TransactionConflict" not in codes or "ConditionalCheckFailed" in codes:
                raise
            time.sleep(random.uniform(0.01, 0.05) * 2**attempt)  # noqa: S311 - jitter, not a secret


def catalogue_fields(agent: dict[str, Any], listing: dict[str, Any]) -> dict[str, Any]:
    """The projection of one listing: the agent's public face plus the listing's searchable parts."""
    configuration = agent.get("configuration", {})
    features = configuration.get("features", {})
    specialization = configuration.get("specialization") or {}
    return {
        "listingId": listing["listingId"],
        "agentId": agent["agentId"],
        "status": listing["status"],
        "publishedAt": listing["publishedAt"],
        "name": agent["name"],
        "imageUrl": agent["imageUrl"],
        "rank": agent["rank"],
        "type": agent["type"],
        "nationality": configuration.get("nationality", ""),
        "title": listing["title"],
        "description": listing["description"],
        "tags": listing.get("tags", []),
        "games": specialization.get("games", []),
        "focus": specialization.get("focus"),
        "specialistType": specialization.get("specialistType"),
        "hasVoiceChat": bool(features.get("hasVoiceChat")),
        "hasCommentator": bool(features.get("hasCommentator")),
        "pricing": listing["pricing"],
        "availability": listing.get("availability") or {"schedule": "always", "timezone": "UTC"},
        "achievements": agent.get("achievements", []),
    }


def set_expression(fields: dict[str, Any]) -> tuple[str, dict[str, str], dict[str, Any]]:
    """``SET #f0 = :f0, ... REMOVE #f3`` for an update that leaves every other attribute (the
    stats) alone; ``None`` removes the attribute."""
    names, values, assignments, removals = {}, {}, [], []
    for position, (name, value) in enumerate(fields.items()):
        names[f"#f{position}"] = name
        if value is None:
            removals.append(f"#f{position}")
            continue
        values[f":f{position}"] = to_value(value)
        assignments.append(f"#f{position} = :f{position}")
    expression = "SET " + ", ".join(assignments)
    if removals:
        expression += " REMOVE " + ", ".join(removals)
    return expression, names, values


def _catalogue_keys(listing_id: str, updated_at: str) -> dict[str, Any]:
    return {"gsi1pk": CATALOGUE_PARTITION, "gsi1sk": f"{updated_at}#{listing_id}", "updatedAt": updated_at}


def catalogue_item(agent: dict[str, Any], listing: dict[str, Any]) -> dict[str, Any]:
    """The projection's attributes with its catalogue index keys (stats counters excepted)."""
    return {**catalogue_fields(agent, listing), **_catalogue_keys(listing["listingId"], listing["publishedAt"])}


def projection_write(table_name: str, agent: dict[str, Any], listing: dict[str, Any]) -> dict[str, Any]:
    """The TransactWriteItems entry that creates or refreshes a listing's projection.

    An update, not a put, so that refreshing a projection keeps its stats counters.
    """
    expression, names, values = set_expression(catalogue_item(agent, listing))
    return {
        "Update": {
            "TableName": table_name,
            "Key": listing_key(listing["listingId"], CATALOGUE_SK),
            "UpdateExpression": expression,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


class CatalogueRepository:
    def __init__(self, table_name: str):
        self.table_name = table_name

    # -- reads (the search function) -----------------------------------------------------------

    def load_all(self) -> list[dict[str, Any]]:
        """Every projection, 1 MB per page (10,000 listings are about a dozen pages)."""
        return list(self._query("gsi1pk = :catalogue", {}))

    def load_changed_since(self, instant: str) -> list[dict[str, Any]]:
        """Projections whose ``updatedAt`` is after ``instant`` (usually none, or a handful)."""
        return list(self._query("gsi1pk = :catalogue AND gsi1sk > :since", {":since": {"S": instant}}))

    def _query(self, condition: str, values: dict[str, Any]) -> Iterator[dict[str, Any]]:
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": "gsi1",
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": {":catalogue": {"S": CATALOGUE_PARTITION}, **values},
        }
        while True:
            response = aws.dynamodb().query(**request)
            for item in response.get("Items", []):
                yield from_item(item)
            if "LastEvaluatedKey" not in response:
                return
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    # -- the snapshot (a new search instance's start) ---------------------------------------------

    def snapshot_head(self) -> dict[str, Any] | None:
        response = aws.dynamodb().get_item(TableName=self.table_name, Key=_HEAD_KEY, ConsistentRead=True)
        return from_item(response.get("Item"))

    def read_start(self, until: str, span_seconds: float) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
        """One BatchGetItem: the snapshot's head, and the change log of the ``span_seconds`` before
        ``until`` as {bucket: listing ids}."""
        buckets = change_buckets(until, span_seconds)
        keys = [_HEAD_KEY] + [_change_key(bucket, shard) for bucket in buckets for shard in range(CHANGE_SHARDS)]
        head, changes = None, {bucket: [] for bucket in buckets}
        for item in self._batch_get(keys):
            if item["sk"]["S"] == "HEAD":
                head = from_item(item)
            else:
                bucket = item["pk"]["S"].split("#", 1)[1]
                changes.setdefault(bucket, []).extend(item.get("listingIds", {}).get("SS", []))
        return head, changes

    def read_snapshot(self, head: dict[str, Any], listing_ids: list[str]) -> tuple[bytes | None, list[dict]]:
        """One BatchGetItem (more past 100 keys): the snapshot's bytes (None if its chunks have
        gone) and the projections of ``listing_ids``."""
        partition = f"{SNAPSHOT_PARTITION}#{head['version']}"
        chunk_keys = [{"pk": {"S": partition}, "sk": {"S": f"CHUNK#{n:04d}"}} for n in range(int(head["chunks"]))]
        keys = chunk_keys + [listing_key(listing_id, CATALOGUE_SK) for listing_id in dict.fromkeys(listing_ids)]
        chunks: dict[str, bytes] = {}
        projections = []
        for item in self._batch_get(keys):
            if item["pk"]["S"] == partition:
                chunks[item["sk"]["S"]] = item["data"]["B"]
            else:
                projections.append(from_item(item))
        if len(chunks) != len(chunk_keys):
            return None, projections
        return b"".join(chunks[key["sk"]["S"]] for key in chunk_keys), projections

    def _batch_get(self, keys: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for start in range(0, len(keys), 100):
            request: dict[str, Any] | None = {
                self.table_name: {"Keys": keys[start : start + 100], "ConsistentRead": True}
            }
            while request:
                response = aws.dynamodb().batch_get_item(RequestItems=request)
                yield from response["Responses"].get(self.table_name, [])
                request = response.get("UnprocessedKeys") or None

    def write_snapshot(self, payload: bytes, taken_at: str, listings: int) -> bool:
        """Store a snapshot, then make it current unless a newer one already is (False then)."""
        version = f"{taken_at}#{secrets.token_hex(4)}"
        expires = str(int(time.time()) + CHUNK_RETENTION_SECONDS)
        pieces = [payload[start : start + CHUNK_BYTES] for start in range(0, len(payload), CHUNK_BYTES)] or [b""]
        puts = [
            {
                "PutRequest": {
                    "Item": {
                        "pk": {"S": f"{SNAPSHOT_PARTITION}#{version}"},
                        "sk": {"S": f"CHUNK#{n:04d}"},
                        "data": {"B": piece},
                        "expiresAt": {"N": expires},
                    }
                }
            }
            for n, piece in enumerate(pieces)
        ]
        for start in range(0, len(puts), 25):
            pending: dict[str, Any] = {self.table_name: puts[start : start + 25]}
            for attempt in range(8):
                pending = aws.dynamodb().batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
                if not pending:
                    break
                time.sleep(0.05 * 2**attempt)
            else:
                return False
        head = {
            "pk": SNAPSHOT_PARTITION,
            "sk": "HEAD",
            "version": version,
            "takenAt": taken_at,
            "chunks": len(pieces),
            "bytes": len(payload),
            "listings": listings,
            "writtenAt": utc_now_iso(),
        }
        try:
            aws.dynamodb().put_item(
                TableName=self.table_name,
                Item=to_item(head),
                ConditionExpression="attribute_not_exists(pk) OR takenAt < :taken",
                ExpressionAttributeValues={":taken": to_value(taken_at)},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False  # another instance wrote a newer one meanwhile; ours expires by itself
            raise
        return True

    # -- writes (settlement, progression, seeding) -----------------------------------------------

    def record_hire_outcome(
        self, listing_id: str, rating: float | None, success: bool, outcome_id: str | None = None
    ) -> bool:
        """Count one finished hire in the listing's stats and its projection, atomically.

        ``rating`` (1-5) is optional: a hirer may not rate. Pass the hire's id as ``outcome_id``
        to make a retried settlement step harmless: the outcome is then counted once, and a
        repeat returns False. Raises NotFound when the listing does not exist.
        """
        if rating is not None and not 1 <= rating <= 5:
            raise InvalidInput("rating must be between 1 and 5", {"rating": rating})
        now = utc_now_iso()
        values = {
            ":zero": to_value(0),
            ":one": to_value(1),
            ":success": to_value(1 if success else 0),
            ":rating": to_value(rating or 0),
            ":rated": to_value(0 if rating is None else 1),
            ":now": to_value(now),
        }
        counters = (
            "SET totalHires = if_not_exists(totalHires, :zero) + :one, "
            "successfulHires = if_not_exists(successfulHires, :zero) + :success, "
            "ratingSum = if_not_exists(ratingSum, :zero) + :rating, "
            "ratingCount = if_not_exists(ratingCount, :zero) + :rated, updatedAt = :now"
        )
        items: list[dict[str, Any]] = []
        if outcome_id is not None:
            expires = int((datetime.now(UTC) + timedelta(days=OUTCOME_MARKER_DAYS)).timestamp())
            marker = {
                **listing_key(listing_id, f"OUTCOME#{outcome_id}"),
                "countedAt": {"S": now},
                "expiresAt": {"N": str(expires)},
            }
            items.append(
                {
                    "Put": {
                        "TableName": self.table_name,
                        "Item": marker,
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                }
            )
        items.append(self._listing_update(listing_id, counters, values))
        items.append(
            self._projection_update(
                listing_id, f"{counters}, gsi1sk = :sk", {**values, ":sk": to_value(f"{now}#{listing_id}")}
            )
        )
        items.append(change_marker(self.table_name, listing_id, now))
        return self._commit(items, listing_id, outcome_id is not None)

    def refresh_achievements(self, listing_id: str, achievements: list[str]) -> None:
        """Show an agent's new achievements (badges) in search; its progression flow calls this."""
        now = utc_now_iso()
        values = {
            ":achievements": to_value(achievements),
            ":now": to_value(now),
            ":sk": to_value(f"{now}#{listing_id}"),
        }
        update = self._projection_update(
            listing_id, "SET achievements = :achievements, updatedAt = :now, gsi1sk = :sk", values
        )
        try:
            transact_catalogue_write([update, change_marker(self.table_name, listing_id, now)])
        except ClientError as error:
            if "ConditionalCheckFailed" in cancellation_codes(error):
                raise _listing_not_found(listing_id) from error
            raise

    def _listing_update(self, listing_id: str, counters: str, values: dict[str, Any]) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": listing_key(listing_id, "LISTING"),
                "UpdateExpression": counters,
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeValues": values,
            }
        }

    def _projection_update(self, listing_id: str, expression: str, values: dict[str, Any]) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": listing_key(listing_id, CATALOGUE_SK),
                "UpdateExpression": expression,
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeValues": values,
            }
        }

    def _commit(self, items: list[dict[str, Any]], listing_id: str, has_marker: bool) -> bool:
        try:
            transact_catalogue_write(items)
        except ClientError as error:
            codes = cancellation_codes(error)
            if has_marker and codes and codes[0] == "ConditionalCheckFailed":
                return False
            if "ConditionalCheckFailed" in codes:
                raise _listing_not_found(listing_id) from error
            raise
        return True


def _listing_not_found(listing_id: str) -> NotFound:
    return NotFound(f"Listing {listing_id} not found", {"listingId": listing_id}, code="LISTING_NOT_FOUND")
