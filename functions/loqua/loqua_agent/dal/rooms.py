"""Room membership records (rules in logic/membership.py).

ROOM#<room name>  <roomSid>#ROOM                          roomSid, state (started | finished), at, expiresAt
ROOM#<room name>  <roomSid>#P#<identity>#<participantSid>  roomSid, identity, participantSid, kind,
                                                          agentId, state (joined | left), at, expiresAt
"""

from typing import Any

from botocore.exceptions import ClientError

from loqua_agent.logic.membership import RECORD_TTL_SECONDS, RoomChange
from shared import aws
from shared.dynamo import from_item, to_item, to_value


class RoomRepository:
    def __init__(self, table_name: str):
        self.table_name = table_name

    def apply(self, change: RoomChange) -> bool:
        """Write the change's record; False when a "joined"/"started" record already exists."""
        sort_key = (
            f"{change.room_sid}#P#{change.identity}#{change.participant_sid}"
            if change.is_participant
            else f"{change.room_sid}#ROOM"
        )
        item = {
            "pk": f"ROOM#{change.room_name}",
            "sk": sort_key,
            "roomSid": change.room_sid,
            "state": change.state,
            "at": change.at,
            "expiresAt": change.at + RECORD_TTL_SECONDS,
            "identity": change.identity,
            "participantSid": change.participant_sid,
            "kind": change.kind,
            "agentId": change.agent_id,
        }
        request: dict[str, Any] = {"TableName": self.table_name, "Item": to_item(item)}
        if not change.overrides_earlier:
            request["ConditionExpression"] = "attribute_not_exists(pk)"
        try:
            aws.dynamodb().put_item(**request)
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def records(self, room_name: str) -> list[dict[str, Any]]:
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": to_value(f"ROOM#{room_name}")},
            "ConsistentRead": True,
        }
        items: list[dict[str, Any]] = []
        while True:
            response = aws.dynamodb().query(**request)
            items.extend(from_item(item) for item in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return items
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
