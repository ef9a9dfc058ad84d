"""The spec's integration scenario and the money around it: hire -> escrow -> live session over
WebSocket -> end -> settlement by the lifecycle state machine, seen in all four wallets."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from websockets.exceptions import ConnectionClosedOK, InvalidStatus
from websockets.sync.client import connect

from shared.ledger import Ledger, system_account

LIFECYCLE = "SessionLifecycleStateMachine"
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def platform_balances(runtime):
    ledger = Ledger(runtime.physical_id("LedgerTable"), "jiga")
    return {name: ledger.balance(system_account(name, "DOF")) for name in ("platform", "creator_pool")}


def execution_arn(runtime, session_id):
    return runtime.state_machine_arn(LIFECYCLE).replace(":stateMachine:", ":execution:") + f":{session_id}"


def receive(socket, kind):
    """Read server messages until one of ``kind`` arrives; returns it and what came before."""
    seen = []
    while True:
        message = json.loads(socket.recv(timeout=10))
        seen.append(message)
        if message["type"] == kind:
            return message, seen


def hire_listing(jiga, listing, gamer, allocation):
    response = jiga.client.post(
        f"/api/v1/marketplace/{listing['listingId']}/hire", json={"dofAllocation": allocation}, headers=gamer.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def published_listing(jiga, hourly=600):
    owner = jiga.user_with_dofs(10_000)
    tag = f"t{uuid.uuid4().hex[:8]}"
    agent = jiga.create_agent(owner, name=f"Coach {tag}")
    listing = jiga.publish(
        owner, agent["id"], tags=[tag], pricing={"hourly": hourly, "daily": hourly * 20, "weekly": hourly * 100}
    )
    return owner, agent, listing, tag


def test_spec_scenario_hire_live_session_end_and_settle_into_four_wallets(runtime, jiga, shopify, jiga_sockets):
    # Given an owner with a published agent, and a gamer who bought DOFs on Shopify (a signed
    # orders/paid webhook: 10,000 bronze + 10,000 bronze) and finds the agent in the marketplace
    owner, agent, listing, tag = published_listing(jiga)
    owner_before = jiga.balance(owner)
    gamer = jiga.register()
    shopify.paid(gamer.email, {"bronze": 2})
    assert jiga.balance(gamer) == 20_000
    found = jiga.client.get("/api/v1/marketplace/search", params={"q": tag}, headers=gamer.headers).json()
    assert [r["listingId"] for r in found["results"]] == [listing["listingId"]]
    system_before = platform_balances(runtime)

    # When the gamer hires it with 6,000 DOFs
    hire = jiga.client.post(
        f"/api/v1/marketplace/{listing['listingId']}/hire",
        json={"dofAllocation": 6_000, "message": "help me rank up"},
        headers={**gamer.headers, "Idempotency-Key": f"hire-{tag}"},
    )

    # Then the allocation sits in escrow and the contract says how it will be consumed
    assert hire.status_code == 201, hire.text
    body = hire.json()
    assert body["agentId"] == agent["id"]
    assert body["contract"] == {
        "dofAllocated": 6_000,
        "estimatedHours": 10.0,
        "baseRate": 10,
        "startedAt": body["contract"]["startedAt"],
    }
    assert body["transaction"]["status"] == "completed"
    assert body["transaction"]["distribution"] == {"owner": 4_200, "platform": 1_500, "creator": 300}
    assert jiga.balance(gamer) == 14_000
    session_id = body["sessionId"]

    # When the gamer talks to the agent over the session WebSocket and ends the session
    with connect(
        f"{jiga_sockets}?sessionId={session_id}", additional_headers={"Authorization": f"Bearer {body['accessToken']}"}
    ) as socket:
        socket.send(
            json.dumps(
                {"type": "text_input", "data": {"text": "I keep dying on B site"}, "timestamp": "2024-01-15T10:30:00Z"}
            )
        )
        answer, _ = receive(socket, "agent_response")
        update, _ = receive(socket, "dof_update")
        socket.send(
            json.dumps(
                {
                    "type": "voice_input",
                    "data": {"audio": "UklGRg==", "format": "webm", "duration": 2.5},
                    "timestamp": "2024-01-15T10:30:05Z",
                }
            )
        )
        receive(socket, "agent_response")
        second_update, _ = receive(socket, "dof_update")
        socket.send(json.dumps({"type": "end_session", "data": {}, "timestamp": "2024-01-15T10:31:00Z"}))
        ended, _ = receive(socket, "session_ended")
        # and the server closes the socket normally once the session has ended
        with pytest.raises(ConnectionClosedOK):
            socket.recv(timeout=10)
        assert socket.close_code == 1000

    # Then the agent answered in character and metered DOFs at the listing's rate
    assert answer["data"]["text"] and answer["data"]["emotion"] == "encouraging"
    assert answer["data"]["dofConsumed"] == update["data"]["consumed"] > 0
    assert update["data"]["rate"] == 10
    consumed = second_update["data"]["consumed"]
    assert consumed + second_update["data"]["remaining"] == 6_000
    assert ended["data"]["reason"] == "client_ended"

    # And the lifecycle settled once: 70/25/5 of what was consumed, the rest back to the gamer
    outcome = runtime.wait_for_execution(execution_arn(runtime, session_id))
    assert outcome["status"] == "SUCCEEDED", outcome
    owner_share, creator_share = consumed * 70 // 100, consumed * 5 // 100
    assert jiga.balance(gamer) == 20_000 - consumed
    assert jiga.balance(owner) == owner_before + owner_share
    system_after = platform_balances(runtime)
    assert system_after["creator_pool"] - system_before["creator_pool"] == creator_share
    assert system_after["platform"] - system_before["platform"] == consumed - owner_share - creator_share
    session = jiga.client.get(f"/api/v1/sessions/{session_id}", headers=gamer.headers).json()
    assert session["status"] == "settled"
    assert session["settlement"]["consumed"] == consumed
    assert session["settlement"]["refunded"] == 6_000 - consumed

    # And the listing's stats and the owner's event stream show the hire
    listed = jiga.client.get("/api/v1/marketplace/search", params={"q": tag}, headers=gamer.headers).json()
    assert listed["results"][0]["stats"]["totalHires"] == 1
    stream = jiga.client.get("/api/v1/events/stream", headers=owner.headers)
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert "event: agent_hired" in stream.text and "event: dof_update" in stream.text
    assert "event: achievement_earned" in stream.text  # first_hire


def test_hire_replay_with_the_same_idempotency_key_escrows_once(jiga):
    _, _, listing, tag = published_listing(jiga)
    gamer = jiga.user_with_dofs(10_000)
    headers = {**gamer.headers, "Idempotency-Key": f"hire-once-{tag}"}
    first = jiga.client.post(
        f"/api/v1/marketplace/{listing['listingId']}/hire", json={"dofAllocation": 3_000}, headers=headers
    )
    again = jiga.client.post(
        f"/api/v1/marketplace/{listing['listingId']}/hire", json={"dofAllocation": 3_000}, headers=headers
    )
    assert first.status_code == again.status_code == 201
    assert again.json()["sessionId"] == first.json()["sessionId"]
    assert jiga.balance(gamer) == 7_000


def test_hire_errors_follow_the_spec(jiga):
    owner, _agent, listing, _ = published_listing(jiga)
    url = f"/api/v1/marketplace/{listing['listingId']}/hire"
    poor = jiga.user_with_dofs(100)
    broke = jiga.client.post(url, json={"dofAllocation": 1_000}, headers=poor.headers)
    assert broke.status_code == 402
    assert broke.json()["error"]["details"] == {"required": 1_000, "available": 100, "shortfall": 900}
    assert (
        jiga.client.post(url, json={"dofAllocation": 1_000}, headers=owner.headers).json()["error"]["code"]
        == "CANNOT_HIRE_OWN_AGENT"
    )
    assert (
        jiga.client.post(
            "/api/v1/marketplace/lst_nope/hire", json={"dofAllocation": 1_000}, headers=poor.headers
        ).status_code
        == 404
    )
    assert jiga.client.post(url, json={"dofAllocation": 0}, headers=poor.headers).status_code == 400
    short = jiga.client.post(url, json={"dofAllocation": 10}, headers=poor.headers)  # < 5 minutes of this listing
    assert short.status_code == 422
    assert short.json()["error"]["code"] == "INVALID_ALLOCATION"
    assert (
        jiga.client.post(url, json={"dofAllocation": 1_000, "startTime": "yesterday"}, headers=poor.headers).status_code
        == 400
    )
    assert jiga.client.post(url, json={"dofAllocation": 1_000}).status_code == 401
    # one outstanding contract per agent: a second hirer meets a scheduling conflict
    first, second = jiga.user_with_dofs(5_000), jiga.user_with_dofs(5_000)
    assert jiga.client.post(url, json={"dofAllocation": 1_000}, headers=first.headers).status_code == 201
    conflict = jiga.client.post(url, json={"dofAllocation": 1_000}, headers=second.headers)
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "SCHEDULING_CONFLICT"
    assert jiga.balance(second) == 5_000


def test_hire_outside_the_listings_schedule_is_403_not_available(jiga):
    # Given a listing open one hour, on a weekday two days after the requested start
    start = (datetime.now(UTC) + timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
    open_day = DAYS[(start + timedelta(days=2)).weekday()]
    owner = jiga.user_with_dofs(10_000)
    agent = jiga.create_agent(owner)
    schedule = {"schedule": "scheduled", "timezone": "UTC", "hours": {open_day: {"start": "12:00", "end": "13:00"}}}
    listing = jiga.publish(owner, agent["id"], availability=schedule)
    gamer = jiga.user_with_dofs(5_000)
    # When the gamer asks for a start time when it is closed
    response = jiga.client.post(
        f"/api/v1/marketplace/{listing['listingId']}/hire",
        json={"dofAllocation": 1_000, "startTime": start.isoformat().replace("+00:00", "Z")},
        headers=gamer.headers,
    )
    # Then it is not available, and nothing was escrowed
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "AGENT_NOT_AVAILABLE"
    assert jiga.balance(gamer) == 5_000


def test_sockets_refuse_strangers_and_other_sessions_tokens(jiga, jiga_sockets):
    _, _, listing, _ = published_listing(jiga)
    gamer = jiga.user_with_dofs(5_000)
    hire = hire_listing(jiga, listing, gamer, 1_000)
    for url, headers, status in (
        (f"{jiga_sockets}?sessionId={hire['sessionId']}", {}, 401),
        (f"{jiga_sockets}?sessionId={hire['sessionId']}", {"Authorization": f"Bearer {gamer.access_token}"}, 401),
        (f"{jiga_sockets}?sessionId=ses_other&token={hire['accessToken']}", {}, 403),
    ):
        with pytest.raises(InvalidStatus) as refused, connect(url, additional_headers=headers):
            pass
        assert refused.value.response.status_code == status
    # the browser form: token in the query string
    with connect(f"{jiga_sockets}?sessionId={hire['sessionId']}&token={hire['accessToken']}") as socket:
        socket.send(json.dumps({"type": "dance", "data": {}}))
        error, _ = receive(socket, "error")
        assert error["data"]["code"] == "UNKNOWN_MESSAGE_TYPE"


def test_another_user_cannot_read_someones_session(jiga):
    _, _, listing, _ = published_listing(jiga)
    gamer, stranger = jiga.user_with_dofs(5_000), jiga.register()
    hire = hire_listing(jiga, listing, gamer, 1_000)
    assert jiga.client.get(f"/api/v1/sessions/{hire['sessionId']}", headers=gamer.headers).status_code == 200
    response = jiga.client.get(f"/api/v1/sessions/{hire['sessionId']}", headers=stranger.headers)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "SESSION_NOT_FOUND"
    reuse = jiga.client.post(
        "/api/v1/sessions",
        json={"agentId": hire["agentId"], "type": "hired", "hireSessionId": hire["sessionId"]},
        headers=stranger.headers,
    )
    assert reuse.status_code == 404


def test_reconnecting_keeps_the_session_and_its_counters(jiga, jiga_sockets):
    _, _, listing, _ = published_listing(jiga)
    gamer = jiga.user_with_dofs(5_000)
    hire = hire_listing(jiga, listing, gamer, 1_000)
    url = f"{jiga_sockets}?sessionId={hire['sessionId']}&token={hire['accessToken']}"
    with connect(url) as socket:
        socket.send(json.dumps({"type": "text_input", "data": {"text": "hi"}}))
        first, _ = receive(socket, "dof_update")
    reconnect = jiga.client.post(
        "/api/v1/sessions",
        json={"agentId": hire["agentId"], "type": "hired", "hireSessionId": hire["sessionId"]},
        headers=gamer.headers,
    )
    assert reconnect.status_code == 201
    assert reconnect.json()["dof"]["consumed"] == first["data"]["consumed"]
    with connect(
        f"{jiga_sockets}?sessionId={hire['sessionId']}&token={reconnect.json()['connection']['token']}"
    ) as socket:
        socket.send(json.dumps({"type": "text_input", "data": {"text": "still there?"}}))
        second, _ = receive(socket, "dof_update")
    assert second["data"]["consumed"] > first["data"]["consumed"]
    assert second["data"]["consumed"] + second["data"]["remaining"] == 1_000


def test_running_out_of_dofs_ends_and_settles_the_session(runtime, jiga, jiga_sockets):
    _owner, _, listing, _ = published_listing(jiga, hourly=6_000)  # 100 DOFs a minute
    gamer = jiga.user_with_dofs(5_000)
    hire = jiga.client.post(
        f"/api/v1/marketplace/{listing['listingId']}/hire", json={"dofAllocation": 500}, headers=gamer.headers
    ).json()
    with connect(f"{jiga_sockets}?sessionId={hire['sessionId']}&token={hire['accessToken']}") as socket:
        ended = None
        for _ in range(40):
            socket.send(json.dumps({"type": "text_input", "data": {"text": "next?"}}))
            message, _seen = receive(socket, "dof_update")
            if message["data"]["remaining"] == 0:
                ended, _ = receive(socket, "session_ended")
                with pytest.raises(ConnectionClosedOK):
                    socket.recv(timeout=10)
                break
    assert ended is not None and ended["data"]["reason"] == "dofs_exhausted"
    assert runtime.wait_for_execution(execution_arn(runtime, hire["sessionId"]))["status"] == "SUCCEEDED"
    assert jiga.balance(gamer) == 4_500  # all 500 consumed, nothing to refund


def test_owned_and_trial_sessions(runtime, jiga):
    owner, agent, _listing, _ = published_listing(jiga)
    balance = jiga.balance(owner)
    owned = jiga.client.post("/api/v1/sessions", json={"agentId": agent["id"], "type": "owned"}, headers=owner.headers)
    assert owned.status_code == 201, owned.text
    assert owned.json()["dof"] == {"allocated": 100, "consumed": 0, "remaining": 100}
    assert owned.json()["connection"]["protocols"] == ["ws", "wss"]
    assert jiga.balance(owner) == balance - 100
    gamer = jiga.register()
    trial = jiga.client.post("/api/v1/sessions", json={"agentId": agent["id"], "type": "trial"}, headers=gamer.headers)
    assert trial.status_code == 201, trial.text
    assert trial.json()["dof"]["allocated"] == 50  # five minutes at 10 DOFs a minute, on the house
    again = jiga.client.post("/api/v1/sessions", json={"agentId": agent["id"], "type": "trial"}, headers=gamer.headers)
    assert again.status_code == 409
    stranger = jiga.client.post(
        "/api/v1/sessions", json={"agentId": agent["id"], "type": "owned"}, headers=gamer.headers
    )
    assert stranger.status_code == 403
    assert stranger.json()["error"]["code"] == "NOT_AGENT_OWNER"


def test_two_hires_racing_for_the_last_dofs_one_wins_the_other_is_402(runtime, jiga):
    from concurrent.futures import ThreadPoolExecutor

    # Given a gamer with enough DOFs for exactly one of two hires
    listings = [published_listing(jiga)[2]["listingId"] for _ in range(2)]
    gamer = jiga.user_with_dofs(1_000)
    ledger = Ledger(runtime.physical_id("LedgerTable"), "jiga")
    escrows_before = platform_balances(runtime)

    # When both hires are sent at once
    def hire(listing_id):
        return jiga.client.post(
            f"/api/v1/marketplace/{listing_id}/hire", json={"dofAllocation": 1_000}, headers=gamer.headers
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(hire, listings))

    # Then one contract holds all the DOFs in escrow and the other hire is refused, moving nothing
    assert sorted(r.status_code for r in responses) == [201, 402]
    winner = next(r for r in responses if r.status_code == 201).json()
    assert jiga.balance(gamer) == 0
    assert ledger.balance(f"escrow:{winner['sessionId']}:DOF") == 1_000
    assert platform_balances(runtime) == escrows_before
