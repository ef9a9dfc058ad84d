"""The JIGA agents slice through the template's routes (API Gateway event -> Mangum -> FastAPI)."""

from tests.support.jiga import agent_payload, listing_payload


def test_newcomer_registers_gets_dofs_creates_configures_and_publishes(jiga):
    # Given a registered user with DOFs granted by an operator
    user = jiga.user_with_dofs(10_000)
    # When they create a Bronze agent
    agent = jiga.create_agent(user, name="Flank Master")
    # Then the agent is theirs, unpublished, and its creation cost left their wallet
    assert agent["ownerId"] == user.user_id
    assert agent["marketplaceStatus"] == {"isPublished": False, "isHirable": False}
    assert jiga.balance(user) == 10_000 - 500
    # When they configure and publish it
    config = jiga.client.put(
        f"/api/v1/agents/{agent['id']}/config",
        json={"configuration": {"high_speed_vision": True, "target_fps": 5.0}},
        headers=user.headers,
    )
    assert config.status_code == 200
    published = jiga.publish(user, agent["id"])
    # Then the listing is active and the agent reads as published and hirable
    assert published["status"] == "active"
    assert published["listingId"].startswith("lst_")
    fetched = jiga.client.get(f"/api/v1/agents/{agent['id']}", headers=user.headers).json()
    assert fetched["marketplaceStatus"] == {"isPublished": True, "isHirable": True}
    assert fetched["configuration"]["target_fps"] == 5.0


def test_creating_an_agent_without_enough_dofs_is_402_with_details_and_writes_nothing(jiga):
    user = jiga.user_with_dofs(1_000)
    response = jiga.client.post("/api/v1/agents", json=agent_payload(rank="Silver"), headers=user.headers)
    assert response.status_code == 402
    error = response.json()["error"]
    assert error["code"] == "INSUFFICIENT_DOFS"
    assert error["details"] == {"required": 2_000, "available": 1_000, "shortfall": 1_000}
    assert error["requestId"] == response.headers["x-request-id"]
    assert jiga.balance(user) == 1_000


def test_duplicate_agent_name_per_owner_is_409_and_not_charged_twice(jiga):
    user = jiga.user_with_dofs(10_000)
    jiga.create_agent(user, name="Same Name")
    again = jiga.client.post("/api/v1/agents", json=agent_payload(name="same name"), headers=user.headers)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "AGENT_NAME_EXISTS"
    assert jiga.balance(user) == 9_500
    # another owner may use the name
    other = jiga.user_with_dofs(1_000)
    assert (
        jiga.client.post("/api/v1/agents", json=agent_payload(name="Same Name"), headers=other.headers).status_code
        == 201
    )


def test_agent_validation_errors_are_400_in_the_jiga_envelope(jiga):
    user = jiga.user_with_dofs(10_000)
    cases = [
        agent_payload(name="ab"),
        agent_payload(name="x" * 51),
        agent_payload(rank="Diamond"),
        agent_payload(type="Specialist"),  # specialization is required for Specialists
        agent_payload(provider="anthropic"),
        agent_payload(toolkit=["observation", "observation"]),
    ]
    for payload in cases:
        response = jiga.client.post("/api/v1/agents", json=payload, headers=user.headers)
        assert response.status_code == 400, payload
        error = response.json()["error"]
        assert error["code"] == "INVALID_INPUT"
        assert error["details"] and error["timestamp"] and error["requestId"]
    missing = jiga.client.post("/api/v1/agents", json={"name": "Only A Name"}, headers=user.headers)
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "MISSING_REQUIRED_FIELD"
    assert jiga.balance(user) == 10_000


def test_specialist_with_specialization_is_created(jiga):
    user = jiga.user_with_dofs(10_000)
    agent = jiga.create_agent(
        user,
        type="Specialist",
        specialization={"games": ["Valorant"], "focus": "aim training", "specialistType": "Trained"},
    )
    assert agent["configuration"]["specialization"]["games"] == ["Valorant"]


def test_configuration_ranges_are_422_types_400_and_warnings_do_not_block(jiga):
    user = jiga.user_with_dofs(10_000)
    agent = jiga.create_agent(user, features={"hasVoiceChat": False, "hasCommentator": False, "hasMemory": False})
    url = f"/api/v1/agents/{agent['id']}/config"
    out_of_range = jiga.client.put(
        url, json={"configuration": {"high_speed_vision": True, "target_fps": 11}}, headers=user.headers
    )
    assert out_of_range.status_code == 422
    assert out_of_range.json()["error"]["code"] == "INVALID_CONFIGURATION"
    wrong_type = jiga.client.put(url, json={"configuration": {"high_speed_vision": "very"}}, headers=user.headers)
    assert wrong_type.status_code == 400
    assert wrong_type.json()["error"]["code"] == "INVALID_CONFIGURATION"
    not_an_object = jiga.client.put(url, json={"configuration": [1, 2]}, headers=user.headers)
    assert not_an_object.status_code == 400
    warned = jiga.client.put(
        url,
        json={"configuration": {"high_speed_vision": False, "high_speed_mode": "ultra_fast", "voice_enabled": True}},
        headers=user.headers,
    )
    assert warned.status_code == 200
    assert len(warned.json()["validationWarnings"]) == 2
    assert warned.json()["configuration"]["high_speed_mode"] == "ultra_fast"


def test_publish_rules_listing_400_pricing_422_eligibility_403(jiga):
    user = jiga.user_with_dofs(50_000)
    agent = jiga.create_agent(user)
    url = f"/api/v1/agents/{agent['id']}/publish"
    too_many_tags = listing_payload(tags=[f"t{i}" for i in range(11)])
    assert jiga.client.post(url, json=too_many_tags, headers=user.headers).status_code == 400
    bad_category = listing_payload(category=["Cooking"])
    assert jiga.client.post(url, json=bad_category, headers=user.headers).status_code == 400
    bad_zone = listing_payload(availability={"schedule": "always", "timezone": "Mars/Olympus"})
    assert jiga.client.post(url, json=bad_zone, headers=user.headers).status_code == 400
    no_hours = listing_payload(availability={"schedule": "scheduled", "timezone": "UTC"})
    assert jiga.client.post(url, json=no_hours, headers=user.headers).status_code == 400
    cheap = listing_payload(pricing={"hourly": 10, "daily": 100, "weekly": 500})
    response = jiga.client.post(url, json=cheap, headers=user.headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "PRICING_VALIDATION_FAILED"
    dearer_daily = listing_payload(pricing={"hourly": 500, "daily": 20_000, "weekly": 50_000})
    assert jiga.client.post(url, json=dearer_daily, headers=user.headers).status_code == 422

    expert = jiga.create_agent(
        user,
        type="Specialist",
        specialization={"games": ["CS2"], "focus": "clutches", "specialistType": "Experience"},
    )
    response = jiga.client.post(f"/api/v1/agents/{expert['id']}/publish", json=listing_payload(), headers=user.headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "AGENT_NOT_ELIGIBLE"


def test_expensive_listing_goes_to_review_and_is_not_hirable(jiga):
    user = jiga.user_with_dofs(10_000)
    agent = jiga.create_agent(user)
    published = jiga.publish(user, agent["id"], pricing={"hourly": 60_000, "daily": 1_000_000, "weekly": 5_000_000})
    assert published["status"] == "pending_review"
    fetched = jiga.client.get(f"/api/v1/agents/{agent['id']}", headers=user.headers).json()
    assert fetched["marketplaceStatus"] == {"isPublished": True, "isHirable": False}


def test_republishing_keeps_the_listing_id(jiga):
    user = jiga.user_with_dofs(10_000)
    agent = jiga.create_agent(user)
    first = jiga.publish(user, agent["id"])
    second = jiga.publish(user, agent["id"], title="A better title")
    assert first["listingId"] == second["listingId"]


def test_create_agent_honours_idempotency_key(jiga):
    user = jiga.user_with_dofs(10_000)
    payload = agent_payload(name="Retry Safe")
    headers = {**user.headers, "Idempotency-Key": "create-retry-safe-1"}
    first = jiga.client.post("/api/v1/agents", json=payload, headers=headers)
    replay = jiga.client.post("/api/v1/agents", json=payload, headers=headers)
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.headers["idempotent-replayed"] == "true"
    assert jiga.balance(user) == 9_500  # charged once
    different = jiga.client.post("/api/v1/agents", json=agent_payload(name="Other Body"), headers=headers)
    assert different.status_code == 422
    assert different.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    too_long = jiga.client.post("/api/v1/agents", json=payload, headers={**user.headers, "Idempotency-Key": "k" * 256})
    assert too_long.status_code == 400


def test_a_failed_request_records_no_idempotency_result(jiga):
    user = jiga.register()
    headers = {**user.headers, "Idempotency-Key": "broke-then-funded"}
    payload = agent_payload(name="Needs Funds")
    assert jiga.client.post("/api/v1/agents", json=payload, headers=headers).status_code == 402
    jiga.grant(user, 1_000)
    assert jiga.client.post("/api/v1/agents", json=payload, headers=headers).status_code == 201


def test_request_bodies_are_strictly_typed_no_silent_coercion(jiga):
    user = jiga.user_with_dofs(10_000)
    loose = agent_payload(features={"hasVoiceChat": 1, "hasCommentator": 0, "hasMemory": 0})
    response = jiga.client.post("/api/v1/agents", json=loose, headers=user.headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_INPUT"
    assert jiga.balance(user) == 10_000
