"""Pending purchase records in the JIGA table.

PURCHASE#<transactionId>  PURCHASE  buyer, package, price, checkout, status; ``expiresAt`` (TTL)
                                    is 30 days after the checkout expires
"""

from typing import Any

from jiga_store.models.domain import StaleRead
from shared import aws
from shared.dynamo import from_item, to_item, to_value
from shared.ledger import ExtraWrite


def _key(transaction_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"PURCHASE#{transaction_id}"}, "sk": {"S": "PURCHASE"}}


class PurchaseRepository:
    def __init__(self, table_name: str):
        self.table_name = table_name

    def create(self, record: dict[str, Any]) -> None:
        item = {"pk": f"PURCHASE#{record['transactionId']}", "sk": "PURCHASE", **record}
        item["expiresAt"] = item.pop("retainUntil")
        aws.dynamodb().put_item(
            TableName=self.table_name, Item=to_item(item), ConditionExpression="attribute_not_exists(pk)"
        )

    def get(self, transaction_id: str) -> dict[str, Any] | None:
        response = aws.dynamodb().get_item(TableName=self.table_name, Key=_key(transaction_id), ConsistentRead=True)
        item = from_item(response.get("Item"))
        if item is not None:
            item["retainUntil"] = item.pop("expiresAt", None)
        return item

    def settle_write(
        self, transaction_id: str, status: str, order_id: str, at: str, only_if_pending: bool
    ) -> ExtraWrite:
        """Mark the purchase completed or cancelled by a Shopify order, inside the caller's transaction."""
        condition = "attribute_exists(pk)" + (" AND #status = :pending" if only_if_pending else "")
        values = {":status": to_value(status), ":order": to_value(order_id), ":at": to_value(at)}
        if only_if_pending:
            values[":pending"] = to_value("pending")
        return ExtraWrite(
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": _key(transaction_id),
                    "UpdateExpression": "SET #status = :status, shopifyOrderId = :order, settledAt = :at",
                    "ConditionExpression": condition,
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": values,
                }
            },
            lambda: StaleRead("The purchase changed meanwhile", {"transactionId": transaction_id}),
        )
