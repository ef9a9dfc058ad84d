"""Realtime events over the Cosmic WebSocket API, with a real websockets client: the auth
handshake the spec shows, events pushed as they happen, nothing for unauthenticated sockets, one
socket per player."""

import json
import time

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from shared import aws
from shared.dynamo import to_value


def receive(socket, timeout=10):
    return json.loads(socket.recv(timeout=timeout))


def authenticate(socket, player):
    socket.send(json.dumps({"type": "auth", "token": player.access_token}))
    return receive(socket)


def events_until(socket, kind, timeout=10):
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        event = receive(socket, timeout=deadline - time.monotonic())
        seen.append(event)
        if event["type"] == kind:
            return seen
    raise AssertionError(f"no {kind} in {seen}")


def test_an_authenticated_socket_receives_the_players_match_as_it_happens(cosmic, cosmic_sockets):
    player = cosmic.register()
    with connect(cosmic_sockets) as socket:
        assert authenticate(socket, player) == {"type": "auth_ok", "player_id": player.player_id}

        final = cosmic.play(player, "void_novice", "o", seed=4)
        events = events_until(socket, "match_complete")
        followers = []
        try:
            while True:
                followers.append(receive(socket, timeout=0.5))
        except TimeoutError:
            pass

    updates = [e for e in events if e["type"] == "match_update"]
    assert updates and all(e["event"] == "opponent_move" and e["match_id"] == final["match_id"] for e in updates)
    assert set(updates[0]["data"]) == {"turn_number", "row", "col", "symbol"}
    assert updates[0]["data"]["symbol"] == "x"
    complete = events[-1]
    assert complete["outcome"] == final["outcome"]
    assert complete["rewards"]["cosmic_essence"] == final["rewards"]["cosmic_essence"]
    assert set(complete["streak_update"]) == {"new_streak", "streak_reward_earned"}
    kinds = {e["type"] for e in followers}
    assert kinds <= {"achievement_unlocked", "level_up", "challenge_progress"}
    if final["outcome"] == "win":  # First Blood
        assert any(
            e["type"] == "achievement_unlocked" and e["achievement"]["achieve_code"] == "first_blood" for e in followers
        )


def test_an_operator_grant_that_levels_a_player_up_pushes_level_up(cosmic, cosmic_sockets):
    player = cosmic.register()
    with connect(cosmic_sockets) as socket:
        authenticate(socket, player)
        cosmic.grant(player, resonance=300)
        event = events_until(socket, "level_up")[-1]

    assert event == {
        "type": "level_up",
        "old_level": 1,
        "new_level": 5,
        "unlocks": [
            {"type": "feature", "value": "skill_tree", "name": "Skill Trees"},
            {"type": "ai_tier", "value": "grid_walker", "name": "Grid Walker AI"},
        ],
    }


def test_an_unauthenticated_socket_gets_nothing_and_any_other_message_closes_it(cosmic, cosmic_sockets):
    player = cosmic.register()
    with connect(cosmic_sockets) as listener, connect(cosmic_sockets) as stranger:
        authenticate(listener, player)
        cosmic.play(player, "void_novice", "x", seed=9)
        events_until(listener, "match_complete")
        with pytest.raises(TimeoutError):
            stranger.recv(timeout=0.5)

        stranger.send(json.dumps({"type": "ping"}))
        error = receive(stranger)
        with pytest.raises(ConnectionClosed):
            stranger.recv(timeout=5)

    assert error["type"] == "error" and error["code"] == "UNAUTHORIZED"


def test_a_bad_or_logged_out_token_is_refused_and_closed(cosmic, cosmic_client, cosmic_sockets):
    player = cosmic.register()
    cosmic_client.post("/v1/auth/logout", headers=player.headers)
    for token in ("not-a-token", player.access_token):
        with connect(cosmic_sockets) as socket:
            socket.send(json.dumps({"type": "auth", "token": token}))
            answer = receive(socket)
            with pytest.raises(ConnectionClosed):
                socket.recv(timeout=5)
        assert answer["type"] == "error" and answer["code"] == "UNAUTHORIZED"


def test_a_newer_socket_replaces_the_older_one(cosmic, cosmic_sockets):
    player = cosmic.register()
    with connect(cosmic_sockets) as old, connect(cosmic_sockets) as new:
        authenticate(old, player)
        authenticate(new, player)

        assert receive(old) == {"type": "session_replaced"}
        with pytest.raises(ConnectionClosed):
            old.recv(timeout=5)
        new.send(json.dumps({"type": "ping"}))
        assert receive(new) == {"type": "pong"}
        cosmic.grant(player, resonance=60)
        assert events_until(new, "level_up")[-1]["new_level"] == 2


def test_sockets_that_never_authenticate_are_closed_by_the_sweeper(runtime, cosmic_sockets):
    with connect(cosmic_sockets) as idle:
        time.sleep(0.2)
        table = runtime.physical_id("ConnectionsTable")
        pending = aws.dynamodb().query(
            TableName=table,
            IndexName="byChannel",
            KeyConditionExpression="channel = :c",
            ExpressionAttributeValues={":c": {"S": "cosmic:pending"}},
        )["Items"]
        for item in pending:  # as if they connected a minute ago
            aws.dynamodb().update_item(
                TableName=table,
                Key={"connectionId": item["connectionId"]},
                UpdateExpression="SET connectedAt = :then",
                ExpressionAttributeValues={":then": to_value(int(time.time()) - 60)},
            )

        fired = len(runtime.schedules.fired)
        runtime.clock.advance(61)  # the sweeper's one-minute schedule falls due
        runtime.drain(timeout=30)

        assert any("CosmicSocketSweeperFunction" in str(f["target"]) for f in runtime.schedules.fired[fired:])
        with pytest.raises(ConnectionClosed):
            idle.recv(timeout=5)
