"""Warm latency of each endpoint of the JIGA slice, and the DynamoDB calls each request makes.

Requests go through ``runtime.client("JigaHttpApi")``: the template's routing, an API Gateway v2
event, Mangum and FastAPI in the function the template names, DynamoDB in moto. Every endpoint is
called ``count`` times with distinct data; what a loop needs (users, funds, agents) is the output
of an earlier loop, made outside the loop being timed. Latency is the client's wall time per
request; the figure without moto subtracts the time moto spent answering that request's calls.
"""

import math
import statistics
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from time import perf_counter

import httpx

from bench.harness import DynamoDBCall, DynamoDBCalls, MotoClock, log
from tests.support.jiga import JigaDriver, User, agent_payload, listing_payload

PASSWORD = "correct horse battery"
GRANT = 10_000
CONFIGURATION = {"configuration": {"high_speed_vision": True, "target_fps": 5.0}}


@dataclass
class EndpointRun:
    name: str
    latency_s: list[float]
    moto_s: list[float]
    calls: list[tuple[DynamoDBCall, ...]]

    def percentile_ms(self, q: float, without_moto: bool = False) -> float:
        values = [t - m for t, m in zip(self.latency_s, self.moto_s, strict=True)] if without_moto else self.latency_s
        ordered = sorted(values)
        return ordered[max(math.ceil(q / 100 * len(ordered)) - 1, 0)] * 1000

    @property
    def mean_moto_ms(self) -> float:
        return statistics.fmean(self.moto_s) * 1000

    @property
    def typical_calls(self) -> tuple[DynamoDBCall, ...]:
        return Counter(self.calls).most_common(1)[0][0]

    @property
    def atypical_requests(self) -> int:
        return sum(1 for calls in self.calls if calls != self.typical_calls)


class Timer:
    """Sends prepared requests one by one, timing each and recording its DynamoDB calls."""

    def __init__(self, calls: DynamoDBCalls, clock: MotoClock):
        self.calls = calls
        self.clock = clock

    def run(
        self, name: str, requests: list[Callable[[], httpx.Response]], expected_status: int
    ) -> tuple[EndpointRun, list[httpx.Response]]:
        log(f"warm: {name} x{len(requests)}")
        run = EndpointRun(name, [], [], [])
        responses = []
        for send in requests:
            with self.calls.recording() as made:
                moto_before = self.clock.seconds
                started = perf_counter()
                response = send()
                run.latency_s.append(perf_counter() - started)
                run.moto_s.append(self.clock.seconds - moto_before)
            if response.status_code != expected_status:
                raise RuntimeError(f"{name}: expected {expected_status}, got {response.status_code}: {response.text}")
            run.calls.append(tuple(made))
            responses.append(response)
        return run, responses


def measure_warm(driver: JigaDriver, calls: DynamoDBCalls, clock: MotoClock, count: int) -> list[EndpointRun]:
    client = driver.client
    timer = Timer(calls, clock)
    runs = []

    emails = [f"bench-{uuid.uuid4().hex[:12]}@example.com" for _ in range(count)]
    run, responses = timer.run(
        "register",
        [partial(client.post, "/api/v1/auth/register", json={"email": e, "password": PASSWORD}) for e in emails],
        201,
    )
    runs.append(run)
    users = [_user(email, response) for email, response in zip(emails, responses, strict=True)]

    login = [partial(client.post, "/api/v1/auth/login", json={"email": u.email, "password": PASSWORD}) for u in users]
    runs.append(timer.run("login", login, 200)[0])

    refresh = [partial(client.post, "/api/v1/auth/refresh", json={"refresh_token": u.refresh_token}) for u in users]
    runs.append(timer.run("refresh", refresh, 200)[0])

    operator = driver.operator
    grants = [
        partial(
            client.post,
            "/api/v1/admin/dof-grants",
            json={"userId": u.user_id, "amount": GRANT, "reason": "bench"},
            headers=operator.headers,
        )
        for u in users
    ]
    runs.append(timer.run("admin grant", grants, 201)[0])

    creates = [partial(client.post, "/api/v1/agents", json=agent_payload(), headers=u.headers) for u in users]
    run, responses = timer.run("create agent", creates, 201)
    runs.append(run)
    agents = [(user, response.json()["id"]) for user, response in zip(users, responses, strict=True)]

    reads = [partial(client.get, f"/api/v1/agents/{agent_id}", headers=u.headers) for u, agent_id in agents]
    runs.append(timer.run("get agent", reads, 200)[0])

    configs = [
        partial(client.put, f"/api/v1/agents/{agent_id}/config", json=CONFIGURATION, headers=u.headers)
        for u, agent_id in agents
    ]
    runs.append(timer.run("put config", configs, 200)[0])

    publishes = [
        partial(client.post, f"/api/v1/agents/{agent_id}/publish", json=listing_payload(), headers=u.headers)
        for u, agent_id in agents
    ]
    runs.append(timer.run("publish", publishes, 200)[0])

    wallets = [partial(client.get, "/api/v1/wallet", headers=u.headers) for u in users]
    runs.append(timer.run("get wallet", wallets, 200)[0])
    return runs


def measure_idempotent_calls(driver: JigaDriver, calls: DynamoDBCalls, clock: MotoClock) -> list[EndpointRun]:
    """The DynamoDB calls of each Idempotency-Key route: the first request, then its replay."""
    client = driver.client
    timer = Timer(calls, clock)
    user = driver.user_with_dofs(GRANT)
    agent_id = driver.create_agent(user)["id"]
    create = partial(
        client.post, "/api/v1/agents", json=agent_payload(), headers={**user.headers, "Idempotency-Key": _key()}
    )
    publish = partial(
        client.post,
        f"/api/v1/agents/{agent_id}/publish",
        json=listing_payload(),
        headers={**user.headers, "Idempotency-Key": _key()},
    )
    grant = partial(
        client.post,
        "/api/v1/admin/dof-grants",
        json={"userId": user.user_id, "amount": GRANT, "reason": "bench"},
        headers={**driver.operator.headers, "Idempotency-Key": _key()},
    )
    runs = []
    for name, send, status in (("create agent", create, 201), ("publish", publish, 200), ("admin grant", grant, 201)):
        runs.append(timer.run(f"{name} + Idempotency-Key", [send], status)[0])
        runs.append(timer.run(f"{name} + Idempotency-Key, replayed", [send], status)[0])
    return runs


def _key() -> str:
    return f"bench-{uuid.uuid4().hex}"


def _user(email: str, response: httpx.Response) -> User:
    body = response.json()
    return User(body["user_id"], email, body["access_token"], body["refresh_token"])
