"""Conversations: replies in the agent's tone and limits, retried sends, lists and filters,
messages since a moment, the event stream with Last-Event-ID, ending, BANT suggestions."""

import pytest

from tests.support.realestate import BASE, RealEstateDriver, simple_pdf

GUIDE = simple_pdf(
    [
        "Riverside condos: two-bedroom units from $380,000. Each includes one garage space and a storage locker.",
        "Three-bedroom townhouses on Maple Street start at $520,000 and are close to Lincoln Elementary.",
    ]
)


@pytest.fixture(scope="module")
def setup(realestate: RealEstateDriver) -> dict:
    admin = realestate.register()
    agent = realestate.create_agent(admin, settings={"tone": "Friendly", "maxTokens": 60, "temperature": 0.2})
    realestate.upload(admin, agent["id"], "listings.pdf", GUIDE, "application/pdf")
    realestate.settle()
    return {"admin": admin, "agent": agent}


def test_the_reply_speaks_in_the_agents_tone_within_its_token_budget_and_asks_for_what_is_missing(realestate, setup):
    conversation = realestate.start_conversation(setup["admin"], setup["agent"]["id"])
    reply = realestate.send(setup["admin"], conversation["id"], "Do the Riverside condos have a garage?")["reply"]
    assert reply["content"].startswith("Great question!")
    assert "garage space" in reply["content"]
    assert reply["metadata"]["tokens"] <= 60
    assert reply["metadata"]["sources"][0]["page"] == 1
    assert reply["content"].endswith("?")  # a closing question that asks for a missing BANT criterion


def test_a_retried_send_answers_the_first_result_and_stores_nothing_twice(realestate, setup):
    admin = setup["admin"]
    conversation = realestate.start_conversation(admin, setup["agent"]["id"])
    body = {
        "content": "Tell me about Maple Street",
        "sender": "user",
        "messageType": "text",
        "metadata": {"timestamp": "2024-01-01T12:05:00.000Z", "clientId": "web-client-123"},
    }
    url = f"{BASE}/conversations/{conversation['id']}/messages"
    first = realestate.client.post(url, json=body, headers=admin.headers)
    again = realestate.client.post(url, json=body, headers=admin.headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["data"] == first.json()["data"]
    # the spec's own example sends every message with one clientId: a different body is a new message
    other = realestate.client.post(url, json={**body, "content": "And the schools?"}, headers=admin.headers)
    assert other.status_code == 201 and "Idempotent-Replayed" not in other.headers
    listed = realestate.client.get(url, headers=admin.headers).json()["data"]
    assert listed["pagination"]["total"] == 4
    assert (
        realestate.client.get(f"{BASE}/conversations/{conversation['id']}", headers=admin.headers).json()["data"][
            "conversation"
        ]["messageCount"]
        == 4
    )


def test_messages_page_and_since(realestate, setup):
    admin = setup["admin"]
    conversation = realestate.start_conversation(admin, setup["agent"]["id"])
    sent = [realestate.send(admin, conversation["id"], f"Note {n}", sender="agent")["message"] for n in range(5)]
    url = f"{BASE}/conversations/{conversation['id']}/messages"
    page = realestate.client.get(f"{url}?page=2&limit=2", headers=admin.headers).json()["data"]
    assert [m["id"] for m in page["items"]] == [sent[2]["id"], sent[3]["id"]]
    assert page["pagination"] == {"page": 2, "limit": 2, "total": 5, "totalPages": 3, "hasNext": True, "hasPrev": True}
    since = realestate.client.get(url, params={"since": sent[1]["createdAt"]}, headers=admin.headers).json()["data"]
    assert all(m["createdAt"] > sent[1]["createdAt"] for m in since["items"])
    assert since["pagination"]["total"] == len(since["items"])
    bad = realestate.client.get(url, params={"since": "yesterday"}, headers=admin.headers)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "BAD_REQUEST"


def test_the_stream_resumes_after_last_event_id_and_says_when_the_conversation_ended(realestate, setup):
    admin = setup["admin"]
    conversation = realestate.start_conversation(admin, setup["agent"]["id"])
    first = realestate.send(admin, conversation["id"], "Do the condos have storage?")
    url = f"{BASE}/conversations/{conversation['id']}/stream"
    stream = realestate.client.get(url, headers=admin.headers)
    assert stream.status_code == 200 and stream.headers["content-type"].startswith("text/event-stream")
    assert stream.text.startswith("retry: ")
    assert f"id: {first['message']['id']}" in stream.text and f"id: {first['reply']['id']}" in stream.text
    assert "event: message" in stream.text
    later = realestate.send(admin, conversation["id"], "Thanks!", sender="agent")
    realestate.client.put(
        f"{BASE}/conversations/{conversation['id']}/end", json={"reason": "resolved"}, headers=admin.headers
    )
    resumed = realestate.client.get(url, headers={**admin.headers, "Last-Event-ID": first["reply"]["id"]}).text
    assert first["reply"]["id"] not in resumed.replace(f"id: {later['message']['id']}", "")
    assert f"id: {later['message']['id']}" in resumed
    assert "event: conversation.ended" in resumed


def test_an_ended_conversation_takes_no_messages_and_ending_again_changes_nothing(realestate, setup):
    admin = setup["admin"]
    conversation = realestate.start_conversation(admin, setup["agent"]["id"])
    url = f"{BASE}/conversations/{conversation['id']}"
    ended = realestate.client.put(
        f"{url}/end", json={"reason": "user_left", "metadata": {"satisfactionScore": 7}}, headers=admin.headers
    )
    again = realestate.client.put(f"{url}/end", json={"reason": "other"}, headers=admin.headers)
    assert ended.status_code == again.status_code == 200
    assert again.json()["data"]["conversation"]["endReason"] == "user_left"
    refused = realestate.client.post(
        f"{url}/messages", json={"content": "hello?", "sender": "user"}, headers=admin.headers
    )
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "CONFLICT"


def test_lists_filter_by_agent_status_and_source(realestate: RealEstateDriver):
    admin = realestate.register()
    first, second = realestate.create_agent(admin), realestate.create_agent(admin)
    web = [realestate.start_conversation(admin, first["id"]) for _ in range(3)]
    sms = realestate.start_conversation(admin, first["id"], source="sms")
    other = realestate.start_conversation(admin, second["id"])
    realestate.client.put(
        f"{BASE}/conversations/{web[0]['id']}/end", json={"reason": "resolved"}, headers=admin.headers
    )

    def listed(query: str) -> list[str]:
        body = realestate.client.get(f"{BASE}/conversations?{query}", headers=admin.headers).json()["data"]
        if "limit" not in query:
            assert body["pagination"]["total"] == len(body["items"])
        return [c["id"] for c in body["items"]]

    assert listed("") == [other["id"], sms["id"], web[2]["id"], web[1]["id"], web[0]["id"]]
    assert listed(f"agentId={first['id']}&status=active&source=web") == [web[2]["id"], web[1]["id"]]
    assert listed("source=sms") == [sms["id"]]
    assert listed("status=ended") == [web[0]["id"]]
    assert listed(f"agentId={second['id']}") == [other["id"]]
    assert listed("sort=startedAt:asc&limit=2") == [web[0]["id"], web[1]["id"]]
    assert realestate.client.get(f"{BASE}/conversations?status=closed", headers=admin.headers).status_code == 400
    assert realestate.client.get(f"{BASE}/conversations?limit=101", headers=admin.headers).status_code == 400
    assert realestate.get_agent(admin, first["id"])["conversationCount"] == 4


def test_the_conversation_proposes_bant_scores_that_staff_can_accept(realestate, setup):
    admin = setup["admin"]
    conversation = realestate.start_conversation(admin, setup["agent"]["id"])
    realestate.send(admin, conversation["id"], "We're pre-approved for $500k and need a 3-bedroom near a school.")
    realestate.send(admin, conversation["id"], "My wife and I want to move within 2 months.")
    suggestion = realestate.client.get(f"{BASE}/conversations/{conversation['id']}", headers=admin.headers).json()[
        "data"
    ]["conversation"]["bantSuggestion"]
    assert suggestion["budget"] == 9 and suggestion["authority"] == 7 and suggestion["need"] == 9
    assert suggestion["timeline"] == 7 and suggestion["qualificationScore"] == 80
    assert "$500k" in suggestion["evidence"]["budget"]
    lead = realestate.create_lead(admin, conversation["id"], initialBANT=None)
    assert lead["qualificationScore"] is None and lead["bantSuggestion"]["qualificationScore"] == 80
    accepted = realestate.client.post(f"{BASE}/leads/{lead['id']}/bant-score/accept-suggestion", headers=admin.headers)
    assert accepted.status_code == 200
    assert accepted.json()["data"] == {
        "bantScore": {"budget": 9, "authority": 7, "need": 9, "timeline": 7},
        "qualificationScore": 80,
        "status": "qualified",
    }


def test_an_inactive_agent_starts_nothing_and_answers_nothing(realestate: RealEstateDriver):
    admin = realestate.register()
    agent = realestate.create_agent(admin)
    realestate.settle()
    conversation = realestate.start_conversation(admin, agent["id"])
    paused = realestate.client.put(f"{BASE}/agents/{agent['id']}", json={"status": "inactive"}, headers=admin.headers)
    assert paused.status_code == 200 and paused.json()["data"]["agent"]["status"] == "inactive"
    assert realestate.send(admin, conversation["id"], "Anyone there?")["reply"] is None
    refused = realestate.client.post(
        f"{BASE}/conversations", json={"agentId": agent["id"], "userId": "u"}, headers=admin.headers
    )
    assert refused.status_code == 409
