"""Cross-cutting behaviour every API gets from the shared layer, seen through JIGA."""


def test_every_response_has_request_id_security_and_rate_limit_headers(jiga):
    response = jiga.client.get("/api/v1/wallet")
    assert response.status_code == 401
    for header in (
        "x-request-id",
        "x-content-type-options",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ):
        assert header in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


def test_an_unknown_route_is_a_404_in_the_envelope_with_every_header(jiga):
    response = jiga.client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    assert response.json()["error"]["requestId"] == response.headers["x-request-id"]
    assert "x-ratelimit-limit" in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_method_the_path_does_not_serve_is_a_405_with_allow(jiga):
    user = jiga.register()
    response = jiga.client.delete("/api/v1/agents/agt_123", headers=user.headers)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert jiga.client.put("/api/v1/wallet").headers["allow"] == "GET, HEAD"


def test_malformed_json_is_400_not_500(jiga):
    user = jiga.register()
    response = jiga.client.post(
        "/api/v1/agents", content=b"{not json", headers={**user.headers, "content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_INPUT"


def test_oversized_body_is_413(jiga):
    user = jiga.register()
    response = jiga.client.post(
        "/api/v1/agents", content=b"x" * (1024 * 1024 + 1), headers={**user.headers, "content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_cors_preflight_answers_for_configured_origins_only(jiga):
    allowed = jiga.client.options(
        "/api/v1/agents",
        headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"},
    )
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:5173"
    refused = jiga.client.options(
        "/api/v1/agents", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in refused.headers


def test_login_with_wrong_password_or_unknown_email_is_the_same_401(jiga):
    user = jiga.register(password="right password 1")
    wrong = jiga.client.post("/api/v1/auth/login", json={"email": user.email, "password": "wrong password"})
    unknown = jiga.client.post("/api/v1/auth/login", json={"email": "nobody@example.com", "password": "whatever1"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["code"] == unknown.json()["error"]["code"] == "INVALID_CREDENTIALS"


def test_registering_an_email_twice_is_409(jiga):
    user = jiga.register()
    again = jiga.client.post("/api/v1/auth/register", json={"email": user.email.upper(), "password": "another pass"})
    assert again.status_code == 409


def test_rate_limit_returns_429_in_envelope_with_retry_after(runtime, jiga):
    user = jiga.register()
    runtime.reconfigure(RateLimitPerMinute="3")
    try:
        statuses = [jiga.client.get("/api/v1/wallet", headers=user.headers) for _ in range(4)]
    finally:
        runtime.reconfigure(RateLimitPerMinute="1000000")
    assert [r.status_code for r in statuses[:3]] == [200, 200, 200]
    limited = statuses[3]
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "RATE_LIMIT_EXCEEDED"
    assert limited.headers["x-ratelimit-remaining"] == "0"
    assert int(limited.headers["retry-after"]) >= 1


def test_wallet_history_pages_with_a_cursor(jiga):
    user = jiga.register()
    for _ in range(3):
        jiga.grant(user, 100)
    first = jiga.client.get("/api/v1/wallet", params={"limit": 2}, headers=user.headers).json()
    assert first["balance"] == 300
    assert len(first["history"]) == 2
    assert first["pagination"]["hasMore"] is True
    second = jiga.client.get(
        "/api/v1/wallet", params={"limit": 2, "cursor": first["pagination"]["nextCursor"]}, headers=user.headers
    ).json()
    assert len(second["history"]) == 1
    assert second["balance"] == 300
    tampered = jiga.client.get("/api/v1/wallet", params={"cursor": "%%%"}, headers=user.headers)
    assert tampered.status_code == 400


def test_a_burst_limit_refuses_within_one_second_and_categories_count_apart(runtime):
    from shared.ratelimit import RateLimit, check_rate_limit

    table = runtime.physical_id("RateLimitTable")
    moment = 1_800_000_000.2  # one second inside one window
    writes = RateLimit(per_minute=30, burst=2, category="writes")
    decisions = [check_rate_limit(table, "test", "user:u1", writes, now=moment) for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, False]
    assert decisions[2].retry_after == 1  # a burst clears within the second
    # the next second has its own burst allowance, within the same minute
    assert check_rate_limit(table, "test", "user:u1", writes, now=moment + 1).allowed
    # another category keeps its own counters
    reads = RateLimit(per_minute=1, category="reads")
    assert check_rate_limit(table, "test", "user:u1", reads, now=moment).allowed
    refused = check_rate_limit(table, "test", "user:u1", reads, now=moment)
    assert not refused.allowed
    assert refused.retry_after == refused.reset_at - int(moment)


def test_a_token_of_one_api_is_refused_by_another_api_signed_with_another_key(jiga, loqua):
    # Given a JIGA user and a Loqua learner, each holding a token of their own API
    jiga_user = jiga.register()
    learner = loqua.register()
    # When each presents it to the other API's stack
    at_loqua = loqua.client.get("/api/v1/learner/preferences", headers=jiga_user.headers)
    at_jiga = jiga.client.get("/api/v1/wallet", headers=learner.headers)
    # Then both are refused as unauthenticated, each in its own API's envelope
    assert at_loqua.status_code == 401
    assert "error" in at_loqua.json() and "timestamp" in at_loqua.json()
    assert at_jiga.status_code == 401
    assert at_jiga.json()["error"]["code"] == "UNAUTHORIZED"
    # And each token still works where it belongs
    assert jiga.client.get("/api/v1/wallet", headers=jiga_user.headers).status_code == 200
    assert loqua.client.get("/api/v1/learner/preferences", headers=learner.headers).status_code in (200, 404)
