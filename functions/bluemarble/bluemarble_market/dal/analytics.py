"""Analytics aggregates: written once per completed sale (and per new listing) by the change
consumer, read by the analytics function. See logic/analytics.py for what they mean.

Each sale is one ``TransactWriteItems``: a ``SALE#<purchase>`` marker that must not exist yet,
plus ``ADD`` updates of the aggregates, so a record delivered twice by the stream (a retried batch)
is counted once. The consumer handles a shard's records one after another, so these items are
written by one writer per shard; writes from different shards rarely meet (a conflict is retried).
"""

import time
from datetime import date, timedelta
from typing import Any

from botocore.exceptions import ClientError

from bluemarble_market.dal.table import Table
from bluemarble_market.logic.analytics import ALL, category_key, sale_day
from shared.dynamo import cancellation_codes

MARKER_DAYS = 100  # longer than the longest timeframe a replay could still matter for


class AnalyticsRepository:
    def __init__(self, table_name: str):
        self.table = Table(table_name)

    def _marker(self, pk: str) -> dict[str, Any]:
        return self.table.put_op(
            {"pk": pk, "sk": "COUNTED", "expiresAt": int(time.time()) + MARKER_DAYS * 86400},
            "attribute_not_exists(pk)",
        )

    def record_sale(self, sale: dict[str, Any]) -> bool:
        """Count a completed sale; False if it was already counted."""
        day = sale_day(sale["completedAt"])
        item_id, units, value, cents = sale["itemId"], sale["quantity"], sale["totalPrice"], sale["pricePerUnit"]
        category = category_key(sale.get("itemType"))
        named = {"name": sale["itemName"], "category": sale.get("itemType") or "", "item": item_id}
        operations = [
            self._marker(f"SALE#{sale['purchaseId']}"),
            self.table.update_op(
                f"PRICES#{item_id}",
                f"{day}#{sale['fromIsland']}#{cents:012d}",
                "ADD units :units, sales :one SET #day = :day, island = :island, cents = :cents",
                names={"#day": "day"},
                units=units,
                one=1,
                day=day,
                island=sale["fromIsland"],
                cents=cents,
            ),
            self.table.update_op(
                f"ITEMDAY#{item_id}",
                day,
                "ADD units :units, #value :value, sales :one SET #day = :day",
                names={"#value": "value", "#day": "day"},
                units=units,
                value=value,
                one=1,
                day=day,
            ),
        ]
        for scope in dict.fromkeys((category, ALL)):
            operations.append(
                self.table.update_op(
                    f"TRENDS#{scope}",
                    day,
                    "ADD sales :one, units :units, #value :value",
                    names={"#value": "value"},
                    one=1,
                    units=units,
                    value=value,
                )
            )
            operations.append(
                self.table.update_op(
                    f"TRENDITEMS#{scope}",
                    f"{day}#{item_id}",
                    "ADD units :units, #value :value, sales :one "
                    "SET itemName = :name, category = :category, itemId = :item",
                    names={"#value": "value"},
                    units=units,
                    value=value,
                    one=1,
                    **named,
                )
            )
        return self._commit(operations)

    def record_listing(self, listing: dict[str, Any]) -> bool:
        day = sale_day(listing["createdAt"])
        operations = [self._marker(f"LISTED#{listing['listingId']}")]
        for scope in dict.fromkeys((category_key(listing.get("itemType")), ALL)):
            operations.append(self.table.update_op(f"TRENDS#{scope}", day, "ADD listings :one", one=1))
        return self._commit(operations)

    def _commit(self, operations: list[dict[str, Any]]) -> bool:
        for _attempt in range(5):
            try:
                self.table.client.transact_write_items(TransactItems=operations)
                return True
            except ClientError as error:
                codes = cancellation_codes(error)
                if codes[:1] == ["ConditionalCheckFailed"]:
                    return False
                if "TransactionConflict" not in codes:
                    raise
        raise RuntimeError("Analytics aggregates stayed busy; the stream will retry the batch")

    # -- reads -----------------------------------------------------------------------------------------

    def _between(self, pk: str, first: str, last: str) -> list[dict[str, Any]]:
        return list(
            self.table.query_all(
                "pk = :pk AND sk BETWEEN :first AND :last",
                {":pk": {"S": pk}, ":first": {"S": first}, ":last": {"S": last + "~"}},
            )
        )

    def price_rows(self, item_id: str, first: str, last: str) -> list[dict[str, Any]]:
        return self._between(f"PRICES#{item_id}", first, last)

    def item_days(self, item_id: str, first: str, last: str) -> list[dict[str, Any]]:
        """One item's day rows: the days are known keys, so one BatchGetItem (at most 100 days)."""
        start, end = date.fromisoformat(first), date.fromisoformat(last)
        days = [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]
        return self.table.batch_get([(f"ITEMDAY#{item_id}", day) for day in days[-100:]])

    def trend_days(self, category: str, first: str, last: str) -> list[dict[str, Any]]:
        """A category's day totals, by key as well (a 90-day timeframe is one BatchGetItem)."""
        start, end = date.fromisoformat(first), date.fromisoformat(last)
        days = [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]
        return self.table.batch_get([(f"TRENDS#{category}", day) for day in days[-100:]])

    def trend_items(self, category: str, first: str, last: str) -> list[dict[str, Any]]:
        return self._between(f"TRENDITEMS#{category}", first, last)
