"""Documents: their records in the table, their files and knowledge shards in S3.

AGENT#<agent>  DOC#<documentId>   name, type, mimeType, size, status, statusReason, pageCount,
                                  passageCount, objectKey, createdAt, updatedAt, processedAt
S3  documents/<org>/<agent>/<documentId>   the uploaded file (S3 notifies the document queue)
S3  knowledge/<org>/<agent>/<documentId>.json   its passages and their term counts
Document ids sort by creation time, so the list is one Query in upload order.
"""

import json
from typing import Any

from botocore.exceptions import ClientError

from realestate_agent.dal.agents import agent_key
from realestate_agent.logic.documents import object_key, parse_object_key, shard_key  # noqa: F401 - re-exported
from shared import aws
from shared.dynamo import cancellation_codes, from_item, to_item, to_value
from shared.errors import NotFound


def _doc_key(agent_id: str, document_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"AGENT#{agent_id}"}, "sk": {"S": f"DOC#{document_id}"}}


class DocumentRepository:
    def __init__(self, table_name: str, bucket: str):
        self.table = table_name
        self.bucket = bucket

    # -- records ----------------------------------------------------------------------------------
    def create(self, document: dict[str, Any]) -> None:
        """The record and the agent's counters in one transaction (the agent must still exist)."""
        item = {"pk": f"AGENT#{document['agentId']}", "sk": f"DOC#{document['id']}", **document}
        try:
            aws.dynamodb().transact_write_items(
                TransactItems=[
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
                            "Key": agent_key(document["organizationId"], document["agentId"]),
                            "UpdateExpression": "ADD documentCount :one, pendingDocuments :one",
                            "ConditionExpression": "attribute_exists(pk) AND #status <> :deleting",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": {":one": to_value(1), ":deleting": to_value("deleting")},
                        }
                    },
                ]
            )
        except ClientError as error:
            if "ConditionalCheckFailed" in cancellation_codes(error):
                raise NotFound(
                    f"Agent {document['agentId']} not found", {"field": "agentId", "value": document["agentId"]}
                ) from error
            raise

    def get(self, agent_id: str, document_id: str) -> dict[str, Any] | None:
        response = aws.dynamodb().get_item(
            TableName=self.table, Key=_doc_key(agent_id, document_id), ConsistentRead=True
        )
        return _strip(from_item(response.get("Item")))

    def page(self, agent_id: str, page: int, limit: int) -> list[dict[str, Any]]:
        wanted = page * limit
        items: list[dict[str, Any]] = []
        start = None
        while len(items) < wanted:
            request: dict[str, Any] = {
                "TableName": self.table,
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :doc)",
                "ExpressionAttributeValues": {":pk": to_value(f"AGENT#{agent_id}"), ":doc": to_value("DOC#")},
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

    def finish(self, document: dict[str, Any], changes: dict[str, Any], knowledge_entry: dict[str, Any] | None) -> bool:
        """processing -> ready (with the agent's knowledge entry) or failed, and the agent's pending
        count down, in one transaction. False if it was already finished or the agent is gone."""
        names = {f"#c{i}": name for i, name in enumerate(changes)}
        values = {f":c{i}": to_value(value) for i, value in enumerate(changes.values())}
        agent_update = "ADD pendingDocuments :minus"
        agent_values: dict[str, Any] = {":minus": to_value(-1), ":deleting": to_value("deleting")}
        agent_names = {"#status": "status"}
        if knowledge_entry is not None:
            agent_update = "SET knowledge.#doc = :entry ADD pendingDocuments :minus, knowledgeVersion :one"
            agent_names["#doc"] = document["id"]
            agent_values[":entry"] = to_value(knowledge_entry)
            agent_values[":one"] = to_value(1)
        try:
            aws.dynamodb().transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": self.table,
                            "Key": _doc_key(document["agentId"], document["id"]),
                            "UpdateExpression": "SET "
                            + ", ".join(f"{n} = {v}" for n, v in zip(names, values, strict=True)),
                            "ConditionExpression": "#docstatus = :processing",
                            "ExpressionAttributeNames": {**names, "#docstatus": "status"},
                            "ExpressionAttributeValues": {**values, ":processing": to_value("processing")},
                        }
                    },
                    {
                        "Update": {
                            "TableName": self.table,
                            "Key": agent_key(document["organizationId"], document["agentId"]),
                            "UpdateExpression": agent_update,
                            "ConditionExpression": "attribute_exists(pk) AND #status <> :deleting",
                            "ExpressionAttributeNames": agent_names,
                            "ExpressionAttributeValues": agent_values,
                        }
                    },
                ]
            )
        except ClientError as error:
            if "ConditionalCheckFailed" in cancellation_codes(error):
                return False
            raise
        return True

    def delete_records(self, agent_id: str, limit: int = 25) -> int:
        """Delete up to ``limit`` document and delivery records of a deleted agent; how many went."""
        response = aws.dynamodb().query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": to_value(f"AGENT#{agent_id}")},
            ProjectionExpression="pk, sk",
            Limit=limit,
        )
        keys = [{"DeleteRequest": {"Key": item}} for item in response.get("Items", [])]
        if keys:
            _batch_write(self.table, keys)
        return len(keys)

    # -- S3 ---------------------------------------------------------------------------------------
    def store_file(self, key: str, content: bytes, mime_type: str, metadata: dict[str, str]) -> None:
        aws.client("s3").put_object(
            Bucket=self.bucket,
            Key=key,
            Body=content,
            ContentType=mime_type,
            Metadata=metadata,
            ServerSideEncryption="AES256",
        )

    def read_file(self, key: str) -> bytes:
        return aws.client("s3").get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def store_shard(self, key: str, shard: dict[str, Any]) -> None:
        aws.client("s3").put_object(
            Bucket=self.bucket,
            Key=key,
            Body=json.dumps(shard, separators=(",", ":"), ensure_ascii=False).encode(),
            ContentType="application/json",
            ServerSideEncryption="AES256",
        )

    def read_shard(self, key: str) -> dict[str, Any] | None:
        try:
            return json.loads(aws.client("s3").get_object(Bucket=self.bucket, Key=key)["Body"].read())
        except ClientError as error:
            if error.response["Error"]["Code"] in ("NoSuchKey", "404"):
                return None
            raise

    def delete_prefix(self, prefix: str) -> int:
        """Delete up to 1,000 objects under ``prefix``; how many went (0: nothing is left)."""
        s3 = aws.client("s3")
        listed = s3.list_objects_v2(Bucket=self.bucket, Prefix=prefix, MaxKeys=1000).get("Contents", [])
        if listed:
            s3.delete_objects(
                Bucket=self.bucket, Delete={"Objects": [{"Key": o["Key"]} for o in listed], "Quiet": True}
            )
        return len(listed)


def _batch_write(table: str, requests: list[dict[str, Any]]) -> None:
    import time

    pending: dict[str, Any] = {table: requests}
    for attempt in range(8):
        pending = aws.dynamodb().batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
        if not pending:
            return
        time.sleep(0.05 * 2**attempt)
    raise RuntimeError("DynamoDB left items unprocessed")


def _strip(item: dict[str, Any] | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {k: v for k, v in item.items() if k not in ("pk", "sk")}
