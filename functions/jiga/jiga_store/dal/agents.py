"""Agents and listings in the JIGA table (the only module here that talks to DynamoDB).

AGENT#<id>                     AGENT    the agent; gsi1: OWNER#<owner> / AGENT#<createdAt>
AGENTNAME#<owner>#<lower name>  NAME     claims a name per owner (409 on a duplicate)
LISTING#<id>                   LISTING  the marketplace listing (and its stats counters)
LISTING#<id>                   CATALOGUE its search projection (dal/catalogue.py), written with it
"""

import time
from collections.abc import Iterable
from typing import Any

from botocore.exceptions import ClientError

from jiga_store.dal.catalogue import (
    CATALOGUE_SK,
    STAT_FIELDS,
    catalogue_item,
    change_marker,
    listing_key,
    projection_write,
    set_expression,
    transact_catalogue_write,
)
from shared import aws
from shared.dynamo import cancellation_codes, from_item, to_item, to_value
from shared.errors import Conflict
from shared.ledger import ExtraWrite


def _agent_key(agent_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"AGENT#{agent_id}"}, "sk": {"S": "AGENT"}}


class AgentRepository:
    def __init__(self, table_name: str):
        self.table_name = table_name

    def get(self, agent_id: str) -> dict[str, Any] | None:
        response = aws.dynamodb().get_item(TableName=self.table_name, Key=_agent_key(agent_id))
        return from_item(response.get("Item"))

    def new_agent_writes(self, agent: dict[str, Any]) -> list[ExtraWrite]:
        """The writes that create an agent, to commit inside the ledger's transaction."""
        name_claim = {
            "pk": f"AGENTNAME#{agent['ownerId']}#{agent['name'].lower()}",
            "sk": "NAME",
            "agentId": agent["agentId"],
        }
        item = {
            "pk": f"AGENT#{agent['agentId']}",
            "sk": "AGENT",
            "gsi1pk": f"OWNER#{agent['ownerId']}",
            "gsi1sk": f"AGENT#{agent['createdAt']}",
            **agent,
        }
        duplicate = lambda: Conflict(  # noqa: E731 - a factory the ledger calls on failure
            "You already have an agent with this name", {"name": agent["name"]}, code="AGENT_NAME_EXISTS"
        )
        return [
            ExtraWrite(
                {
                    "Put": {
                        "TableName": self.table_name,
                        "Item": to_item(name_claim),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                duplicate,
            ),
            ExtraWrite(
                {
                    "Put": {
                        "TableName": self.table_name,
                        "Item": to_item(item),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                duplicate,
            ),
        ]

    def save_configuration(self, agent: dict[str, Any], configuration: dict[str, Any], updated_at: str) -> None:
        self._update_versioned(
            agent,
            "SET configuration = :configuration, updatedAt = :now",
            {":configuration": to_value(configuration), ":now": to_value(updated_at)},
        )

    def count_published(self, owner_id: str) -> int:
        response = aws.dynamodb().query(
            TableName=self.table_name,
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :owner",
            FilterExpression="marketplaceStatus.isPublished = :yes",
            ExpressionAttributeValues={":owner": {"S": f"OWNER#{owner_id}"}, ":yes": {"BOOL": True}},
            Select="COUNT",
        )
        return int(response.get("Count", 0))

    def publish(self, agent: dict[str, Any], listing: dict[str, Any]) -> None:
        """Write the listing, its search projection and the agent's status in one transaction.

        The listing is updated field by field, not replaced, so republishing keeps its stats.
        """
        status = {"isPublished": True, "isHirable": listing["status"] == "active", "listingId": listing["listingId"]}
        expression, names, values = set_expression(listing)
        try:
            transact_catalogue_write(
                [
                    {
                        "Update": {
                            "TableName": self.table_name,
                            "Key": listing_key(listing["listingId"], "LISTING"),
                            "UpdateExpression": expression,
                            "ExpressionAttributeNames": names,
                            "ExpressionAttributeValues": values,
                        }
                    },
                    projection_write(self.table_name, agent, listing),
                    change_marker(self.table_name, listing["listingId"], listing["publishedAt"]),
                    {
                        "Update": self._versioned_update(
                            agent,
                            "SET marketplaceStatus = :status, updatedAt = :now",
                            {":status": to_value(status), ":now": to_value(listing["publishedAt"])},
                        )
                    },
                ]
            )
        except ClientError as error:
            if "ConditionalCheckFailed" in cancellation_codes(error):
                raise self._concurrent_change(agent) from error
            raise

    def record_completed_hire(self, agent_id: str, thresholds: dict[int, str]) -> list[str]:
        """Count a completed hire; returns achievements this hire earned (each awarded once)."""
        client = aws.dynamodb()
        response = client.update_item(
            TableName=self.table_name,
            Key=_agent_key(agent_id),
            UpdateExpression="ADD completedHires :one",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":one": to_value(1)},
            ReturnValues="UPDATED_NEW",
        )
        count = int(response["Attributes"]["completedHires"]["N"])
        earned = []
        for threshold, achievement in sorted(thresholds.items()):
            if count < threshold:
                continue
            try:
                client.update_item(
                    TableName=self.table_name,
                    Key=_agent_key(agent_id),
                    UpdateExpression="SET achievements = list_append(if_not_exists(achievements, :empty), :new)",
                    ConditionExpression="NOT contains(achievements, :name)",
                    ExpressionAttributeValues={
                        ":empty": to_value([]),
                        ":new": to_value([achievement]),
                        ":name": to_value(achievement),
                    },
                )
                earned.append(achievement)
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
        return earned

    def bulk_load_published(self, published: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> int:
        """Seed agents with their listings and projections, 25 items per request.

        For benchmarks and backfills only: no conditions, no creation charge, no owner limits.
        Stats counters found on a listing (``totalHires``...) are copied to its projection.
        """
        count = 0
        batch: list[dict[str, Any]] = []
        for agent, listing in published:
            listing_id = listing["listingId"]
            status = {"isPublished": True, "isHirable": listing["status"] == "active", "listingId": listing_id}
            batch += [
                {"pk": f"AGENT#{agent['agentId']}", "sk": "AGENT", **agent, "marketplaceStatus": status},
                {"pk": f"LISTING#{listing_id}", "sk": "LISTING", **listing},
                {
                    "pk": f"LISTING#{listing_id}",
                    "sk": CATALOGUE_SK,
                    **catalogue_item(agent, listing),
                    **{stat: listing[stat] for stat in STAT_FIELDS if stat in listing},
                },
            ]
            count += 1
            while len(batch) >= 25:
                self._write_batch(batch[:25])
                batch = batch[25:]
        if batch:
            self._write_batch(batch)
        return count

    def _write_batch(self, items: list[dict[str, Any]]) -> None:
        pending = {self.table_name: [{"PutRequest": {"Item": to_item(item)}} for item in items]}
        for attempt in range(8):
            pending = aws.dynamodb().batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            if not pending:
                return
            time.sleep(0.05 * 2**attempt)
        raise RuntimeError(f"DynamoDB left {len(pending[self.table_name])} items unprocessed")

    def _versioned_update(self, agent: dict[str, Any], expression: str, values: dict[str, Any]) -> dict[str, Any]:
        return {
            "TableName": self.table_name,
            "Key": _agent_key(agent["agentId"]),
            "UpdateExpression": f"{expression}, version = :next",
            "ConditionExpression": "version = :version AND ownerId = :owner",
            "ExpressionAttributeValues": {
                **values,
                ":next": to_value(agent["version"] + 1),
                ":version": to_value(agent["version"]),
                ":owner": to_value(agent["ownerId"]),
            },
        }

    def _update_versioned(self, agent: dict[str, Any], expression: str, values: dict[str, Any]) -> None:
        try:
            aws.dynamodb().update_item(**self._versioned_update(agent, expression, values))
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise self._concurrent_change(agent) from error
            raise

    @staticmethod
    def _concurrent_change(agent: dict[str, Any]) -> Conflict:
        return Conflict(
            "The agent was changed by another request; fetch it and retry",
            {"agentId": agent["agentId"]},
            code="CONCURRENT_MODIFICATION",
        )
