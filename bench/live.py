"""Issue 3's live figures: hire latency and its DynamoDB calls, the WebSocket message round trip,
and the time from ``end_session`` to settled wallets, all through the local runtime (template
routes, the WebSocket API, the session lifecycle state machine running its ASL in moto)."""

import json
from functools import partial
from time import perf_counter

from websockets.sync.client import connect

from bench.harness import DynamoDBCalls, MotoClock, log
from bench.warm import EndpointRun, Timer
from tests.support.jiga import JigaDriver, User

HOURLY = 600  # 10 DOFs a minute
ALLOCATION = 3_000
LIFECYCLE = "SessionLifecycleStateMachine"


def _published_listings(driver: JigaDriver, count: int) -> list[str]:
    """One listing per hire (an agent serves one outstanding contract at a time), one owner per
    listing (an owner may publish at most 10 agents)."""
    listings = []
    for _ in range(count):
        owner = driver.user_with_dofs(600)
        agent = driver.create_agent(owner)
        pricing = {"hourly": HOURLY, "daily": HOURLY * 20, "weekly": HOURLY * 100}
        listings.append(driver.publish(owner, agent["id"], pricing=pricing)["listingId"])
    return listings


def measure_live(runtime, driver: JigaDriver, calls: DynamoDBCalls, clock: MotoClock, count: int) -> list[EndpointRun]:
    log(f"live: publishing {count} listings")
    listings = _published_listings(driver, count)
    gamer: User = driver.user_with_dofs(ALLOCATION * count)
    hires = [
        partial(
            driver.client.post,
            f"/api/v1/marketplace/{listing}/hire",
            json={"dofAllocation": ALLOCATION},
            headers=gamer.headers,
        )
        for listing in listings
    ]
    hire_run, responses = Timer(calls, clock).run("hire (escrow + start lifecycle)", hires, 201)
    sessions = [response.json() for response in responses]

    runtime.websockets.start(ephemeral_ports=True)
    base = runtime.websockets.url("JigaWebSocketApi") + "/dev"
    round_trip = EndpointRun("WebSocket text_input -> dof_update", [], [], [])
    settle = EndpointRun("end_session -> settled (state machine)", [], [], [])
    execution_prefix = runtime.state_machine_arn(LIFECYCLE).replace(":stateMachine:", ":execution:")
    log(f"live: {count} sessions over WebSocket")
    for session in sessions:
        with connect(f"{base}?sessionId={session['sessionId']}&token={session['accessToken']}") as socket:
            with calls.recording() as made:
                moto_before = clock.seconds
                started = perf_counter()
                socket.send(json.dumps({"type": "text_input", "data": {"text": "what next?"}}))
                while json.loads(socket.recv(timeout=10))["type"] != "dof_update":
                    pass
                round_trip.latency_s.append(perf_counter() - started)
                round_trip.moto_s.append(clock.seconds - moto_before)
            round_trip.calls.append(tuple(made))
            moto_before = clock.seconds
            started = perf_counter()
            socket.send(json.dumps({"type": "end_session", "data": {}}))
            outcome = runtime.wait_for_execution(f"{execution_prefix}:{session['sessionId']}")
            settle.latency_s.append(perf_counter() - started)
            settle.moto_s.append(clock.seconds - moto_before)
            settle.calls.append(())
            if outcome["status"] != "SUCCEEDED":
                raise RuntimeError(f"settlement did not succeed: {outcome}")
    return [hire_run, round_trip, settle]
