"""Shopify orders, refunds, pending credits and webhook dedupe records in the JIGA table.

SHOPIFY_ORDER#<orderId>   ORDER          what a paid order credited, to whom, what was refunded;
                                         ``version`` guards every change
SHOPIFY_REFUND#<refundId> REFUND         one per refund: DOFs clawed back and written off
PENDING_CREDIT#<email>    ORDER#<id>     DOFs held for an email nobody has registered yet
SHOPIFY_DELIVERY#<key>    DELIVERY       a processed delivery (``webhook:<X-Shopify-Webhook-Id>``,
                                         ``event:<X-Shopify-Event-Id>``); ``expiresAt`` (TTL) 7 days
"""

import time
from typing import Any

from jiga_store.dal.purchases import commit_writes
from jiga_store.models.domain import DuplicateDelivery, StaleRead
from shared import aws
from shared.dynamo import from_item, to_item, to_value
from shared.ledger import ExtraWrite

DELIVERY_RETENTION_SECONDS = 7 * 24 * 3600  # Shopify retries for 4 hours; keep well beyond


def _order_key(order_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"SHOPIFY_ORDER#{order_id}"}, "sk": {"S": "ORDER"}}


def _delivery_key(key: str) -> dict[str, Any]:
    return {"pk": {"S": f"SHOPIFY_DELIVERY#{key}"}, "sk": {"S": "DELIVERY"}}


def _duplicate(what: str) -> Any:
    return lambda: DuplicateDelivery(f"This {what} was already processed")


class ShopifyRepository:
    def __init__(self, table_name: str):
        self.table_name = table_name

    # -- reads ----------------------------------------------------------------------------------

    def _get(self, key: dict[str, Any]) -> dict[str, Any] | None:
        response = aws.dynamodb().get_item(TableName=self.table_name, Key=key, ConsistentRead=True)
        return from_item(response.get("Item"))

    def get_order(self, order_id: str) -> dict[str, Any] | None:
        return self._get(_order_key(order_id))

    def get_refund(self, refund_id: str) -> dict[str, Any] | None:
        return self._get({"pk": {"S": f"SHOPIFY_REFUND#{refund_id}"}, "sk": {"S": "REFUND"}})

    def seen(self, delivery_keys: list[str]) -> bool:
        response = aws.dynamodb().batch_get_item(
            RequestItems={
                self.table_name: {
                    "Keys": [_delivery_key(key) for key in delivery_keys],
                    "ConsistentRead": True,
                    "ProjectionExpression": "pk",
                }
            }
        )
        return bool(response["Responses"].get(self.table_name))

    def pending_credits(self, email: str) -> list[dict[str, Any]]:
        response = aws.dynamodb().query(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"PENDING_CREDIT#{email}"}},
            ConsistentRead=True,
        )
        return [from_item(item) for item in response.get("Items", [])]

    # -- writes to commit inside one transaction --------------------------------------------------

    def delivery_writes(self, delivery_keys: list[str], topic: str, received_at: str) -> list[ExtraWrite]:
        return [
            ExtraWrite(
                {
                    "Put": {
                        "TableName": self.table_name,
                        "Item": to_item(
                            {
                                "pk": f"SHOPIFY_DELIVERY#{key}",
                                "sk": "DELIVERY",
                                "topic": topic,
                                "receivedAt": received_at,
                                "expiresAt": int(time.time()) + DELIVERY_RETENTION_SECONDS,
                            }
                        ),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                _duplicate("webhook delivery"),
            )
            for key in delivery_keys
        ]

    def new_order_write(self, order: dict[str, Any]) -> ExtraWrite:
        return ExtraWrite(
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": to_item({"pk": f"SHOPIFY_ORDER#{order['orderId']}", "sk": "ORDER", **order, "version": 1}),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            _duplicate("order"),
        )

    def order_update_write(self, order: dict[str, Any], changes: dict[str, Any]) -> ExtraWrite:
        """Change an order record we read, failing with StaleRead if anyone changed it since."""
        names = {f"#f{i}": name for i, name in enumerate(changes)}
        values = {f":v{i}": to_value(value) for i, value in enumerate(changes.values())}
        assignments = ", ".join(f"#f{i} = :v{i}" for i in range(len(changes)))
        return ExtraWrite(
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": _order_key(order["orderId"]),
                    "UpdateExpression": f"SET {assignments}, version = :next",
                    "ConditionExpression": "version = :version",
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": {
                        **values,
                        ":version": to_value(order["version"]),
                        ":next": to_value(order["version"] + 1),
                    },
                }
            },
            lambda: StaleRead("The order changed meanwhile", {"orderId": order["orderId"]}),
        )

    def new_refund_write(self, refund: dict[str, Any]) -> ExtraWrite:
        return ExtraWrite(
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": to_item({"pk": f"SHOPIFY_REFUND#{refund['refundId']}", "sk": "REFUND", **refund}),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            _duplicate("refund"),
        )

    def pending_credit_write(self, email: str, credit: dict[str, Any]) -> ExtraWrite:
        return ExtraWrite(
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": to_item({"pk": f"PENDING_CREDIT#{email}", "sk": f"ORDER#{credit['orderId']}", **credit}),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            _duplicate("pending credit"),
        )

    def resolve_pending_credit_write(self, email: str, order_id: str) -> ExtraWrite:
        """Remove a pending credit, only if it is still there (claimed and voided are exclusive)."""
        return ExtraWrite(
            {
                "Delete": {
                    "TableName": self.table_name,
                    "Key": {"pk": {"S": f"PENDING_CREDIT#{email}"}, "sk": {"S": f"ORDER#{order_id}"}},
                    "ConditionExpression": "attribute_exists(pk)",
                }
            },
            lambda: StaleRead("The pending credit was resolved meanwhile", {"orderId": order_id}),
        )

    def remember_deliveries(self, delivery_keys: list[str], topic: str, received_at: str) -> None:
        """Record deliveries whose effect was already made under another id (no condition needed)."""
        for write in self.delivery_writes(delivery_keys, topic, received_at):
            put = dict(write.operation["Put"])
            put.pop("ConditionExpression")
            aws.dynamodb().put_item(**put)

    def commit(self, writes: list[ExtraWrite]) -> None:
        """Commit writes that move no DOFs as one transaction, with the same failure mapping."""
        commit_writes(writes)
