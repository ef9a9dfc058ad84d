"""Agent service tokens (minted and revoked by operators, refused at once once revoked), the
health check, and the spec's per-agent rate limits."""

import pytest

from ops import loqua_agent_tokens
from tests.support.loqua import LOQUA_RATE_LIMIT_GROUPS, Agent, session_body


def health(loqua, agent: Agent, **body):
    return loqua.client.post("/api/v1/agent/health", json=body or {"userId": "user_uuid_here"}, headers=agent.headers)


def test_a_healthy_agent_sees_its_permissions(loqua):
    agent = loqua.agent(permissions=["user.context", "user.progress"])
    response = health(loqua, agent)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body.pop("timestamp")
    assert body == {"status": "healthy", "agent_id": agent.agent_id, "permissions": ["user.progress", "user.context"]}


def test_health_needs_a_user_id(loqua):
    response = loqua.client.post("/api/v1/agent/health", json={}, headers=loqua.agent().headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "MISSING_USER_ID"


def test_a_dependency_down_fails_the_health_check(loqua, monkeypatch):
    # Given SQS answering errors (an outage: the runtime's own queue stays as it is for other tests)
    from botocore.exceptions import ClientError

    from loqua_agent.dal.queue import ProgressQueue

    def unavailable(_queue):
        raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "down"}}, "GetQueueAttributes")

    monkeypatch.setattr(ProgressQueue, "reachable", unavailable)
    response = health(loqua, loqua.agent())
    assert response.status_code == 503
    assert response.json()["error"] == {
        "code": "HEALTH_CHECK_FAILED",
        "message": "Health check failed: progress queue unavailable",
    }


def test_operators_mint_list_and_revoke_agent_tokens(loqua):
    agent = loqua.agent(permissions=["user.token"])
    listed = loqua.client.get(f"/api/v1/admin/agents/{agent.agent_id}/tokens", headers=loqua.operator.headers).json()
    assert [(token["token_id"], token["status"]) for token in listed["tokens"]] == [(agent.token_id, "active")]
    assert health(loqua, agent).status_code == 200
    revoked = loqua.client.delete(
        f"/api/v1/admin/agents/{agent.agent_id}/tokens/{agent.token_id}", headers=loqua.operator.headers
    )
    assert revoked.status_code == 204
    refused = health(loqua, agent)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "INVALID_AGENT_TOKEN"


def test_revoking_an_agent_refuses_the_user_tokens_it_obtained_at_once(loqua):
    agent, learner = loqua.agent(), loqua.onboarded()
    user_jwt = loqua.user_token(agent, learner)
    assert loqua.context(user_jwt, agent, learner).status_code == 200
    response = loqua.client.delete(f"/api/v1/admin/agents/{agent.agent_id}/tokens", headers=loqua.operator.headers)
    assert response.json() == {"agent_id": agent.agent_id, "revoked": [agent.token_id]}
    refused = loqua.context(user_jwt, agent, learner)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "INVALID_USER_TOKEN"


def test_only_operators_mint(loqua):
    learner = loqua.register()
    response = loqua.client.post(
        "/api/v1/admin/agents/sneaky-agent/tokens", json={"permissions": ["user.token"]}, headers=learner.headers
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "INSUFFICIENT_PERMISSIONS"
    agent = loqua.agent()
    as_agent = loqua.client.get(f"/api/v1/admin/agents/{agent.agent_id}/tokens", headers=agent.headers)
    assert as_agent.status_code == 401


@pytest.mark.parametrize(
    "body",
    [{"permissions": []}, {"permissions": ["user.admin"]}, {"permissions": ["user.token"], "expires_in_days": 0}],
)
def test_a_mint_must_be_sensible(loqua, body):
    response = loqua.client.post("/api/v1/admin/agents/tutor-x/tokens", json=body, headers=loqua.operator.headers)
    assert response.status_code == 400


def test_the_ops_command_mints_and_revokes(loqua, runtime, capsys):
    table = runtime.physical_id("LoquaTable")
    secret = runtime.arn("LoquaAgentTokenSecret")
    with runtime.function_environment("LoquaAdminFunction"):
        code = loqua_agent_tokens.main(
            [
                "mint",
                "--stage",
                "dev",
                "--table",
                table,
                "--agent-secret-arn",
                secret,
                "--agent",
                "ops-tutor",
                "--permissions",
                "user.token,user.context",
                "--days",
                "30",
            ]
        )
        assert code == 0
        printed = dict(line.split(" ", 1) for line in capsys.readouterr().out.splitlines())
        agent = Agent("ops-tutor", printed["token"], printed["token_id"])
        assert health(loqua, agent).json()["permissions"] == ["user.context", "user.token"]
        assert loqua_agent_tokens.main(["revoke", "--table", table, "--agent", "ops-tutor"]) == 0
    assert health(loqua, agent).status_code == 401


def test_the_spec_s_rate_limits_count_per_agent(loqua, runtime, monkeypatch):
    # Given the spec's limits (the suite otherwise runs with high ones), within one minute's window
    import time
    from types import SimpleNamespace

    moment = time.time()
    monkeypatch.setattr("shared.ratelimit.time", SimpleNamespace(time=lambda: moment))
    runtime.reconfigure(LoquaRateLimits="")
    try:
        agent, learner = loqua.agent(), loqua.onboarded()
        other = loqua.agent()
        user_jwt = loqua.user_token(agent, learner)
        answers = [loqua.session(user_jwt, agent, session_body(learner, f"sess_limit_{index}")) for index in range(11)]
        # Then ten sessions a minute pass, with the spec's headers, and the eleventh is refused
        assert [answer.status_code for answer in answers] == [200] * 10 + [429]
        assert answers[0].headers["X-RateLimit-Limit"] == "10"
        assert answers[9].headers["X-RateLimit-Remaining"] == "0"
        assert int(answers[10].headers["Retry-After"]) >= 1
        assert answers[10].json()["error"]["code"] == "RATE_LIMIT_EXCEEDED"
        assert health(loqua, other).headers["X-RateLimit-Limit"] == "60"  # another agent, another group
    finally:
        runtime.reconfigure(LoquaRateLimits=LOQUA_RATE_LIMIT_GROUPS)
