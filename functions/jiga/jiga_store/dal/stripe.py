"""Stripe event records and payment lookups in the JIGA table.

STRIPE_EVENT#<evt_id>     EVENT     a processed event (its type and outcome); ``expiresAt`` (TTL) 30 days
STRIPE_PAYMENT#<pi_id>    PAYMENT   which purchase a PaymentIntent paid (for its refunds)
"""

import time
from typing import Any

from jiga_store.dal.purchases import commit_writes
from jiga_store.logic.stripe import StripeEvent
from jiga_store.models.domain import DuplicateDelivery
from shared import aws
from shared.dynamo import to_item
from shared.ledger import ExtraWrite

EVENT_RETENTION_SECONDS = 30 * 24 * 3600  # Stripe retries an event for up to 3 days


def _event_key(event_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"STRIPE_EVENT#{event_id}"}, "sk": {"S": "EVENT"}}


def _payment_key(payment_intent: str) -> dict[str, Any]:
    return {"pk": {"S": f"STRIPE_PAYMENT#{payment_intent}"}, "sk": {"S": "PAYMENT"}}


class StripeRepository:
    def __init__(self, table_name: str):
        self.table_name = table_name

    def seen(self, event_id: str) -> bool:
        response = aws.dynamodb().get_item(
            TableName=self.table_name, Key=_event_key(event_id), ConsistentRead=True, ProjectionExpression="pk"
        )
        return "Item" in response

    def _event_put(self, event: StripeEvent, outcome: str, at: str) -> dict[str, Any]:
        item = {
            "pk": f"STRIPE_EVENT#{event.event_id}",
            "sk": "EVENT",
            "type": event.type,
            "outcome": outcome,
            "receivedAt": at,
            "expiresAt": int(time.time()) + EVENT_RETENTION_SECONDS,
        }
        return {"TableName": self.table_name, "Item": to_item(item)}

    def event_write(self, event: StripeEvent, outcome: str, at: str) -> ExtraWrite:
        put = {**self._event_put(event, outcome, at), "ConditionExpression": "attribute_not_exists(pk)"}
        return ExtraWrite({"Put": put}, lambda: DuplicateDelivery("This Stripe event was already processed"))

    def remember_event(self, event: StripeEvent, outcome: str, at: str) -> None:
        """Record an event whose effect was already made by another (no condition needed)."""
        aws.dynamodb().put_item(**self._event_put(event, outcome, at))

    def payment_lookup_write(self, payment_intent: str, transaction_id: str) -> ExtraWrite:
        item = {"pk": f"STRIPE_PAYMENT#{payment_intent}", "sk": "PAYMENT", "transactionId": transaction_id}
        return ExtraWrite(
            {"Put": {"TableName": self.table_name, "Item": to_item(item)}},
            lambda: DuplicateDelivery("This payment was already recorded"),
        )

    def purchase_of_payment(self, payment_intent: str) -> str | None:
        response = aws.dynamodb().get_item(TableName=self.table_name, Key=_payment_key(payment_intent))
        item = response.get("Item")
        return item["transactionId"]["S"] if item else None

    def commit(self, writes: list[ExtraWrite]) -> None:
        commit_writes(writes)
