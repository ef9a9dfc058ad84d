"""Who may call what, and how often: tokens, permissions, rate limits per user type (the spec's
scenario 5), the cap on requests in flight, and X-Request-ID."""

import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest

from shared import concurrency

LISTINGS = "/api/marketplace/listings"


@contextmanager
def spec_rate_limits(runtime):
    """The spec's limits as deployed (the suite otherwise scales them out of the way)."""
    runtime.reconfigure(BlueMarbleRateLimitScale="1")
    try:
        yield
    finally:
        runtime.reconfigure(BlueMarbleRateLimitScale="10000")


def test_register_login_refresh_and_logout(bluemarble):
    email = f"p-{uuid.uuid4().hex[:10]}@example.com"
    body = {"email": email, "password": "correct horse battery", "displayName": "Mara", "homeIsland": "duskmere"}
    registered = bluemarble.client.post("/api/auth/register", json=body)
    assert registered.status_code == 201
    data = registered.json()["data"]
    assert data["player"]["homeIsland"] == "Duskmere" and data["player"]["userType"] == "standard"
    assert "marketplace:transact" in data["permissions"] and data["tokenType"] == "Bearer"
    assert bluemarble.client.post("/api/auth/register", json=body).json()["error"]["code"] == "EMAIL_TAKEN"
    wrong = bluemarble.client.post("/api/auth/login", json={"email": email, "password": "wrong password"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "INVALID_CREDENTIALS"
    login = bluemarble.client.post("/api/auth/login", json={"email": email, "password": "correct horse battery"})
    refresh_token = login.json()["data"]["refreshToken"]
    renewed = bluemarble.client.post("/api/auth/refresh", json={"refreshToken": refresh_token})
    assert renewed.status_code == 200
    me = bluemarble.client.get(
        "/api/players/me", headers={"Authorization": f"Bearer {renewed.json()['data']['accessToken']}"}
    )
    assert me.json()["data"]["name"] == "Mara" and me.json()["data"]["email"] == email
    reused = bluemarble.client.post("/api/auth/refresh", json={"refreshToken": refresh_token})
    assert reused.status_code == 401
    assert bluemarble.client.post("/api/auth/logout", json={"refreshToken": refresh_token}).status_code == 204


def test_an_unknown_home_island_is_refused(bluemarble):
    body = {
        "email": f"p-{uuid.uuid4().hex[:8]}@example.com",
        "password": "correct horse battery",
        "homeIsland": "Atlantis",
    }
    response = bluemarble.client.post("/api/auth/register", json=body)
    assert response.status_code == 400 and "homeIsland" in response.json()["error"]["details"]


def test_requests_without_a_valid_bluemarble_token_are_401(bluemarble, jiga):
    jiga_user = jiga.register()
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, jiga_user.headers):
        response = bluemarble.client.get(LISTINGS, headers=headers)
        assert response.status_code == 401, headers
        assert response.json() == {
            "success": False,
            "error": {"code": "UNAUTHORIZED", "message": response.json()["error"]["message"]},
        }


def test_game_server_routes_need_a_service_token(bluemarble):
    player = bluemarble.funded()
    response = bluemarble.grant(player, "5.00")
    assert response.status_code == 201
    as_player = bluemarble.client.post(
        "/api/game/grants", json={"playerId": player.player_id, "coin": "5.00", "reason": "x"}, headers=player.headers
    )
    assert as_player.status_code == 403 and as_player.json()["error"]["code"] == "FORBIDDEN"
    bad = bluemarble.client.post("/api/auth/token", json={"clientId": "local-game-server", "clientSecret": "nope"})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "INVALID_CLIENT"


def test_a_grant_is_idempotent_by_its_grant_id(bluemarble):
    player = bluemarble.register()
    grant_id = f"season-reward-{uuid.uuid4()}"
    first = bluemarble.grant(player, "25.00", grantId=grant_id)
    again = bluemarble.grant(player, "25.00", grantId=grant_id)
    assert first.status_code == again.status_code == 201
    assert first.json()["data"]["grantId"] == grant_id
    assert bluemarble.balance(player) == 25
    different = bluemarble.grant(player, "30.00", grantId=grant_id)
    assert different.status_code == 409


def test_service_accounts_cannot_trade(bluemarble):
    response = bluemarble.client.post(
        LISTINGS, json={"itemId": str(uuid.uuid4()), "quantity": 1, "pricePerUnit": 1}, headers=bluemarble.server
    )
    assert response.status_code == 403


def test_a_membership_change_applies_from_the_next_token(bluemarble):
    player = bluemarble.register()
    response = bluemarble.client.put(
        f"/api/game/players/{player.player_id}/membership", json={"userType": "premium"}, headers=bluemarble.server
    )
    assert response.json()["data"] == {"playerId": player.player_id, "userType": "premium"}
    renewed = bluemarble.client.post("/api/auth/refresh", json={"refreshToken": player.refresh_token})
    assert renewed.json()["data"]["player"]["userType"] == "premium"
    missing = bluemarble.client.put(
        f"/api/game/players/{uuid.uuid4()}/membership", json={"userType": "premium"}, headers=bluemarble.server
    )
    assert missing.status_code == 404


def test_exceeding_the_rate_limit_is_a_429_with_retry_information(bluemarble, runtime):
    guest = bluemarble.client.post("/api/auth/guest").json()["data"]["accessToken"]
    headers = {"Authorization": f"Bearer {guest}"}
    with spec_rate_limits(runtime):
        allowed, after_burst, refused = [], [], None
        for _ in range(80):
            response = bluemarble.client.get(LISTINGS, params={"limit": 1}, headers=headers)
            if response.status_code == 200:
                allowed.append(response)
                continue
            assert response.status_code == 429
            error = response.json()["error"]
            if error["retryAfter"] == 1 and "one second" in error["message"]:  # the burst: 10 a second
                time.sleep(1)  # its reset timer: a second later the guest is served again
                served = bluemarble.client.get(LISTINGS, params={"limit": 1}, headers=headers)
                after_burst.append((served.status_code, len(allowed)))
                if served.status_code == 200:
                    allowed.append(served)
                    continue
                response = served
            refused = response
            break
    assert refused is not None, "the guest's 30 requests a minute were never refused"
    # after each burst refusal and its one-second wait the guest was served, unless the minute's 30 were gone
    assert all(status == 200 or used == 30 for status, used in after_burst)
    # The minute's 30 were used (the last allowed one said so) and the 429 says when to come back:
    # at the end of the minute's window, which the headers and the body agree on.
    assert allowed[-1].headers["x-ratelimit-limit"] == "30"
    assert allowed[-1].headers["x-ratelimit-remaining"] == "0"
    error = refused.json()["error"]
    assert error["code"] == "RATE_LIMIT_EXCEEDED" and error["limit"] == 30
    reset = int(refused.headers["x-ratelimit-reset"])
    assert error["resetAt"] == datetime.fromtimestamp(reset, UTC).isoformat().replace("+00:00", "Z")
    assert 1 <= error["retryAfter"] <= 60 and abs(reset - time.time() - error["retryAfter"]) <= 2
    assert refused.headers["retry-after"] == str(error["retryAfter"])


def test_a_new_minute_window_serves_a_caller_the_last_one_refused(runtime):
    """The reset timer of the minute's limit: the next window's counter starts from zero."""
    from shared.ratelimit import RateLimit, check_rate_limit

    table, caller, limit = runtime.physical_id("RateLimitTable"), f"user:{uuid.uuid4().hex}", RateLimit(2)
    start = (int(time.time()) // 60) * 60
    decisions = [check_rate_limit(table, "bluemarble", caller, limit, now=start + n) for n in range(3)]
    assert [d.allowed for d in decisions] == [True, True, False]
    assert decisions[-1].retry_after == 58 and decisions[-1].reset_at == start + 60
    assert check_rate_limit(table, "bluemarble", caller, limit, now=decisions[-1].reset_at).allowed


@pytest.mark.parametrize(("user_type", "cap"), [("standard", 10), ("premium", 20)])
def test_a_caller_with_too_many_requests_in_flight_is_refused(bluemarble, runtime, user_type, cap):
    player = bluemarble.register()
    if user_type == "premium":
        bluemarble.client.put(
            f"/api/game/players/{player.player_id}/membership", json={"userType": "premium"}, headers=bluemarble.server
        )
        refreshed = bluemarble.client.post("/api/auth/refresh", json={"refreshToken": player.refresh_token})
        player.access_token = refreshed.json()["data"]["accessToken"]
    table = runtime.physical_id("RateLimitTable")
    with spec_rate_limits(runtime):
        # Given the player already has their cap of requests in flight (held here, as slow requests would)
        held = [
            concurrency.acquire(table, "bluemarble", f"user:{player.player_id}", cap, f"held-{n}", 30)
            for n in range(cap)
        ]
        assert all(held)
        refused = bluemarble.client.get(LISTINGS, headers=player.headers)
        for lease in held:
            concurrency.release(table, "bluemarble", lease)
        served = bluemarble.client.get(LISTINGS, headers=player.headers)
    assert refused.status_code == 429
    assert refused.json()["error"]["limit"] == cap
    assert "in flight" in refused.json()["error"]["message"]
    assert served.status_code == 200


def test_a_lease_that_was_never_released_lapses(runtime):
    table = runtime.physical_id("RateLimitTable")
    caller = f"user:lapse-{uuid.uuid4().hex[:6]}"
    assert concurrency.acquire(table, "bluemarble", caller, 1, "crashed", 5, now=time.time() - 60)
    assert concurrency.acquire(table, "bluemarble", caller, 1, "next", 5) is not None


def test_x_request_id_is_echoed_or_made_up(bluemarble):
    player = bluemarble.register()
    mine = str(uuid.uuid4())
    echoed = bluemarble.client.get(LISTINGS, headers={**player.headers, "X-Request-ID": mine})
    assert echoed.headers["x-request-id"] == mine
    failed = bluemarble.client.get(f"{LISTINGS}/{uuid.uuid4()}", headers={**player.headers, "X-Request-ID": mine})
    assert failed.headers["x-request-id"] == mine
    for header in ({}, {"X-Request-ID": "bad id with spaces"}, {"X-Request-ID": "x" * 200}):
        made_up = bluemarble.client.get(LISTINGS, headers={**player.headers, **header})
        assert made_up.headers["x-request-id"] and made_up.headers["x-request-id"] != header.get("X-Request-ID")


def test_unknown_routes_and_methods_answer_in_the_envelope(bluemarble):
    player = bluemarble.register()
    missing = bluemarble.client.get("/api/marketplace/nothing-here", headers=player.headers)
    assert missing.status_code == 404 and missing.json()["success"] is False
    wrong = bluemarble.client.put(LISTINGS, headers=player.headers)
    assert wrong.status_code == 405 and "GET" in wrong.headers["allow"]


@pytest.mark.parametrize(
    "body",
    [
        b'{"itemId": "x", "quantity": 1, "pricePerUnit": NaN}',
        b'{"itemId": "\\ud800", "quantity": 1, "pricePerUnit": 1}',
        b"[" * 100 + b"]" * 100,
        b"{not json",
    ],
)
def test_hostile_bodies_are_a_400_not_a_500(bluemarble, body):
    player = bluemarble.register()
    response = bluemarble.client.post(
        LISTINGS, content=body, headers={**player.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "INVALID_REQUEST"
