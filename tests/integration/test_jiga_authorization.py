"""Who may do what: every JIGA route refuses strangers and other users' resources."""

import pytest

from tests.support.jiga import agent_payload, listing_payload

PROTECTED_ROUTES = [
    ("POST", "/api/v1/agents"),
    ("GET", "/api/v1/agents/agt_x"),
    ("PUT", "/api/v1/agents/agt_x/config"),
    ("POST", "/api/v1/agents/agt_x/publish"),
    ("GET", "/api/v1/wallet"),
    ("POST", "/api/v1/admin/dof-grants"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED_ROUTES)
def test_every_protected_route_is_401_without_a_valid_token(jiga, method, path):
    for headers in ({}, {"Authorization": "Bearer not-a-jwt"}, {"Authorization": "Basic abc"}):
        response = jiga.client.request(method, path, json={}, headers=headers)
        assert response.status_code == 401, (method, path, headers)
        assert response.json()["error"]["code"] == "UNAUTHORIZED"


def test_refresh_tokens_are_not_access_tokens(jiga):
    user = jiga.register()
    response = jiga.client.get("/api/v1/wallet", headers={"Authorization": f"Bearer {user.refresh_token}"})
    assert response.status_code == 401
    refreshed = jiga.client.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token})
    assert refreshed.status_code == 200
    assert (
        jiga.client.get(
            "/api/v1/wallet", headers={"Authorization": f"Bearer {refreshed.json()['access_token']}"}
        ).status_code
        == 200
    )


def test_another_users_unpublished_agent_does_not_exist_for_them_on_any_route(jiga):
    # Given someone's agent that is not published yet
    owner = jiga.user_with_dofs(10_000)
    stranger = jiga.user_with_dofs(10_000)
    agent = jiga.create_agent(owner)
    url = f"/api/v1/agents/{agent['id']}"
    attempts = {
        "read": ("GET", url, None),
        "configure": ("PUT", f"{url}/config", {"configuration": {"high_speed_vision": True}}),
        "publish": ("POST", f"{url}/publish", listing_payload()),
        "run as owner": ("POST", "/api/v1/sessions", {"agentId": agent["id"], "type": "owned"}),
    }
    # When a stranger tries anything on it, then every route answers as for an id that does not
    # exist: nothing tells them the agent is real
    for what, (method, path, body) in attempts.items():
        response = jiga.client.request(method, path, json=body, headers=stranger.headers)
        assert response.status_code == 404, what
        assert response.json()["error"]["code"] == "AGENT_NOT_FOUND", what
    # Once published (anyone can see it), changing it is 403 NOT_AGENT_OWNER and reading it the public view
    jiga.publish(owner, agent["id"])
    for what in ("configure", "publish", "run as owner"):
        method, path, body = attempts[what]
        response = jiga.client.request(method, path, json=body, headers=stranger.headers)
        assert response.status_code == 403, what
        assert response.json()["error"]["code"] == "NOT_AGENT_OWNER", what
    public = jiga.client.get(url, headers=stranger.headers).json()
    assert "target_fps" not in public["configuration"]
    assert public["configuration"]["provider"] == "gemini"
    # and the stranger was charged nothing, the owner's wallet is theirs alone
    assert jiga.balance(stranger) == 10_000


def test_unknown_agent_is_404_agent_not_found(jiga):
    user = jiga.register()
    for method, path, body in (
        ("GET", "/api/v1/agents/agt_missing", None),
        ("PUT", "/api/v1/agents/agt_missing/config", {"configuration": {"high_speed_vision": True}}),
        ("POST", "/api/v1/agents/agt_missing/publish", listing_payload()),
    ):
        response = jiga.client.request(method, path, json=body, headers=user.headers)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "AGENT_NOT_FOUND"


def test_only_operators_grant_dofs(jiga):
    user = jiga.register()
    response = jiga.client.post(
        "/api/v1/admin/dof-grants",
        json={"userId": user.user_id, "amount": 1_000, "reason": "self"},
        headers=user.headers,
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "INSUFFICIENT_PERMISSIONS"
    assert jiga.balance(user) == 0


def test_grant_to_unknown_user_is_404(jiga):
    response = jiga.client.post(
        "/api/v1/admin/dof-grants",
        json={"userId": "usr_nobody", "amount": 10, "reason": "typo"},
        headers=jiga.operator.headers,
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "USER_NOT_FOUND"


def test_a_token_signed_with_jigas_own_key_for_another_audience_or_issuer_is_refused(runtime, jiga):
    # Given someone holding JIGA's key signs a token meant for another API (or another stage)
    from jiga_store.identity import token_policy
    from shared.tokens import TokenPolicy

    user = jiga.register()
    with runtime.function_environment("JigaWalletFunction"):
        policy = token_policy()
        for other in (
            TokenPolicy(key=policy.key, issuer=policy.issuer, audience="cosmic"),
            TokenPolicy(key=policy.key, issuer="jiga/prod", audience="jiga"),
        ):
            foreign, _ = other.issue({"sub": user.user_id, "roles": []})
            # Then JIGA refuses it
            response = jiga.client.get("/api/v1/wallet", headers={"Authorization": f"Bearer {foreign}"})
            assert response.status_code == 401
            assert response.json()["error"]["code"] == "UNAUTHORIZED"


def test_a_token_signed_with_another_key_is_refused(jiga):
    from shared.tokens import HmacSigningKey, TokenPolicy

    user = jiga.register()
    forged = TokenPolicy(key=lambda: HmacSigningKey(lambda: "x" * 64), issuer="jiga/dev", audience="jiga")
    token, _ = forged.issue({"sub": user.user_id, "roles": ["admin"]})
    response = jiga.client.get("/api/v1/wallet", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_create_agent_charges_the_caller_not_someone_else(jiga):
    payer = jiga.user_with_dofs(5_000)
    bystander = jiga.user_with_dofs(5_000)
    jiga.client.post("/api/v1/agents", json=agent_payload(), headers=payer.headers)
    assert jiga.balance(payer) == 4_500
    assert jiga.balance(bystander) == 5_000
