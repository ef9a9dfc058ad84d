"""The spec's "Complete Workflow": create an agent, feed it a document, converse, create and score
a lead, end the conversation; and the spec's own validation test (a 2-character name is 422)."""

from tests.support.realestate import BASE, RealEstateDriver, simple_pdf

GUIDE = [
    "Downtown Properties Guide. Three-bedroom homes downtown start at $450,000 and most sell within 30 days.",
    "Parking: every downtown condo in the Riverside building includes one garage space. "
    "HOA fees average $350 per month.",
]


def test_the_complete_workflow_answers_from_the_document_and_qualifies_the_lead(realestate: RealEstateDriver):
    # Given an organisation whose agent knows the downtown guide
    admin = realestate.register()
    agent = realestate.create_agent(admin)
    assert agent["status"] == "creating"
    document = realestate.upload(
        admin, agent["id"], "downtown-properties-guide.pdf", simple_pdf(GUIDE), "application/pdf"
    )
    assert document["status"] == "processing"
    realestate.settle()
    agent = realestate.get_agent(admin, agent["id"])
    assert agent["status"] == "active"
    assert agent["documentCount"] == 1
    [stored] = realestate.documents(admin, agent["id"])
    assert stored["status"] == "ready" and stored["pageCount"] == 2 and stored["passageCount"] >= 1

    # When a visitor asks about three-bedroom homes
    conversation = realestate.start_conversation(admin, agent["id"])
    sent = realestate.send(
        admin, conversation["id"], "Hi, I'm looking for a 3-bedroom house downtown with budget around $500k"
    )

    # Then the agent answers from the guide, and names it
    reply = sent["reply"]
    assert reply["sender"] == "agent"
    assert "$450,000" in reply["content"]
    assert reply["metadata"]["sources"][0]["documentName"] == "downtown-properties-guide.pdf"
    assert reply["metadata"]["grounded"] is True

    # And a human agent can answer too (the spec's example), without a generated reply
    human = realestate.send(admin, conversation["id"], "Great! Let me ask you a few questions...", sender="agent")
    assert human["reply"] is None

    # When staff create a lead from the conversation and score it
    lead = realestate.create_lead(admin, conversation["id"])
    assert lead["qualificationScore"] == 75 and lead["status"] == "new"
    scored = realestate.client.post(
        f"{BASE}/leads/{lead['id']}/bant-score",
        json={"budget": 8, "authority": 8, "need": 9, "timeline": 7},
        headers=admin.headers,
    )
    assert scored.status_code == 200, scored.text
    assert scored.json()["data"]["qualificationScore"] > 70
    assert scored.json()["data"]["status"] == "qualified"

    # And end the conversation
    ended = realestate.client.put(
        f"{BASE}/conversations/{conversation['id']}/end",
        json={
            "reason": "lead_generated",
            "metadata": {"summary": "Budget $500k", "leadGenerated": True, "satisfactionScore": 8},
        },
        headers=admin.headers,
    )
    assert ended.status_code == 200, ended.text
    assert ended.json()["data"]["conversation"]["status"] == "ended"
    messages = realestate.client.get(
        f"{BASE}/conversations/{conversation['id']}/messages", headers=admin.headers
    ).json()
    assert messages["data"]["pagination"]["total"] == 3
    assert [m["sender"] for m in messages["data"]["items"]] == ["user", "agent", "agent"]


def test_a_two_character_name_is_a_validation_error(realestate: RealEstateDriver):
    admin = realestate.register()
    response = realestate.client.post(f"{BASE}/agents", json={"name": "ab"}, headers=admin.headers)
    assert response.status_code == 422
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == "VALIDATION_ERROR"
    assert body["error"]["details"]["field"] == "name"
    assert set(body["metadata"]) == {"timestamp", "requestId", "version"}
