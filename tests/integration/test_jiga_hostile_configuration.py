"""Configurations a careless or hostile client sends: wrong types are refused rather than
converted, and nothing DynamoDB cannot hold is ever stored (so no request can brick an agent)."""

import pytest

DEEP = {"a": 1}
for _ in range(40):
    DEEP = {"n": DEEP}


@pytest.fixture(scope="module")
def owner_and_agent(jiga):
    owner = jiga.user_with_dofs(10_000)
    return owner, jiga.create_agent(owner)


def put_config(jiga, owner, agent, configuration):
    return jiga.client.put(
        f"/api/v1/agents/{agent['id']}/config", json={"configuration": configuration}, headers=owner.headers
    )


@pytest.mark.parametrize(
    "configuration",
    [
        {"high_speed_vision": "yes"},
        {"high_speed_vision": 1},
        {"high_speed_vision": True, "target_fps": "5"},
        {"high_speed_vision": True, "voice_enabled": "false"},
        {"high_speed_vision": True, "max_concurrent_analyses": 2.5},
        {"high_speed_vision": True, "team_messaging": {"enabled": "true", "propagation_mode": "broadcast"}},
    ],
)
def test_wrong_types_are_400_invalid_configuration_and_never_converted(jiga, owner_and_agent, configuration):
    owner, agent = owner_and_agent
    before = jiga.client.get(f"/api/v1/agents/{agent['id']}", headers=owner.headers).json()["configuration"]
    response = put_config(jiga, owner, agent, configuration)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "INVALID_CONFIGURATION"
    after = jiga.client.get(f"/api/v1/agents/{agent['id']}", headers=owner.headers).json()["configuration"]
    assert after == before


def test_an_int_is_a_number_for_target_fps(jiga, owner_and_agent):
    owner, agent = owner_and_agent
    response = put_config(jiga, owner, agent, {"high_speed_vision": True, "target_fps": 5})
    assert response.status_code == 200, response.text
    assert response.json()["configuration"]["target_fps"] == 5


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"": 1}, "configuration"),
        ({"zoom": 1e200}, "configuration.zoom"),
        ({"zoom": 1e-200}, "configuration.zoom"),
        ({"zoom": 10**40}, "configuration.zoom"),
        ({"zoom": 1e126}, "configuration.zoom"),
        ({"deep": DEEP}, None),
    ],
)
def test_free_form_options_dynamodb_cannot_hold_are_refused_and_the_agent_stays_usable(
    jiga, owner_and_agent, extra, field
):
    # Given an owner's agent
    owner, agent = owner_and_agent
    # When they store an option DynamoDB would refuse (an empty key, a number out of its range or
    # precision, nesting past its 32 levels)
    response = put_config(jiga, owner, agent, {"high_speed_vision": True, **extra})
    # Then it is a 400 naming the place, in the JIGA envelope
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "INVALID_CONFIGURATION"
    if field:
        assert error["details"]["field"] == field
    # and the agent still reads, configures and publishes
    assert jiga.client.get(f"/api/v1/agents/{agent['id']}", headers=owner.headers).status_code == 200
    assert put_config(jiga, owner, agent, {"high_speed_vision": False, "notes": {"ok": [1, 2.5]}}).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        b'{"configuration": {"high_speed_vision": true, "zoom": NaN}}',
        b'{"configuration": {"high_speed_vision": true, "zoom": Infinity}}',
        b'{"configuration": {"high_speed_vision": true, "name": "\\ud800"}}',
    ],
)
def test_nan_infinity_and_lone_surrogates_are_400_not_500(jiga, owner_and_agent, body):
    owner, agent = owner_and_agent
    response = jiga.client.put(
        f"/api/v1/agents/{agent['id']}/config",
        content=body,
        headers={**owner.headers, "content-type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "INVALID_INPUT"


@pytest.mark.parametrize(
    ("configuration", "status"),
    [
        ({"zoom": 1e200}, 400),
        ({"": True}, 400),
        ({"deep": DEEP}, 400),
        ({"voice_enabled": "yes"}, 400),
        ({"target_fps": 50}, 422),
    ],
)
def test_session_configuration_is_checked_like_an_agents_and_nothing_is_charged(jiga, configuration, status):
    owner = jiga.user_with_dofs(10_000)
    agent = jiga.create_agent(owner)
    balance = jiga.balance(owner)
    response = jiga.client.post(
        "/api/v1/sessions",
        json={"agentId": agent["id"], "type": "owned", "configuration": configuration},
        headers=owner.headers,
    )
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == "INVALID_CONFIGURATION"
    assert jiga.balance(owner) == balance
