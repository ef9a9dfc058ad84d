"""Agents in the Real Estate table (one partition per organisation, so a foreign id is simply absent).

ORG#<org>  AGENT#<id>  name, nameLower, description, status, statusReason, settings, webhook
                       {url, events, secretCiphertext, secretHint}, documentCount,
                       pendingDocuments, conversationCount, knowledge {docId: {name, passages,
                       version}}, createdAt, updatedAt, version
An agent being deleted keeps its item (status ``deleting``) until the cleanup has removed
everything else of it; every read treats it as absent.
"""

from typing import Any

from botocore.exceptions import ClientError

from shared import aws
from shared.dynamo import from_item, to_item, to_value
from shared.errors import Conflict, utc_now_iso


def agent_key(organization_id: str, agent_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"ORG#{organization_id}"}, "sk": {"S": f"AGENT#{agent_id}"}}


class AgentRepository:
    def __init__(self, table_name: str):
        self.table = table_name

    def get(self, organization_id: str, agent_id: str, consistent: bool = False) -> dict[str, Any] | None:
        response = aws.dynamodb().get_item(
            TableName=self.table, Key=agent_key(organization_id, agent_id), ConsistentRead=consistent
        )
        return _strip(from_item(response.get("Item")))

    def create(self, agent: dict[str, Any]) -> None:
        item = {"pk": f"ORG#{agent['organizationId']}", "sk": f"AGENT#{agent['id']}", **agent}
        aws.dynamodb().put_item(
            TableName=self.table, Item=to_item(item), ConditionExpression="attribute_not_exists(pk)"
        )

    def list(self, organization_id: str) -> list[dict[str, Any]]:
        items, start = [], None
        while True:
            request: dict[str, Any] = {
                "TableName": self.table,
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
                "ExpressionAttributeValues": {":pk": to_value(f"ORG#{organization_id}"), ":prefix": to_value("AGENT#")},
            }
            if start:
                request["ExclusiveStartKey"] = start
            response = aws.dynamodb().query(**request)
            items += [_strip(from_item(raw)) for raw in response.get("Items", [])]
            start = response.get("LastEvaluatedKey")
            if not start:
                return items

    def replace(self, agent: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
        """Write changed top-level attributes if nobody edited the agent since it was read (the
        ``version`` counts edits; the workers' status and knowledge changes do not count, so an
        edit never fails because a document finished; a status edit also needs the status read)."""
        names = {f"#a{i}": name for i, name in enumerate(changes)}
        values = {f":a{i}": to_value(value) for i, value in enumerate(changes.values())}
        removals = [f"#a{i}" for i, value in enumerate(changes.values()) if value is None]
        sets = [f"#a{i} = :a{i}" for i, value in enumerate(changes.values()) if value is not None]
        values = {k: v for k, v in values.items() if f"#{k[1:]}" not in removals}
        expression = "SET " + ", ".join([*sets, "version = :next"])
        if removals:
            expression += " REMOVE " + ", ".join(removals)
        condition = "version = :version AND #status <> :deleting"
        if "status" in changes:
            condition += " AND #status = :read"
            values[":read"] = to_value(agent["status"])
        try:
            response = aws.dynamodb().update_item(
                TableName=self.table,
                Key=agent_key(agent["organizationId"], agent["id"]),
                UpdateExpression=expression,
                ConditionExpression=condition,
                ExpressionAttributeNames={**names, "#status": "status"},
                ExpressionAttributeValues={
                    **values,
                    ":next": to_value(agent["version"] + 1),
                    ":version": to_value(agent["version"]),
                    ":deleting": to_value("deleting"),
                },
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise Conflict(
                    "The agent was changed by another request; fetch it and retry",
                    {"field": "agentId", "value": agent["id"]},
                ) from error
            raise
        return _strip(from_item(response["Attributes"]))

    def set_status(
        self, organization_id: str, agent_id: str, status: str, reason: str | None, only_from: tuple[str, ...]
    ) -> bool:
        """Move the agent to ``status`` if it is in one of ``only_from``; False when it was not."""
        values = {":status": to_value(status), **{f":from{i}": to_value(s) for i, s in enumerate(only_from)}}
        allowed = " OR ".join(f"#status = :from{i}" for i in range(len(only_from)))
        values[":now"] = to_value(_now())
        if reason is not None:
            expression = "SET #status = :status, updatedAt = :now, statusReason = :reason"
            values[":reason"] = to_value(reason)
        else:
            expression = "SET #status = :status, updatedAt = :now REMOVE statusReason"
        try:
            aws.dynamodb().update_item(
                TableName=self.table,
                Key=agent_key(organization_id, agent_id),
                UpdateExpression=expression,
                ConditionExpression=f"attribute_exists(pk) AND ({allowed})",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def activate_if_ready(self, organization_id: str, agent_id: str) -> bool:
        """creating -> active once no uploaded document is still being processed."""
        try:
            aws.dynamodb().update_item(
                TableName=self.table,
                Key=agent_key(organization_id, agent_id),
                UpdateExpression="SET #status = :active, updatedAt = :now, provisioned = :yes",
                ConditionExpression=(
                    "#status = :creating AND (attribute_not_exists(pendingDocuments) OR pendingDocuments <= :zero)"
                ),
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":active": to_value("active"),
                    ":creating": to_value("creating"),
                    ":zero": to_value(0),
                    ":yes": to_value(True),
                    ":now": to_value(_now()),
                },
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def delete_item(self, organization_id: str, agent_id: str) -> None:
        aws.dynamodb().delete_item(TableName=self.table, Key=agent_key(organization_id, agent_id))


def _now() -> str:
    return utc_now_iso()


def _strip(item: dict[str, Any] | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {k: v for k, v in item.items() if k not in ("pk", "sk")}
