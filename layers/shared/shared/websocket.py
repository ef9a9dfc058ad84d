"""WebSocket connections and server push, for every API with live sessions (API Gateway WebSocket APIs).

Connection records live in the connections table (``CONNECTIONS_TABLE``): key ``connectionId``;
``endpointUrl`` (the API's ``@connections`` management endpoint, so any function can reach the
socket later); ``channel`` when the connection has joined one (a session id, a match id...), with
the ``byChannel`` index (hash key ``channel``, projection ALL) for fan-out; the caller's
``attributes``; ``connectedAt``; and ``expiresAt``, a TTL two hours on, API Gateway's maximum
connection duration, so records of connections whose ``$disconnect`` never ran expire by themselves.

Pushes go through one cached ``apigatewaymanagementapi`` client per endpoint (``aws.connections``).
A connection that has gone (``GoneException``, HTTP 410) is not an error: its record is deleted
and ``push`` returns False, so fan-out carries on, as AWS's own WebSocket samples do.
``disconnect`` closes a socket from the server side (``DeleteConnection``: the client sees a
normal close, 1000, and API Gateway runs ``$disconnect``); ``disconnect_channel`` closes them all
once their conversation is over. A function that calls them needs
``execute-api:ManageConnections`` on ``.../<stage>/DELETE/@connections/*`` as well as ``POST``.

Template for the table (the local runtime creates it too)::

    ConnectionsTable:
      Type: AWS::DynamoDB::Table
      Properties:
        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions:
          - {AttributeName: connectionId, AttributeType: S}
          - {AttributeName: channel, AttributeType: S}
        KeySchema: [{AttributeName: connectionId, KeyType: HASH}]
        GlobalSecondaryIndexes:
          - IndexName: byChannel
            KeySchema: [{AttributeName: channel, KeyType: HASH}]
            Projection: {ProjectionType: ALL}
        TimeToLiveSpecification: {AttributeName: expiresAt, Enabled: true}
"""

import json
import time
from collections.abc import Iterator, Mapping
from typing import Any

from botocore.exceptions import ClientError

from shared import aws
from shared.dynamo import from_item, to_item, to_value
from shared.settings import get_settings

CONNECTION_TTL_SECONDS = 2 * 60 * 60
CHANNEL_INDEX = "byChannel"


def endpoint_url_of(event: Mapping[str, Any]) -> str:
    """The management endpoint of the API a WebSocket event came through.

    Prefer an endpoint the template gives the function (an environment variable): behind a custom
    domain, ``domainName`` is not the execute-api host."""
    context = event["requestContext"]
    return f"https://{context['domainName']}/{context['stage']}"


def _table() -> str:
    return get_settings().connections_table


def save_connection(
    connection_id: str,
    endpoint_url: str,
    *,
    channel: str | None = None,
    attributes: Mapping[str, Any] | None = None,
) -> None:
    """Record a connection (call it from ``$connect`` once the caller is authorized)."""
    now = int(time.time())
    record = {
        "connectionId": connection_id,
        "endpointUrl": endpoint_url,
        "channel": channel,
        "attributes": dict(attributes or {}),
        "connectedAt": now,
        "expiresAt": now + CONNECTION_TTL_SECONDS,
    }
    aws.dynamodb().put_item(TableName=_table(), Item=to_item(record))


def join_channel(connection_id: str, channel: str) -> bool:
    """Move a recorded connection into a channel; False if the connection is not recorded."""
    try:
        aws.dynamodb().update_item(
            TableName=_table(),
            Key={"connectionId": to_value(connection_id)},
            UpdateExpression="SET channel = :channel",
            ConditionExpression="attribute_exists(connectionId)",
            ExpressionAttributeValues={":channel": to_value(channel)},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


def get_connection(connection_id: str) -> dict[str, Any] | None:
    found = aws.dynamodb().get_item(TableName=_table(), Key={"connectionId": to_value(connection_id)})
    return from_item(found.get("Item"))


def delete_connection(connection_id: str) -> None:
    """Forget a connection (call it from ``$disconnect``; deleting twice is harmless)."""
    aws.dynamodb().delete_item(TableName=_table(), Key={"connectionId": to_value(connection_id)})


def channel_connections(channel: str) -> Iterator[dict[str, Any]]:
    """Every recorded connection of a channel."""
    paginator = aws.dynamodb().get_paginator("query")
    pages = paginator.paginate(
        TableName=_table(),
        IndexName=CHANNEL_INDEX,
        KeyConditionExpression="channel = :channel",
        ExpressionAttributeValues={":channel": to_value(channel)},
    )
    for page in pages:
        for item in page["Items"]:
            yield from_item(item)


def _encode(message: Any) -> bytes:
    if isinstance(message, bytes):
        return message
    if isinstance(message, str):
        return message.encode()
    return json.dumps(message, separators=(",", ":"), default=str).encode()


def push(endpoint_url: str, connection_id: str, message: Any) -> bool:
    """Send one message (str, bytes, or anything JSON-serialisable) to one connection.

    Returns False when the connection has gone; its record is then deleted."""
    try:
        aws.connections(endpoint_url).post_to_connection(ConnectionId=connection_id, Data=_encode(message))
    except ClientError as error:
        if error.response["Error"]["Code"] != "GoneException":
            raise
        delete_connection(connection_id)
        return False
    return True


def broadcast(channel: str, message: Any) -> int:
    """Send a message to every connection of a channel; returns how many received it."""
    data = _encode(message)
    return sum(
        push(connection["endpointUrl"], connection["connectionId"], data) for connection in channel_connections(channel)
    )


def disconnect(endpoint_url: str, connection_id: str) -> bool:
    """Close one socket from the server (a normal close for the client); False if it had gone."""
    try:
        aws.connections(endpoint_url).delete_connection(ConnectionId=connection_id)
    except ClientError as error:
        if error.response["Error"]["Code"] != "GoneException":
            raise
        delete_connection(connection_id)
        return False
    return True


def disconnect_channel(channel: str) -> int:
    """Close every socket of a channel (after its last message); returns how many were open."""
    return sum(
        disconnect(connection["endpointUrl"], connection["connectionId"]) for connection in channel_connections(channel)
    )
