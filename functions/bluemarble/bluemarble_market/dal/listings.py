"""Listings: the item, its one-active-listing guard, favourites, views, and the catalogue change feed.

Every write that changes what search shows (create, edit, a sale, cancel, expiry, a refund that
restores items) moves ``updatedAt`` and bumps ``version``; each is conditioned on the version it
read, so two writers never both win. Views and favourites are counters that change neither: they
do not churn search's copy (which shows them as of the listing's last change) and never conflict
with a sale.

The change feed is ``gsi1``: ``CHANGES#<hour of updatedAt>`` / ``<updatedAt>#<id>``. A listing sits
in the partition of the hour it last changed, so "what changed since T" reads only the partitions
of the hours since T (usually one): its cost follows the changes, not the catalogue. Reading the
whole catalogue is never needed once a snapshot exists (``dal/catalogue.py``); before the first
one (a new deployment) it is a filtered Scan.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from bluemarble_market.dal.table import Table, key
from bluemarble_market.logic.errors import ListingChanged, listing_not_found
from shared.dynamo import cancellation_codes, from_item, to_value
from shared.errors import DomainError, utc_now_iso
from shared.ledger import ExtraWrite

CHANGES = "CHANGES#"
MAX_FEED_HOURS = 7 * 24  # a look further back than this reads the whole catalogue instead
ACTIVE = "ACTIVE"
DUPLICATE_MESSAGE = "Item already listed on marketplace"


def listing_pk(listing_id: str) -> str:
    return f"LISTING#{listing_id}"


def index_keys(listing: dict[str, Any]) -> dict[str, Any]:
    """The index attributes of a listing as it is about to be written."""
    return {
        "gsi1pk": f"{CHANGES}{listing['updatedAt'][:13]}",
        "gsi1sk": f"{listing['updatedAt']}#{listing['listingId']}",
        "gsi2pk": f"SELLER#{listing['sellerId']}",
        "gsi2sk": f"{listing['status']}#{listing['createdAt']}#{listing['listingId']}",
    }


def _duplicate() -> DomainError:
    from shared.errors import Conflict

    return Conflict(DUPLICATE_MESSAGE, code="DUPLICATE_LISTING")


class ListingRepository:
    def __init__(self, table_name: str):
        self.table = Table(table_name)

    def get(self, listing_id: str, consistent: bool = True) -> dict[str, Any] | None:
        return self.table.get(listing_pk(listing_id), "LISTING", consistent=consistent)

    def count_view(self, listing_id: str) -> dict[str, Any]:
        """One more view, and the listing as it is now (one request)."""
        try:
            response = self.table.client.update_item(
                TableName=self.table.name,
                Key=key(listing_pk(listing_id), "LISTING"),
                UpdateExpression="ADD #views :one",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeNames={"#views": "views"},
                ExpressionAttributeValues={":one": to_value(1)},
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise listing_not_found(listing_id) from error
            raise
        return from_item(response["Attributes"]) or {}

    # -- writes that commit with a ledger transaction -----------------------------------------------

    def create_write(self, listing: dict[str, Any]) -> ExtraWrite:
        item = {"pk": listing_pk(listing["listingId"]), "sk": "LISTING", **listing, **index_keys(listing)}
        return ExtraWrite(self.table.put_op(item, "attribute_not_exists(pk)"), _duplicate)

    def guard_write(
        self, seller_id: str, item_id: str, island: str, listing_id: str, restoring: bool = False
    ) -> ExtraWrite:
        """Claims "one active listing of this item on this island" for the seller. When a refund
        reactivates a sold-out listing (``restoring``), losing the claim means: re-plan."""
        operation = self.table.put_op(
            {"pk": f"ACTIVE#{seller_id}", "sk": f"{item_id}#{island}", "listingId": listing_id},
            "attribute_not_exists(pk)",
        )
        return ExtraWrite(operation, ListingChanged if restoring else _duplicate)

    def guard_free(self, seller_id: str, item_id: str, island: str) -> bool:
        return self.table.get(f"ACTIVE#{seller_id}", f"{item_id}#{island}", consistent=True) is None

    def guard_release(self, seller_id: str, item_id: str, island: str, listing_id: str) -> ExtraWrite:
        operation = self.table.delete_op(
            f"ACTIVE#{seller_id}",
            f"{item_id}#{island}",
            "attribute_not_exists(pk) OR listingId = :listing",
            listing=listing_id,
        )
        return ExtraWrite(operation, ListingChanged)

    def change_write(self, listing: dict[str, Any], changes: dict[str, Any]) -> ExtraWrite:
        """Apply ``changes`` to ``listing`` if it is still the version that was read.

        ``changes`` must include ``updatedAt``; ``version`` is bumped and the index keys follow."""
        after = {**listing, **changes}
        fields = {**changes, **index_keys(after), "version": listing["version"] + 1}
        names, assignments, expression_values = {}, [], {}
        for position, (name, value) in enumerate(fields.items()):
            names[f"#f{position}"] = name
            assignments.append(f"#f{position} = :f{position}")
            expression_values[f":f{position}"] = to_value(value)
        names["#version"] = "version"
        expression_values[":read"] = to_value(listing["version"])
        operation = {
            "Update": {
                "TableName": self.table.name,
                "Key": key(listing_pk(listing["listingId"]), "LISTING"),
                "UpdateExpression": "SET " + ", ".join(assignments),
                "ConditionExpression": "#version = :read",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": expression_values,
            }
        }
        return ExtraWrite(operation, ListingChanged)

    def change(self, listing: dict[str, Any], changes: dict[str, Any]) -> None:
        """``change_write`` on its own, for an edit that moves no coin or items."""
        write = self.change_write(listing, changes)
        try:
            self.table.client.update_item(**write.operation["Update"])
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise ListingChanged() from error
            raise

    # -- favourites ---------------------------------------------------------------------------------

    def favourite(self, listing_id: str, player_id: str, add: bool) -> bool:
        """Add or remove a favourite; False when it was already so (nothing changed)."""
        marker = ("FAV#" + listing_id, player_id)
        if add:
            now = utc_now_iso()
            first = self.table.put_op(
                {
                    "pk": marker[0],
                    "sk": marker[1],
                    "listingId": listing_id,
                    "playerId": player_id,
                    "createdAt": now,
                    "gsi2pk": f"FAVS#{player_id}",
                    "gsi2sk": f"{now}#{listing_id}",
                },
                "attribute_not_exists(pk)",
            )
        else:
            first = self.table.delete_op(*marker, "attribute_exists(pk)")
        counter = self.table.update_op(
            listing_pk(listing_id),
            "LISTING",
            "ADD favorites :change",
            "attribute_exists(pk)",
            change=1 if add else -1,
        )
        try:
            self.table.client.transact_write_items(TransactItems=[first, counter])
        except ClientError as error:
            codes = cancellation_codes(error)
            if codes and codes[1] == "ConditionalCheckFailed":
                raise listing_not_found(listing_id) from error
            if codes and codes[0] == "ConditionalCheckFailed":
                return False
            raise
        return True

    def is_favourite(self, listing_id: str, player_id: str) -> bool:
        return self.table.get("FAV#" + listing_id, player_id) is not None

    def favourites_of(self, player_id: str, limit: int, start: dict[str, Any] | None) -> tuple[list[str], Any]:
        items, last = self.table.query(
            "gsi2pk = :pk", {":pk": {"S": f"FAVS#{player_id}"}}, index="gsi2", forward=False, limit=limit, start=start
        )
        return [item["listingId"] for item in items], last

    def many(self, listing_ids: list[str]) -> dict[str, dict[str, Any]]:
        found = self.table.batch_get([(listing_pk(listing_id), "LISTING") for listing_id in listing_ids])
        return {item["listingId"]: item for item in found}

    # -- the catalogue (search) -----------------------------------------------------------------------

    def load_catalogue(self) -> list[dict[str, Any]]:
        """Every active listing, by a filtered Scan: only before the first snapshot exists."""
        request: dict[str, Any] = {
            "TableName": self.table.name,
            "FilterExpression": "sk = :listing AND #status = :active",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {":listing": {"S": "LISTING"}, ":active": {"S": ACTIVE}},
        }
        found = []
        while True:
            response = self.table.client.scan(**request)
            found += [from_item(raw) for raw in response.get("Items", [])]
            if "LastEvaluatedKey" not in response:
                return found
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def changed_since(self, instant: str) -> list[dict[str, Any]] | None:
        """Listings whose last change is after ``instant`` (usually none, or a handful), reading
        the change feed's partition of each hour since; None when that is more than a week."""
        first = datetime.fromisoformat(instant[:13] + ":00:00+00:00")
        hours = int((datetime.now(UTC) - first).total_seconds() // 3600) + 1
        if hours > MAX_FEED_HOURS:
            return None
        changed: list[dict[str, Any]] = []
        for hour in range(max(hours, 1)):
            partition = (first + timedelta(hours=hour)).strftime("%Y-%m-%dT%H")
            changed += self.table.query_all(
                "gsi1pk = :hour AND gsi1sk > :since",
                {":hour": {"S": f"{CHANGES}{partition}"}, ":since": {"S": instant}},
                index="gsi1",
            )
        return changed

    def of_seller(self, seller_id: str, status: str) -> list[dict[str, Any]]:
        """A seller's listings in one status (ended listings are browsed per seller, not from search)."""
        return list(
            self.table.query_all(
                "gsi2pk = :seller AND begins_with(gsi2sk, :status)",
                {":seller": {"S": f"SELLER#{seller_id}"}, ":status": {"S": f"{status}#"}},
                index="gsi2",
            )
        )
