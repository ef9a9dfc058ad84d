"""Conversations and their messages.

CONV#<id>  CONV              organizationId, agentId, userId, source, status, metadata, messageCount,
                             startedAt, updatedAt, endedAt, endReason, endMetadata, leadId, bantSuggestion
CONV#<id>  MSG#<messageId>   content, sender, messageType, metadata, createdAt (ids sort by time)
CONV#<id>  CLIENT#<hash>     the messages a send with this clientId and body created (24 h)
IDX#<org>#conversations...   the list views (dal/listing.py): by agentId, status, source
An id of another organisation is answered as missing by the logic (the item names its organisation).
"""

import time
from typing import Any

from botocore.exceptions import ClientError

from realestate_agent.dal.agents import agent_key
from realestate_agent.dal.listing import ListView, batch_get
from shared import aws
from shared.dynamo import cancellation_codes, from_item, to_item, to_value
from shared.errors import Conflict

CONVERSATIONS = ListView("conversations", ("agentId", "status", "source"), {"S": lambda c: c["startedAt"]})
CLIENT_RECORD_SECONDS = 24 * 3600


class ConversationChanged(Exception):
    """The conversation is not active any more (it ended while the request ran)."""


class ClientReplay(Exception):
    """A send with this clientId and body was already stored; ``message_ids`` are its messages."""

    def __init__(self, message_ids: list[str]):
        super().__init__("replayed send")
        self.message_ids = message_ids


def _key(conversation_id: str, sk: str = "CONV") -> dict[str, Any]:
    return {"pk": {"S": f"CONV#{conversation_id}"}, "sk": {"S": sk}}


class ConversationRepository:
    def __init__(self, table_name: str):
        self.table = table_name

    def get(self, conversation_id: str, consistent: bool = False) -> dict[str, Any] | None:
        response = aws.dynamodb().get_item(TableName=self.table, Key=_key(conversation_id), ConsistentRead=consistent)
        return _strip(from_item(response.get("Item")))

    def start(self, conversation: dict[str, Any], extra: list[dict[str, Any]]) -> None:
        """The conversation, its list entries, the agent's count (the agent must be able to talk)
        and any ``extra`` writes (a webhook delivery), in one transaction."""
        item = {"pk": f"CONV#{conversation['id']}", "sk": "CONV", **conversation}
        items = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(item),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {
                "Update": {
                    "TableName": self.table,
                    "Key": agent_key(conversation["organizationId"], conversation["agentId"]),
                    "UpdateExpression": "ADD conversationCount :one",
                    "ConditionExpression": "#status IN (:active, :creating)",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {
                        ":one": to_value(1),
                        ":active": to_value("active"),
                        ":creating": to_value("creating"),
                    },
                }
            },
            *CONVERSATIONS.writes(self.table, conversation["organizationId"], None, conversation),
            *extra,
        ]
        try:
            aws.dynamodb().transact_write_items(TransactItems=items)
        except ClientError as error:
            if "ConditionalCheckFailed" in cancellation_codes(error):
                raise Conflict(
                    "The agent cannot start conversations now", {"field": "agentId", "value": conversation["agentId"]}
                ) from error
            raise

    def append(
        self,
        conversation: dict[str, Any],
        messages: list[dict[str, Any]],
        client_key: str | None,
        suggestion: dict[str, Any] | None,
        now: str,
    ) -> None:
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item({"pk": f"CONV#{conversation['id']}", "sk": f"MSG#{message['id']}", **message}),
                }
            }
            for message in messages
        ]
        expression = "SET updatedAt = :now, lastMessageAt = :now ADD messageCount :n"
        values: dict[str, Any] = {":now": to_value(now), ":n": to_value(len(messages)), ":active": to_value("active")}
        if suggestion is not None:
            expression = "SET updatedAt = :now, lastMessageAt = :now, bantSuggestion = :suggestion ADD messageCount :n"
            values[":suggestion"] = to_value(suggestion)
        items.append(
            {
                "Update": {
                    "TableName": self.table,
                    "Key": _key(conversation["id"]),
                    "UpdateExpression": expression,
                    "ConditionExpression": "#status = :active",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": values,
                }
            }
        )
        if client_key is not None:
            record = {
                "pk": f"CONV#{conversation['id']}",
                "sk": f"CLIENT#{client_key}",
                "messageIds": [message["id"] for message in messages],
                "createdAt": now,
                "expiresAt": int(time.time()) + CLIENT_RECORD_SECONDS,
            }
            items.append(
                {
                    "Put": {
                        "TableName": self.table,
                        "Item": to_item(record),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                }
            )
        try:
            aws.dynamodb().transact_write_items(TransactItems=items)
        except ClientError as error:
            codes = cancellation_codes(error)
            if client_key is not None and codes and codes[-1] == "ConditionalCheckFailed":
                previous = self.client_record(conversation["id"], client_key)
                if previous is not None:
                    raise ClientReplay(previous["messageIds"]) from error
            if "ConditionalCheckFailed" in codes:
                raise ConversationChanged from error
            raise

    def client_record(self, conversation_id: str, client_key: str) -> dict[str, Any] | None:
        key = _key(conversation_id, f"CLIENT#{client_key}")
        item = from_item(aws.dynamodb().get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item"))
        if item is None or item.get("expiresAt", 0) < time.time():
            return None
        return item

    def messages_by_id(self, conversation_id: str, message_ids: list[str]) -> list[dict[str, Any]]:
        found = batch_get(self.table, [(f"CONV#{conversation_id}", f"MSG#{mid}") for mid in message_ids])
        return [
            _strip(found[key]) for mid in message_ids if (key := (f"CONV#{conversation_id}", f"MSG#{mid}")) in found
        ]

    def messages_after(self, conversation_id: str, after: str, limit: int, descending: bool = False) -> list[dict]:
        """Messages whose sort key is past ``after`` (a message id, or a prefix of one), oldest first."""
        response = aws.dynamodb().query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND sk BETWEEN :from AND :to",
            ExpressionAttributeValues={
                ":pk": to_value(f"CONV#{conversation_id}"),
                ":from": to_value(f"MSG#{after}\x00" if after else "MSG#"),
                ":to": to_value("MSG#~"),
            },
            Limit=limit,
            ScanIndexForward=not descending,
        )
        return [_strip(from_item(raw)) for raw in response.get("Items", [])]

    def message_page(self, conversation_id: str, after: str, page: int, limit: int) -> list[dict[str, Any]]:
        wanted, items, start = page * limit, [], None
        while len(items) < wanted:
            request: dict[str, Any] = {
                "TableName": self.table,
                "KeyConditionExpression": "pk = :pk AND sk BETWEEN :from AND :to",
                "ExpressionAttributeValues": {
                    ":pk": to_value(f"CONV#{conversation_id}"),
                    ":from": to_value(f"MSG#{after}"),
                    ":to": to_value("MSG#~"),
                },
                "Limit": wanted - len(items),
            }
            if start:
                request["ExclusiveStartKey"] = start
            response = aws.dynamodb().query(**request)
            items += [_strip(from_item(raw)) for raw in response.get("Items", [])]
            start = response.get("LastEvaluatedKey")
            if not start:
                break
        return items[(page - 1) * limit : wanted]

    def count_messages(self, conversation_id: str, after: str) -> int:
        total, start = 0, None
        while True:
            request: dict[str, Any] = {
                "TableName": self.table,
                "KeyConditionExpression": "pk = :pk AND sk BETWEEN :from AND :to",
                "ExpressionAttributeValues": {
                    ":pk": to_value(f"CONV#{conversation_id}"),
                    ":from": to_value(f"MSG#{after}"),
                    ":to": to_value("MSG#~"),
                },
                "Select": "COUNT",
            }
            if start:
                request["ExclusiveStartKey"] = start
            response = aws.dynamodb().query(**request)
            total += response.get("Count", 0)
            start = response.get("LastEvaluatedKey")
            if not start:
                return total

    def end(self, conversation: dict[str, Any], ended: dict[str, Any], extra: list[dict[str, Any]]) -> bool:
        """active -> ended with its list entries moved; False if it had already ended."""
        changes = {k: ended[k] for k in ("status", "endedAt", "endReason", "endMetadata", "updatedAt")}
        names = {f"#e{i}": name for i, name in enumerate(changes)}
        values = {f":e{i}": to_value(value) for i, value in enumerate(changes.values())}
        items = [
            {
                "Update": {
                    "TableName": self.table,
                    "Key": _key(conversation["id"]),
                    "UpdateExpression": "SET " + ", ".join(f"{n} = {v}" for n, v in zip(names, values, strict=True)),
                    "ConditionExpression": "#status = :active",
                    "ExpressionAttributeNames": {**names, "#status": "status"},
                    "ExpressionAttributeValues": {**values, ":active": to_value("active")},
                }
            },
            *CONVERSATIONS.writes(self.table, conversation["organizationId"], conversation, ended),
            *extra,
        ]
        try:
            aws.dynamodb().transact_write_items(TransactItems=items)
        except ClientError as error:
            if cancellation_codes(error)[:1] == ["ConditionalCheckFailed"]:
                return False
            raise
        return True

    def link_lead_write(self, conversation: dict[str, Any], lead_id: str) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self.table,
                "Key": _key(conversation["id"]),
                "UpdateExpression": "SET leadId = :lead",
                "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(leadId)",
                "ExpressionAttributeValues": {":lead": to_value(lead_id)},
            }
        }

    def page(
        self, organization_id: str, filters: dict[str, str], descending: bool, page: int, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        ids, total = CONVERSATIONS.page(self.table, organization_id, filters, "S", descending, page, limit)
        found = batch_get(self.table, [(f"CONV#{cid}", "CONV") for cid in ids])
        return [_strip(found[(f"CONV#{cid}", "CONV")]) for cid in ids if (f"CONV#{cid}", "CONV") in found], total

    def of_agent(self, organization_id: str, agent_id: str, limit: int) -> list[dict[str, Any]]:
        ids, _ = CONVERSATIONS.page(self.table, organization_id, {"agentId": agent_id}, "S", False, 1, limit)
        found = batch_get(self.table, [(f"CONV#{cid}", "CONV") for cid in ids])
        return [_strip(item) for item in found.values()]

    def delete(self, conversation: dict[str, Any], extra: list[dict[str, Any]]) -> None:
        """Messages and client records first (in batches), then the conversation and its list entries."""
        client = aws.dynamodb()
        for prefix in ("CLIENT#", "MSG#"):
            while True:
                response = client.query(
                    TableName=self.table,
                    KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
                    ExpressionAttributeValues={
                        ":pk": to_value(f"CONV#{conversation['id']}"),
                        ":prefix": to_value(prefix),
                    },
                    ProjectionExpression="pk, sk",
                    Limit=25,
                )
                keys = response.get("Items", [])
                if not keys:
                    break
                pending: dict[str, Any] = {self.table: [{"DeleteRequest": {"Key": key}} for key in keys]}
                while pending:
                    pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
        client.transact_write_items(
            TransactItems=[
                {"Delete": {"TableName": self.table, "Key": _key(conversation["id"])}},
                *CONVERSATIONS.writes(self.table, conversation["organizationId"], conversation, None),
                *extra,
            ]
        )


def _strip(item: dict[str, Any] | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {k: v for k, v in item.items() if k not in ("pk", "sk")}
