"""POST /api/v1/agent/user-token: the learner's JWT for the agent in their LiveKit call, encrypted
as the spec's own ``decrypt_user_token`` expects (run here verbatim, tests/support/loqua_spec_agent.py)."""

import base64
import os
import re

import jwt
import pytest
from cryptography.exceptions import InvalidTag

from local.runtime import ROOT
from loqua_agent.logic.encryption import decrypt_gcm, gcm_associated_data
from tests.support import loqua_spec_agent
from tests.support.loqua import ALL_PERMISSIONS


def spec_file():
    for candidate in (ROOT.parent / "shared", ROOT.parent.parent / "shared"):
        path = candidate / "specs" / "loqua-agent.md"
        if path.exists():
            return path
    pytest.skip("the specs are not beside this checkout")


def test_the_spec_code_here_is_the_spec_s():
    blocks = re.findall(r"```python\n(.*?)```", spec_file().read_text(), re.S)
    copied = (ROOT / "tests" / "support" / "loqua_spec_agent.py").read_text()
    assert blocks[0] in copied and blocks[1] in copied


def test_an_agent_running_the_spec_code_decrypts_the_learner_jwt(loqua, loqua_secrets, monkeypatch):
    # Given the sample agent's environment as the spec describes it (development stage)
    agent = loqua.agent()
    learner = loqua.onboarded()
    room = loqua.call(agent, learner)
    for name in ("NODE_ENV", "VERCEL_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DEV_AGENT_SECRET", agent.token)
    monkeypatch.setenv("DEV_JWT_SECRET", loqua_secrets["LoquaUserTokenSecret"])
    assert loqua_spec_agent.detect_environment() == "development"

    # When it asks for the learner's token with the bearer get_agent_secret() returns
    response = loqua.client.post(
        "/api/v1/agent/user-token",
        json={"room_name": room, "user_id": learner.user_id, "agent_id": agent.agent_id},
        headers={"Authorization": f"Bearer {loqua_spec_agent.get_agent_secret()}", "X-Agent-ID": agent.agent_id},
    )

    # Then the body is the spec's, and the spec's decrypt_user_token gives a JWT that verifies
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"success", "encrypted_token", "expires_in", "issued_at", "user_id", "agent_id"}
    assert body["success"] is True and body["expires_in"] == 3600
    assert body["user_id"] == learner.user_id and body["agent_id"] == agent.agent_id
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["issued_at"])
    assert len(base64.b64decode(body["encrypted_token"])) % 16 == 0
    user_jwt = loqua_spec_agent.decrypt_user_token(body["encrypted_token"], os.environ["DEV_JWT_SECRET"])
    claims = jwt.decode(user_jwt, loqua_secrets["LoquaTokenSigningSecret"], algorithms=["HS256"], audience="loqua")
    assert claims["sub"] == learner.user_id
    assert claims["act"] == {"sub": agent.agent_id}
    assert claims["typ"] == "user" and claims["room"] == room
    assert claims["exp"] - claims["iat"] == 3600
    assert sorted(claims["permissions"]) == sorted(ALL_PERMISSIONS)

    # And the learner sees it in their audit log as their own action, with the agent recorded
    log = loqua.client.get("/api/v1/learner/audit-log", headers=learner.headers).json()
    issued = [entry for entry in log["entries"] if entry["action"] == "user_token.issued"]
    assert issued and issued[0]["actor"] == {"type": "user", "user_id": learner.user_id}
    assert issued[0]["via_agent"] == agent.agent_id


def test_the_authenticated_variant_refuses_a_tampered_token(loqua, loqua_secrets):
    agent = loqua.agent()
    learner = loqua.onboarded()
    room = loqua.call(agent, learner)
    response = loqua.request_user_token(agent, learner, room, encryption="aes-256-gcm")
    assert response.status_code == 200, response.text
    assert response.json()["encryption"] == "aes-256-gcm"
    secret, sealed = loqua_secrets["LoquaUserTokenSecret"], response.json()["encrypted_token"]
    associated = gcm_associated_data(agent.agent_id, learner.user_id)
    assert jwt.decode(decrypt_gcm(sealed, secret, associated), options={"verify_signature": False})["sub"] == (
        learner.user_id
    )
    raw = bytearray(base64.b64decode(sealed))
    raw[20] ^= 1
    with pytest.raises(InvalidTag):
        decrypt_gcm(base64.b64encode(bytes(raw)).decode(), secret, associated)
    with pytest.raises(InvalidTag):  # presented as another learner's
        decrypt_gcm(sealed, secret, gcm_associated_data(agent.agent_id, "someone-else"))


def test_a_learner_who_is_not_in_the_room_gets_no_token(loqua):
    agent = loqua.agent()
    here, elsewhere = loqua.onboarded(), loqua.onboarded()
    room = loqua.call(agent, here)
    loqua.call(loqua.agent(), elsewhere)  # in another room, with another agent
    response = loqua.request_user_token(agent, elsewhere, room)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "USER_NOT_IN_ROOM"


def test_an_agent_of_one_room_cannot_get_a_token_for_a_learner_of_another(loqua):
    mine, theirs = loqua.agent(), loqua.agent()
    learner = loqua.onboarded()
    their_room = loqua.call(theirs, learner)
    loqua.call(mine, loqua.onboarded())
    response = loqua.request_user_token(mine, learner, their_room)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "AGENT_NOT_IN_ROOM"


def test_a_learner_who_left_gets_no_token(loqua):
    agent, learner = loqua.agent(), loqua.onboarded()
    room = f"room_{learner.user_id}"
    joined = loqua.join(room, learner.user_id)
    loqua.join(room, agent.agent_id, agent=True)
    left = {**joined, "event": "participant_left", "id": "EV_left"}
    assert loqua.webhook(left).status_code == 200
    response = loqua.request_user_token(agent, learner, room)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "USER_NOT_IN_ROOM"


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "INVALID_AGENT_TOKEN"),
        ({"Authorization": "Bearer not-a-jwt"}, 401, "INVALID_AGENT_TOKEN"),
        ({"X-Agent-ID": None}, 400, "MISSING_REQUIRED_FIELDS"),
        ({"X-Agent-ID": "someone-else"}, 403, "AGENT_ID_MISMATCH"),
    ],
)
def test_the_agent_must_be_the_one_its_token_names(loqua, headers, status, code):
    agent, learner = loqua.agent(), loqua.onboarded()
    room = loqua.call(agent, learner)
    sent = {**agent.headers, **headers}
    body = {"room_name": room, "user_id": learner.user_id, "agent_id": agent.agent_id}
    if not headers:
        sent = {"X-Agent-ID": agent.agent_id}
    response = loqua.client.post(
        "/api/v1/agent/user-token", json=body, headers={k: v for k, v in sent.items() if v is not None}
    )
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert set(response.json()) == {"error", "timestamp"}


def test_the_body_agent_id_must_be_the_caller(loqua):
    agent, learner = loqua.agent(), loqua.onboarded()
    room = loqua.call(agent, learner)
    response = loqua.client.post(
        "/api/v1/agent/user-token",
        json={"room_name": room, "user_id": learner.user_id, "agent_id": "spanish-tutor-v1"},
        headers=agent.headers,
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "AGENT_ID_MISMATCH"


def test_a_learner_token_or_another_api_s_token_is_not_an_agent_token(loqua, jiga):
    learner = loqua.onboarded()
    for token in (learner.access_token, jiga.register().access_token):
        response = loqua.client.post(
            "/api/v1/agent/user-token",
            json={"room_name": "r", "user_id": learner.user_id, "agent_id": "spanish-tutor-v1"},
            headers={"Authorization": f"Bearer {token}", "X-Agent-ID": "spanish-tutor-v1"},
        )
        assert response.status_code == 401
        assert response.json()["error"] == {"code": "INVALID_AGENT_TOKEN", "message": "Invalid token"}


def test_an_agent_without_the_user_token_permission_is_refused(loqua):
    agent, learner = loqua.agent(permissions=["user.context"]), loqua.onboarded()
    room = loqua.call(agent, learner)
    response = loqua.request_user_token(agent, learner, room)
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "INSUFFICIENT_PERMISSIONS",
        "message": "Agent lacks required permissions",
    }


def test_missing_fields_get_the_spec_s_answer(loqua):
    agent = loqua.agent()
    for body in ({}, {"room_name": "r"}, {"room_name": "r", "user_id": "", "agent_id": agent.agent_id}):
        response = loqua.client.post("/api/v1/agent/user-token", json=body, headers=agent.headers)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "MISSING_REQUIRED_FIELDS"
        assert response.json()["error"]["message"].startswith("room_name, user_id, and agent_id are required")


def test_the_jwt_inside_works_only_for_its_agent(loqua):
    agent, other = loqua.agent(), loqua.agent()
    learner = loqua.onboarded()
    user_jwt = loqua.user_token(agent, learner)
    response = loqua.context(user_jwt, other, learner)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "AGENT_ID_MISMATCH"
