"""Purchase records in the JIGA table, and committing the writes that settle them.

PURCHASE#<transactionId>  PURCHASE  buyer, package, price, checkout, status (pending, completed,
                                    expired, failed, cancelled); refunds; ``expiresAt`` (TTL) is
                                    30 days after the checkout expires, removed once it is paid
"""

from typing import Any

from botocore.exceptions import ClientError

from jiga_store.models.domain import StaleRead
from shared import aws
from shared.dynamo import cancellation_codes, from_item, to_item, to_value
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

    def paid_write(self, transaction_id: str, payment_intent: str | None, at: str) -> ExtraWrite:
        """Mark a Stripe purchase paid (whatever its status: a late payment still counts) and keep it."""
        expression = "SET #status = :completed, settledAt = :at, refundedDofs = :zero REMOVE expiresAt"
        values = {":completed": to_value("completed"), ":at": to_value(at), ":zero": to_value(0)}
        if payment_intent:
            expression = expression.replace(" REMOVE", ", paymentIntentId = :intent REMOVE")
            values[":intent"] = to_value(payment_intent)
        return self._update(transaction_id, expression, values, "attribute_exists(pk)")

    def status_write(self, transaction_id: str, status: str, at: str) -> ExtraWrite:
        """Close a purchase that is still pending (expired, failed)."""
        values = {":status": to_value(status), ":at": to_value(at), ":pending": to_value("pending")}
        return self._update(transaction_id, "SET #status = :status, settledAt = :at", values, "#status = :pending")

    def refund_write(self, purchase: dict[str, Any], refunded: int, clawed: int, written_off: int) -> ExtraWrite:
        """Add a refund to a paid purchase, failing with StaleRead if another refund landed since we read it."""
        values = {
            ":refunded": to_value(refunded),
            ":clawed": to_value(clawed),
            ":written": to_value(written_off),
            ":zero": to_value(0),
            ":before": to_value(purchase.get("refundedDofs", 0)),
        }
        expression = (
            "SET refundedDofs = refundedDofs + :refunded, "
            "clawedBackDofs = if_not_exists(clawedBackDofs, :zero) + :clawed, "
            "writtenOffDofs = if_not_exists(writtenOffDofs, :zero) + :written"
        )
        return self._update(purchase["transactionId"], expression, values, "refundedDofs = :before")

    def _update(self, transaction_id: str, expression: str, values: dict[str, Any], condition: str) -> ExtraWrite:
        update: dict[str, Any] = {
            "TableName": self.table_name,
            "Key": _key(transaction_id),
            "UpdateExpression": expression,
            "ConditionExpression": condition,
            "ExpressionAttributeValues": values,
        }
        if "#status" in expression or "#status" in condition:
            update["ExpressionAttributeNames"] = {"#status": "status"}
        return ExtraWrite(
            {"Update": update}, lambda: StaleRead("The purchase changed meanwhile", {"transactionId": transaction_id})
        )


def commit_writes(writes: list[ExtraWrite], what: str = "webhook") -> None:
    """Commit writes that move no DOFs as one transaction, mapping a failed condition to its error."""
    try:
        aws.dynamodb().transact_write_items(TransactItems=[write.operation for write in writes])
    except ClientError as error:
        if error.response["Error"]["Code"] != "TransactionCanceledException":
            raise
        for code, write in zip(cancellation_codes(error), writes, strict=False):
            if code == "ConditionalCheckFailed":
                raise write.on_condition_failure() from error
        raise StaleRead(f"A concurrent change interrupted this {what}; it will be retried") from error
