"""Who may do what: every resource belongs to one organisation (another organisation's id is a
404, as if it did not exist), and each route needs a permission of the caller's role (403)."""

import pytest

from tests.support.realestate import BASE, RealEstateDriver, Staff, lead_payload, simple_pdf


@pytest.fixture(scope="module")
def world(realestate: RealEstateDriver) -> dict:
    owner = realestate.register("Owner Realty")
    agent = realestate.create_agent(owner)
    realestate.upload(owner, agent["id"], "guide.pdf", simple_pdf(["Parking is included downtown."]), "application/pdf")
    realestate.settle()
    conversation = realestate.start_conversation(owner, agent["id"])
    realestate.send(owner, conversation["id"], "Is parking included?")
    lead = realestate.create_lead(owner, conversation["id"])
    deliveries = realestate.client.get(f"{BASE}/agents/{agent['id']}/webhook-deliveries", headers=owner.headers)
    return {
        "owner": owner,
        "stranger": realestate.register("Stranger Homes"),
        "viewer": realestate.invite(owner, "viewer"),
        "member": realestate.invite(owner, "member"),
        "manager": realestate.invite(owner, "manager"),
        "agent": agent,
        "conversation": conversation,
        "lead": lead,
        "deliveries": deliveries,
    }


def routes(world: dict) -> list[tuple[str, str, dict | None]]:
    agent, conversation, lead = world["agent"]["id"], world["conversation"]["id"], world["lead"]["id"]
    return [
        ("GET", f"/agents/{agent}", None),
        ("PUT", f"/agents/{agent}", {"name": "Renamed agent"}),
        ("DELETE", f"/agents/{agent}", None),
        ("GET", f"/agents/{agent}/documents", None),
        (
            "POST",
            f"/agents/{agent}/documents",
            {"document": {"name": "a.txt", "content": "aGk=", "mimeType": "text/plain"}},
        ),
        ("GET", f"/agents/{agent}/webhook-deliveries", None),
        ("GET", f"/agents/{agent}/webhook-deliveries/dlv_0000000000000aaaaaaaaaaaa", None),
        ("POST", f"/agents/{agent}/webhook-deliveries/dlv_0000000000000aaaaaaaaaaaa/redeliver", None),
        ("GET", f"/conversations/{conversation}", None),
        ("GET", f"/conversations/{conversation}/messages", None),
        ("POST", f"/conversations/{conversation}/messages", {"content": "hello", "sender": "user"}),
        ("PUT", f"/conversations/{conversation}/end", {"reason": "resolved"}),
        ("GET", f"/conversations/{conversation}/stream", None),
        ("POST", "/conversations", {"agentId": agent, "userId": "u1"}),
        ("GET", f"/leads/{lead}", None),
        ("POST", f"/leads/{lead}/bant-score", {"budget": 1, "authority": 1, "need": 1, "timeline": 1}),
        ("POST", f"/leads/{lead}/bant-score/accept-suggestion", None),
        ("PUT", f"/leads/{lead}/status", {"status": "contacted"}),
        ("POST", "/leads", lead_payload(conversation)),
        ("PUT", f"/organization/members/{world['owner'].user_id}", {"role": "viewer"}),
        ("DELETE", f"/organization/members/{world['viewer'].user_id}", None),
    ]


def call(realestate: RealEstateDriver, staff: Staff, method: str, path: str, body: dict | None):
    return realestate.client.request(method, BASE + path, json=body, headers=staff.headers)


def test_another_organisations_ids_answer_404_on_every_route(realestate: RealEstateDriver, world):
    stranger = world["stranger"]
    for method, path, body in routes(world):
        response = call(realestate, stranger, method, path, body)
        assert response.status_code == 404, (method, path, response.status_code, response.text)
        assert response.json()["error"]["code"] == "NOT_FOUND"
    # And their lists simply do not contain the owner's resources
    for path in ("/agents", "/conversations", "/leads", f"/conversations?agentId={world['agent']['id']}"):
        listed = call(realestate, stranger, "GET", path, None).json()["data"]
        assert listed["items"] == [] and listed["pagination"]["total"] == 0, path
    # And nothing changed for the owner
    owner = world["owner"]
    assert (
        call(realestate, owner, "GET", f"/agents/{world['agent']['id']}", None).json()["data"]["agent"]["status"]
        == "active"
    )
    assert (
        call(realestate, owner, "GET", f"/leads/{world['lead']['id']}", None).json()["data"]["lead"]["status"] == "new"
    )


@pytest.mark.parametrize(
    ("role", "method", "path_of", "body"),
    [
        ("viewer", "POST", lambda w: "/agents", {"name": "Not allowed"}),
        ("viewer", "PUT", lambda w: f"/agents/{w['agent']['id']}", {"name": "Not allowed"}),
        ("viewer", "POST", lambda w: "/conversations", {"agentId": "x", "userId": "u"}),
        ("viewer", "POST", lambda w: "/leads", lead_payload()),
        ("viewer", "PUT", lambda w: f"/leads/{w['lead']['id']}/status", {"status": "contacted"}),
        ("member", "DELETE", lambda w: f"/agents/{w['agent']['id']}", None),
        (
            "member",
            "POST",
            lambda w: f"/agents/{w['agent']['id']}/documents",
            {"document": {"name": "a.txt", "content": "aGk=", "mimeType": "text/plain"}},
        ),
        ("member", "POST", lambda w: f"/agents/{w['agent']['id']}/webhook-deliveries/x/redeliver", None),
        ("manager", "POST", lambda w: "/organization/members", {"email": "new@example.com", "role": "viewer"}),
        ("manager", "PUT", lambda w: "/organization", {"name": "Renamed"}),
        ("member", "GET", lambda w: "/organization/invitations", None),
    ],
)
def test_a_member_without_the_permission_gets_403(realestate: RealEstateDriver, world, role, method, path_of, body):
    response = call(realestate, world[role], method, path_of(world), body)
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "FORBIDDEN"
    assert response.json()["error"]["details"]["field"] == "permissions"


def test_roles_allow_what_they_name(realestate: RealEstateDriver, world):
    member, viewer = world["member"], world["viewer"]
    conversation = realestate.start_conversation(member, world["agent"]["id"])
    assert realestate.send(member, conversation["id"], "Is parking included?")["reply"]["metadata"]["grounded"]
    assert call(realestate, viewer, "GET", f"/conversations/{conversation['id']}", None).status_code == 200
    assert call(realestate, viewer, "GET", "/leads", None).status_code == 200


def test_tokens_carry_exactly_the_spec_claims(realestate: RealEstateDriver, world):
    import jwt

    claims = jwt.decode(world["member"].access_token, options={"verify_signature": False})
    assert set(claims) == {"userId", "organizationId", "role", "permissions", "exp"}
    assert claims["role"] == "member" and "conversation:manage" in claims["permissions"]
    assert claims["organizationId"] == world["owner"].organization_id


def test_requests_without_a_valid_token_are_401(realestate: RealEstateDriver, world):
    import jwt

    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic abc"}):
        response = realestate.client.get(f"{BASE}/agents", headers=headers)
        assert response.status_code == 401 and response.json()["error"]["code"] == "UNAUTHORIZED"
    forged = jwt.encode(
        {**jwt.decode(world["viewer"].access_token, options={"verify_signature": False}), "role": "admin"},
        "a-guessed-key-that-is-long-enough-for-hs256",
        algorithm="HS256",
    )
    assert realestate.client.get(f"{BASE}/agents", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_an_organisation_keeps_an_admin_and_a_removed_member_cannot_come_back(realestate: RealEstateDriver):
    admin = realestate.register()
    demote = realestate.client.put(
        f"{BASE}/organization/members/{admin.user_id}", json={"role": "viewer"}, headers=admin.headers
    )
    assert demote.status_code == 409
    viewer = realestate.invite(admin, "viewer")
    removed = realestate.client.delete(f"{BASE}/organization/members/{viewer.user_id}", headers=admin.headers)
    assert removed.status_code == 204
    login = realestate.client.post(
        f"{BASE}/auth/login", json={"email": viewer.email, "password": "correct horse battery"}
    )
    assert login.status_code == 401
    refreshed = realestate.client.post(f"{BASE}/auth/refresh", json={"refreshToken": viewer.refresh_token})
    assert refreshed.status_code == 401


def test_another_apis_token_is_refused_and_ours_is_refused_there(realestate: RealEstateDriver, jiga):
    jiga_user = jiga.register()
    admin = realestate.register()
    at_realestate = realestate.client.get(f"{BASE}/agents", headers=jiga_user.headers)
    assert at_realestate.status_code == 401 and at_realestate.json()["error"]["code"] == "UNAUTHORIZED"
    assert jiga.client.get("/api/v1/wallet", headers=admin.headers).status_code == 401
    assert realestate.client.get(f"{BASE}/agents", headers=admin.headers).status_code == 200
