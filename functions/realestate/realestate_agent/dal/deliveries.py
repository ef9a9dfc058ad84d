"""Webhook deliveries: one record per event and agent webhook, with every attempt.

AGENT#<agent>  DLV#<deliveryId>  event, eventId, body (the exact bytes sent), url, status
                                 (pending | delivered | failed | cancelled), attempts [...],
                                 attemptCount, nextAttemptAt, createdAt, updatedAt, expiresAt (TTL, 30 days)
A delivery is written in the same transaction as the change that fires its event, then queued.
"""

import time
from typing import Any

from botocore.exceptions import ClientError

from shared import aws
from shared.dynamo import from_item, to_item, to_value

RETENTION_SECONDS = 30 * 24 * 3600


def _key(agent_id: str, delivery_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"AGENT#{agent_id}"}, "sk": {"S": f"DLV#{delivery_id}"}}


class DeliveryRepository:
    def __init__(self, table_name: str):
        self.table = table_name

    def put_item(self, delivery: dict[str, Any]) -> dict[str, Any]:
        item = {
            "pk": f"AGENT#{delivery['agentId']}",
            "sk": f"DLV#{delivery['id']}",
            **delivery,
            "expiresAt": int(time.time()) + RETENTION_SECONDS,
        }
        return {
            "Put": {"TableName": self.table, "Item": to_item(item), "ConditionExpression": "attribute_not_exists(pk)"}
        }

    def get(self, agent_id: str, delivery_id: str) -> dict[str, Any] | None:
        response = aws.dynamodb().get_item(TableName=self.table, Key=_key(agent_id, delivery_id), ConsistentRead=True)
        return _strip(from_item(response.get("Item")))

    def page(self, agent_id: str, page: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """Newest first, and how many the agent has."""
        condition = {
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :dlv)",
            "ExpressionAttributeValues": {":pk": to_value(f"AGENT#{agent_id}"), ":dlv": to_value("DLV#")},
        }
        total, start = 0, None
        while True:
            request: dict[str, Any] = {"TableName": self.table, **condition, "Select": "COUNT"}
            if start:
                request["ExclusiveStartKey"] = start
            response = aws.dynamodb().query(**request)
            total += response.get("Count", 0)
            start = response.get("LastEvaluatedKey")
            if not start:
                break
        wanted, items, start = page * limit, [], None
        while len(items) < wanted and (page - 1) * limit < total:
            request = {"TableName": self.table, **condition, "ScanIndexForward": False, "Limit": wanted - len(items)}
            if start:
                request["ExclusiveStartKey"] = start
            response = aws.dynamodb().query(**request)
            items += [_strip(from_item(raw)) for raw in response.get("Items", [])]
            start = response.get("LastEvaluatedKey")
            if not start:
                break
        return items[(page - 1) * limit : wanted], total

    def record_attempt(
        self, delivery: dict[str, Any], attempt: dict[str, Any], status: str, next_attempt_at: str | None
    ) -> None:
        values: dict[str, Any] = {
            ":attempt": to_value([attempt]),
            ":status": to_value(status),
            ":now": to_value(attempt["at"]),
            ":count": to_value(attempt["attempt"]),
        }
        expression = (
            "SET attempts = list_append(if_not_exists(attempts, :empty), :attempt), #status = :status, "
            "updatedAt = :now, attemptCount = :count"
        )
        values[":empty"] = to_value([])
        if next_attempt_at:
            expression += ", nextAttemptAt = :next"
            values[":next"] = to_value(next_attempt_at)
        else:
            expression += " REMOVE nextAttemptAt"
        aws.dynamodb().update_item(
            TableName=self.table,
            Key=_key(delivery["agentId"], delivery["id"]),
            UpdateExpression=expression,
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=values,
        )

    def mark(
        self, delivery: dict[str, Any], status: str, now: str, only_from: tuple[str, ...], stuck_before: str
    ) -> bool:
        """Move to ``status`` from one of ``only_from``, or from a pending delivery that has had no
        scheduled attempt since ``stuck_before`` (it was never queued)."""
        allowed = " OR ".join(f"#status = :from{i}" for i in range(len(only_from)))
        allowed += " OR (#status = :pending AND attribute_not_exists(nextAttemptAt) AND updatedAt < :stuck)"
        try:
            aws.dynamodb().update_item(
                TableName=self.table,
                Key=_key(delivery["agentId"], delivery["id"]),
                UpdateExpression=(
                    "SET #status = :status, updatedAt = :now, "
                    "redeliveries = if_not_exists(redeliveries, :zero) + :one REMOVE nextAttemptAt"
                ),
                ConditionExpression=f"attribute_exists(pk) AND ({allowed})",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":status": to_value(status),
                    ":now": to_value(now),
                    ":zero": to_value(0),
                    ":one": to_value(1),
                    ":pending": to_value("pending"),
                    ":stuck": to_value(stuck_before),
                    **{f":from{i}": to_value(s) for i, s in enumerate(only_from)},
                },
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True


def _strip(item: dict[str, Any] | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {k: v for k, v in item.items() if k not in ("pk", "sk", "expiresAt")}
