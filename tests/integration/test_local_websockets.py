"""WebSocket APIs in the local runtime, through a real websockets client: the sample template's
API (tests/fixtures/runtime_template) with shared.websocket in its handlers."""

import json
import uuid

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from shared import aws

TOKEN = "let-me-in"


def _url(runtime, query=""):
    return runtime.websockets.url("SampleWebSocketApi") + "/dev" + (f"?{query}" if query else "")


def _receive(socket):
    return json.loads(socket.recv(timeout=10))


def _join(socket, channel):
    socket.send(json.dumps({"action": "join", "channel": channel}))
    return _receive(socket)


def _connection_item(runtime, connection_id):
    table = runtime.physical_id("SampleConnectionsTable")
    return aws.dynamodb().get_item(TableName=table, Key={"connectionId": {"S": connection_id}}).get("Item")


def test_connect_with_a_bearer_header_and_a_two_way_route_reply(sample_runtime):
    with connect(_url(sample_runtime), additional_headers={"Authorization": f"Bearer {TOKEN}"}) as socket:
        reply = _join(socket, "room-1")

    assert reply["joined"] == "room-1"
    assert reply["connectionId"]


def test_connect_with_a_query_token_and_default_route_echo_through_the_management_api(sample_runtime):
    with connect(_url(sample_runtime, f"token={TOKEN}&user=ada")) as socket:
        socket.send("hello there")
        echoed = _receive(socket)

    assert echoed == {"echo": "hello there", "user": "ada"}


def test_connect_without_a_token_is_refused_with_the_functions_status(sample_runtime):
    with pytest.raises(InvalidStatus) as refused, connect(_url(sample_runtime)):
        pass

    assert refused.value.response.status_code == 401


def test_broadcast_reaches_every_member_of_a_channel_and_one_way_routes_send_nothing_back(sample_runtime):
    channel = f"room-{uuid.uuid4().hex[:6]}"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with (
        connect(_url(sample_runtime), additional_headers=headers) as alice,
        connect(_url(sample_runtime), additional_headers=headers) as bob,
    ):
        _join(alice, channel)
        _join(bob, channel)

        alice.send(json.dumps({"action": "broadcast", "channel": channel, "text": "gg"}))

        assert _receive(alice) == {"channel": channel, "text": "gg"}
        assert _receive(bob) == {"channel": channel, "text": "gg"}


def test_a_handler_outside_the_socket_pushes_and_gone_connections_are_forgotten(sample_runtime):
    channel = f"session-{uuid.uuid4().hex[:6]}"
    table = sample_runtime.physical_id("SampleConnectionsTable")
    stale = "stale-connection="
    aws.dynamodb().put_item(
        TableName=table,
        Item={
            "connectionId": {"S": stale},
            "channel": {"S": channel},
            "endpointUrl": {"S": "https://SampleWebSocketApi.execute-api.us-east-1.amazonaws.com/dev"},
        },
    )
    with connect(_url(sample_runtime, f"token={TOKEN}&channel={channel}")) as socket:
        answer = sample_runtime.invoke(
            "SampleStarterFunction", {"action": "announce", "channel": channel, "message": {"event": "started"}}
        )
        pushed = _receive(socket)

    assert pushed == {"event": "started"}
    assert answer == {"delivered": 1}
    assert _connection_item(sample_runtime, stale) is None


def test_closing_runs_disconnect_which_forgets_the_connection(sample_runtime):
    with connect(_url(sample_runtime, f"token={TOKEN}")) as socket:
        connection_id = _join(socket, "room-2")["connectionId"]
        assert _connection_item(sample_runtime, connection_id) is not None

    sample_runtime.websockets.wait_closed(connection_id)

    assert _connection_item(sample_runtime, connection_id) is None
    marker = f"disconnected#{connection_id}"
    table = sample_runtime.physical_id("SampleRecordsTable")
    record = aws.dynamodb().get_item(TableName=table, Key={"pk": {"S": marker}})["Item"]
    assert record["code"] == {"N": "1000"}


def test_management_api_answers_gone_for_an_unknown_connection(sample_runtime):
    client = aws.connections(f"http://127.0.0.1:{sample_runtime.ports['SampleWebSocketApi']}/dev")

    with pytest.raises(client.exceptions.GoneException):
        client.post_to_connection(ConnectionId="nobody=", Data=b"hi")


def test_management_api_describes_and_deletes_a_live_connection(sample_runtime):
    client = aws.connections(f"http://127.0.0.1:{sample_runtime.ports['SampleWebSocketApi']}/dev")
    with connect(_url(sample_runtime, f"token={TOKEN}"), user_agent_header="sample-client") as socket:
        connection_id = _join(socket, "room-3")["connectionId"]

        described = client.get_connection(ConnectionId=connection_id)
        client.delete_connection(ConnectionId=connection_id)
        sample_runtime.websockets.wait_closed(connection_id)

        assert described["Identity"] == {"SourceIp": "127.0.0.1", "UserAgent": "sample-client"}
        assert described["ConnectedAt"] <= described["LastActiveAt"]
        assert socket.close_code == 1000
        assert _connection_item(sample_runtime, connection_id) is None
