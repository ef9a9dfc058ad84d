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
"""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from shared import aws
from shared.dynamo import cancellation_codes, from_item, to_value
from shared.errors import InvalidInput, NotFound, utc_now_iso

CATALOGUE_PARTITION = "CATALOGUE"
CATALOGUE_SK = "CATALOGUE"
OUTCOME_MARKER_DAYS = 90
STAT_FIELDS = ("totalHires", "successfulHires", "ratingSum", "ratingCount")


def listing_key(listing_id: str, sort_key: str) -> dict[str, Any]:
    return {"pk": {"S": f"LISTING#{listing_id}"}, "sk": {"S": sort_key}}


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
        return self._commit(items, listing_id, outcome_id is not None)

    def refresh_achievements(self, listing_id: str, achievements: list[str]) -> None:
        """Show an agent's new achievements (badges) in search; its progression flow calls this."""
        now = utc_now_iso()
        values = {
            ":achievements": to_value(achievements),
            ":now": to_value(now),
            ":sk": to_value(f"{now}#{listing_id}"),
        }
        try:
            aws.dynamodb().update_item(
                **self._projection_update(
                    listing_id, "SET achievements = :achievements, updatedAt = :now, gsi1sk = :sk", values
                )["Update"]
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
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
            aws.dynamodb().transact_write_items(TransactItems=items)
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
