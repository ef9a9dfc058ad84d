"""Agent token records: one item per minted agent token, read on every agent request.

AGENT#<agentId>  TOKEN#<tokenId>   agentId, tokenId, permissions, status (active | revoked),
                                   issuedAt, issuedBy, expiry (ISO), revokedAt, expiresAt (TTL)
"""

import time
from typing import Any

from botocore.exceptions import ClientError

from shared import aws
from shared.dynamo import from_item, to_item, to_value
from shared.errors import utc_now_iso

# Expired tokens fail their signature check anyway; their records go a day after expiry.
RECORD_GRACE_SECONDS = 24 * 3600


class AgentTokenRepository:
    def __init__(self, table_name: str):
        self.table_name = table_name

    @staticmethod
    def _key(agent_id: str, token_id: str) -> dict[str, Any]:
        return {"pk": {"S": f"AGENT#{agent_id}"}, "sk": {"S": f"TOKEN#{token_id}"}}

    def record(self, token: dict[str, Any], expires_epoch: int) -> None:
        aws.dynamodb().put_item(
            TableName=self.table_name,
            Item=to_item(
                {
                    "pk": f"AGENT#{token['agentId']}",
                    "sk": f"TOKEN#{token['tokenId']}",
                    **token,
                    "status": "active",
                    "expiresAt": expires_epoch + RECORD_GRACE_SECONDS,
                }
            ),
            ConditionExpression="attribute_not_exists(pk)",
        )

    def is_active(self, agent_id: str, token_id: str) -> bool:
        """One strongly consistent read: a revocation is seen by the very next request."""
        response = aws.dynamodb().get_item(
            TableName=self.table_name,
            Key=self._key(agent_id, token_id),
            ConsistentRead=True,
            ProjectionExpression="#status",
            ExpressionAttributeNames={"#status": "status"},
        )
        item = response.get("Item")
        return item is not None and item["status"]["S"] == "active"

    def list(self, agent_id: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :token)",
            "ExpressionAttributeValues": {":pk": to_value(f"AGENT#{agent_id}"), ":token": to_value("TOKEN#")},
            "ConsistentRead": True,
        }
        while True:
            response = aws.dynamodb().query(**request)
            items.extend(from_item(item) for item in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                break
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        now = time.time()
        return [item for item in items if item.get("expiresAt", now) >= now]

    def revoke(self, agent_id: str, token_id: str, revoked_by: str) -> bool:
        """True when the token existed (revoking twice is harmless)."""
        try:
            aws.dynamodb().update_item(
                TableName=self.table_name,
                Key=self._key(agent_id, token_id),
                UpdateExpression="SET #status = :revoked, revokedAt = if_not_exists(revokedAt, :now), "
                "revokedBy = if_not_exists(revokedBy, :by)",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":revoked": to_value("revoked"),
                    ":now": to_value(utc_now_iso()),
                    ":by": to_value(revoked_by),
                },
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True
