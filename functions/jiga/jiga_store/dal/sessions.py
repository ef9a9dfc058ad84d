"""Sessions (owned, hired, trial), agent bookings and trial claims in the JIGA table.

SESSION#<id>          SESSION   the session; a hired one is also the contract.
                                gsi1: USER#<user> / SESSION#<createdAt>
AGENTBOOKING#<agent>  BOOKING   the agent's one outstanding contract (409 while it runs)
TRIAL#<user>#<agent>  TRIAL     a user's one trial of an agent
LISTING#<id>          LISTING   read here to price a hire (written by the agents module)
"""

import time
from typing import Any

from botocore.exceptions import ClientError

from shared import aws
from shared.dynamo import from_item, to_item, to_value
from shared.errors import Conflict
from shared.ledger import ExtraWrite

ACTIVE, ENDED, SETTLED, REFUNDED = "active", "ended", "settled", "refunded"


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


class SessionRepository:
    def __init__(self, table_name: str):
        self.table_name = table_name

    def get_listing(self, listing_id: str) -> dict[str, Any] | None:
        item = aws.dynamodb().get_item(TableName=self.table_name, Key=_key(f"LISTING#{listing_id}", "LISTING"))
        return from_item(item.get("Item"))

    def get(self, session_id: str) -> dict[str, Any] | None:
        item = aws.dynamodb().get_item(
            TableName=self.table_name, Key=_key(f"SESSION#{session_id}", "SESSION"), ConsistentRead=True
        )
        return from_item(item.get("Item"))

    # -- writes that commit inside the escrow transaction ----------------------------------

    def new_session_writes(self, session: dict[str, Any]) -> list[ExtraWrite]:
        item = {
            "pk": f"SESSION#{session['sessionId']}",
            "sk": "SESSION",
            "gsi1pk": f"USER#{session['userId']}",
            "gsi1sk": f"SESSION#{session['createdAt']}",
            **session,
        }
        return [
            ExtraWrite(
                {
                    "Put": {
                        "TableName": self.table_name,
                        "Item": to_item(item),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                lambda: Conflict("Session already exists", code="SESSION_EXISTS"),
            )
        ]

    def booking_write(self, agent_id: str, session_id: str, ends_at_epoch: int) -> ExtraWrite:
        return ExtraWrite(
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": to_item(
                        {
                            "pk": f"AGENTBOOKING#{agent_id}",
                            "sk": "BOOKING",
                            "sessionId": session_id,
                            "endsAt": ends_at_epoch,
                        }
                    ),
                    "ConditionExpression": "attribute_not_exists(pk) OR endsAt < :now",
                    "ExpressionAttributeValues": {":now": to_value(int(time.time()))},
                }
            },
            lambda: Conflict(
                "The agent already has a contract running or booked", {"agentId": agent_id}, code="SCHEDULING_CONFLICT"
            ),
        )

    def trial_claim_write(self, user_id: str, agent_id: str, session_id: str) -> ExtraWrite:
        return ExtraWrite(
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": to_item({"pk": f"TRIAL#{user_id}#{agent_id}", "sk": "TRIAL", "sessionId": session_id}),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            lambda: Conflict("You have already tried this agent", {"agentId": agent_id}, code="TRIAL_ALREADY_USED"),
        )

    def settlement_writes(
        self, session: dict[str, Any], final_status: str, settlement: dict[str, Any]
    ) -> list[ExtraWrite]:
        """Mark the session settled and free the agent's booking, with the settling transaction."""
        writes = [
            ExtraWrite(
                {
                    "Update": {
                        "TableName": self.table_name,
                        "Key": _key(f"SESSION#{session['sessionId']}", "SESSION"),
                        "UpdateExpression": "SET #status = :final, settlement = :settlement, taskToken = :none",
                        "ConditionExpression": "#status IN (:active, :ended)",
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": {
                            ":final": to_value(final_status),
                            ":settlement": to_value(settlement),
                            ":none": to_value(""),
                            ":active": to_value(ACTIVE),
                            ":ended": to_value(ENDED),
                        },
                    }
                },
                lambda: Conflict("Session was already settled", code="ALREADY_SETTLED"),
            )
        ]
        if session["type"] == "hired":
            writes.append(
                ExtraWrite(
                    {
                        "Delete": {
                            "TableName": self.table_name,
                            "Key": _key(f"AGENTBOOKING#{session['agentId']}", "BOOKING"),
                            "ConditionExpression": "attribute_not_exists(pk) OR sessionId = :session",
                            "ExpressionAttributeValues": {":session": to_value(session["sessionId"])},
                        }
                    },
                    lambda: Conflict("Booking belongs to another session", code="BOOKING_MISMATCH"),
                )
            )
        return writes

    # -- lifecycle updates -----------------------------------------------------------------

    def set_task_token(self, session_id: str, token: str) -> dict[str, Any]:
        """Store the lifecycle's callback token; returns the session as it now stands."""
        response = aws.dynamodb().update_item(
            TableName=self.table_name,
            Key=_key(f"SESSION#{session_id}", "SESSION"),
            UpdateExpression="SET taskToken = :token",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":token": to_value(token)},
            ReturnValues="ALL_NEW",
        )
        return from_item(response["Attributes"])

    def meter(self, session_id: str, charge: int, allocated: int, now_iso: str) -> tuple[int, bool]:
        """Add ``charge`` to consumption without passing the allocation; returns (consumed, exhausted).

        The condition makes two racing charges safe: the loser retries with what is left.
        """
        client = aws.dynamodb()
        for _ in range(3):
            try:
                response = client.update_item(
                    TableName=self.table_name,
                    Key=_key(f"SESSION#{session_id}", "SESSION"),
                    UpdateExpression="ADD #consumed :charge SET lastActivityAt = :now",
                    ConditionExpression="#status = :active AND #consumed <= :ceiling",
                    ExpressionAttributeNames={"#status": "status", "#consumed": "consumed"},
                    ExpressionAttributeValues={
                        ":charge": to_value(charge),
                        ":now": to_value(now_iso),
                        ":active": to_value(ACTIVE),
                        ":ceiling": to_value(allocated - charge),
                    },
                    ReturnValues="UPDATED_NEW",
                )
                consumed = int(response["Attributes"]["consumed"]["N"])
                return consumed, consumed >= allocated
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
                current = self.get(session_id)
                if current is None or current["status"] != ACTIVE:
                    return (current or {}).get("consumed", 0), True
                charge = allocated - current["consumed"]
                if charge <= 0:
                    return current["consumed"], True
        return allocated, True

    def end(self, session_id: str, reason: str, now_iso: str) -> dict[str, Any] | None:
        """Mark an active session ended; returns it, or None if it had already ended."""
        try:
            response = aws.dynamodb().update_item(
                TableName=self.table_name,
                Key=_key(f"SESSION#{session_id}", "SESSION"),
                UpdateExpression="SET #status = :ended, endedReason = :reason, endedAt = :now",
                ConditionExpression="#status = :active",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":ended": to_value(ENDED),
                    ":reason": to_value(reason),
                    ":now": to_value(now_iso),
                    ":active": to_value(ACTIVE),
                },
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return None
            raise
        return from_item(response["Attributes"])

    def update_configuration(self, session_id: str, configuration: dict[str, Any]) -> None:
        aws.dynamodb().update_item(
            TableName=self.table_name,
            Key=_key(f"SESSION#{session_id}", "SESSION"),
            UpdateExpression="SET configuration = :configuration",
            ExpressionAttributeValues={":configuration": to_value(configuration)},
        )
