"""Daily shop stock and trades in the Cosmic table.

  SHOP#<date>   STOCK#<item code>   sold (units of a limited item sold that UTC day), expiresAt
  TRADE#<id>    TRADE               the trade as answered, for support and audits

A limited item's sale increments ``sold`` under the condition ``sold < stock`` in the same
transaction as the payment, so the shop can never sell more than its stock, however many players
buy at once.
"""

import time
from collections.abc import Callable, Iterable
from typing import Any

from shared import aws
from shared.dynamo import from_item, to_item, to_value
from shared.errors import DomainError
from shared.ledger import ExtraWrite

STOCK_RECORD_SECONDS = 8 * 24 * 3600


class ShopStore:
    def __init__(self, table_name: str):
        self.table_name = table_name

    def sold(self, day: str, item_codes: Iterable[str]) -> dict[str, int]:
        """Units sold today of each item (0 for none); one BatchGetItem."""
        codes = list(dict.fromkeys(item_codes))
        found = dict.fromkeys(codes, 0)
        if not codes:
            return found
        keys = [{"pk": {"S": f"SHOP#{day}"}, "sk": {"S": f"STOCK#{code}"}} for code in codes]
        request: dict[str, Any] | None = {self.table_name: {"Keys": keys, "ConsistentRead": True}}
        while request:
            response = aws.dynamodb().batch_get_item(RequestItems=request)
            for raw in response["Responses"].get(self.table_name, []):
                item = from_item(raw) or {}
                found[item["item_code"]] = int(item.get("sold", 0))
            request = response.get("UnprocessedKeys") or None
        return found

    def sell_one(self, day: str, item_code: str, stock: int, error: Callable[[], DomainError]) -> ExtraWrite:
        return ExtraWrite(
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": {"pk": {"S": f"SHOP#{day}"}, "sk": {"S": f"STOCK#{item_code}"}},
                    "UpdateExpression": "ADD sold :one SET item_code = :code, expiresAt = :expires",
                    "ConditionExpression": "attribute_not_exists(sold) OR sold < :stock",
                    "ExpressionAttributeValues": {
                        ":one": to_value(1),
                        ":stock": to_value(stock),
                        ":code": to_value(item_code),
                        ":expires": to_value(int(time.time()) + STOCK_RECORD_SECONDS),
                    },
                }
            },
            error,
        )

    def record_trade(self, trade: dict[str, Any]) -> dict[str, Any]:
        item = {**trade, "pk": f"TRADE#{trade['trade_id']}", "sk": "TRADE"}
        return {
            "Put": {
                "TableName": self.table_name,
                "Item": to_item(item),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
