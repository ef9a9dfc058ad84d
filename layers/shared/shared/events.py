"""The per-user event log behind server-sent-event streams (and any later replay).

API Gateway HTTP APIs buffer responses, so a stream is served as a finite batch: the events
after ``Last-Event-ID`` with a ``retry:`` hint, and EventSource reconnects for more. Events are
notifications, not the source of truth (balances live in the ledger), and expire after 7 days.

  USEREVENTS#<user>  EVT#<id>   type, data, createdAt, expiresAt
Event ids are ``<epoch ms, 13 digits>-<random>``: sortable, so "after id X" is a key range.
"""

import json
import secrets
import time
from typing import Any

from shared import aws
from shared.dynamo import from_item, to_item
from shared.errors import utc_now_iso

RETENTION_SECONDS = 7 * 24 * 3600
RETRY_MILLISECONDS = 3000


def new_event_id() -> str:
    return f"{int(time.time() * 1000):013d}-{secrets.token_hex(4)}"


class EventLog:
    def __init__(self, table_name: str):
        self.table_name = table_name

    def append(self, user_id: str, event_type: str, data: dict[str, Any]) -> str:
        put = self.put_operation(user_id, event_type, data)["Put"]
        aws.dynamodb().put_item(**put)
        return put["Item"]["eventId"]["S"]

    def put_operation(self, user_id: str, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
        """The event as one ``TransactWriteItems`` element, to commit with the change it reports."""
        event_id = new_event_id()
        item = {
            "pk": f"USEREVENTS#{user_id}",
            "sk": f"EVT#{event_id}",
            "eventId": event_id,
            "type": event_type,
            "data": json.dumps(data, separators=(",", ":")),
            "createdAt": utc_now_iso(),
            "expiresAt": int(time.time()) + RETENTION_SECONDS,
        }
        return {"Put": {"TableName": self.table_name, "Item": to_item(item)}}

    def read(self, user_id: str, after: str | None, limit: int = 100) -> list[dict[str, Any]]:
        """Events after ``after`` (oldest first); without it, the newest ``limit`` events."""
        query: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk AND sk > :after",
            "ExpressionAttributeValues": {
                ":pk": {"S": f"USEREVENTS#{user_id}"},
                ":after": {"S": f"EVT#{after}" if after else "EVT#"},
            },
            "Limit": limit,
            "ScanIndexForward": after is not None,
        }
        items = [from_item(raw) for raw in aws.dynamodb().query(**query).get("Items", [])]
        if after is None:
            items.reverse()
        return [
            {
                "id": item["eventId"],
                "type": item["type"],
                "data": json.loads(item["data"]),
                "createdAt": item["createdAt"],
            }
            for item in items
        ]


def format_sse(events: list[dict[str, Any]], retry_ms: int = RETRY_MILLISECONDS) -> str:
    """A finite text/event-stream body: a retry hint, then one block per event."""
    lines = [f"retry: {retry_ms}", ""]
    for event in events:
        if "id" in event:  # an event without an id (``connected``) leaves the client's last id alone
            lines.append(f"id: {event['id']}")
        lines += [f"event: {event['type']}", f"data: {json.dumps(event['data'])}", ""]
    return "\n".join(lines) + "\n"
