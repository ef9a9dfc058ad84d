"""Leads: BANT scores, documented status transitions, automatic qualification at the
organisation's threshold, lists with filters, a minimum score and sorting."""

import pytest

from tests.support.realestate import BASE, NodeReceiver, RealEstateDriver, lead_payload


def bant(b: int, a: int, n: int, t: int) -> dict:
    return {"budget": b, "authority": a, "need": n, "timeline": t}


def test_the_spec_example_scores_75_and_stays_new(realestate: RealEstateDriver):
    admin = realestate.register()
    lead = realestate.create_lead(admin)
    assert lead["bantScore"] == bant(8, 7, 9, 6) and lead["qualificationScore"] == 75 and lead["status"] == "new"
    assert (
        lead["contactInfo"]["preferredContact"] == "email" and lead["source"]["campaign"] == "downtown-properties-2024"
    )


@pytest.mark.parametrize(
    ("path", "transitions"),
    [
        ("happy", [("contacted", 200), ("qualified", 200), ("converted", 200), ("lost", 200), ("contacted", 409)]),
        ("skipping", [("qualified", 200), ("contacted", 409), ("new", 409)]),
        ("not yet", [("converted", 409), ("lost", 200), ("lost", 200), ("qualified", 409)]),
    ],
)
def test_status_moves_only_along_the_documented_transitions(realestate: RealEstateDriver, path, transitions):
    admin = realestate.register()
    lead = realestate.create_lead(admin)
    for status, expected in transitions:
        response = realestate.client.put(
            f"{BASE}/leads/{lead['id']}/status", json={"status": status, "reason": "call notes"}, headers=admin.headers
        )
        assert response.status_code == expected, (path, status, response.text)
        if expected == 409:
            details = response.json()["error"]["details"]
            assert details["field"] == "status" and details["value"] == status and "allowedStatuses" in details
    history = realestate.client.get(f"{BASE}/leads/{lead['id']}", headers=admin.headers).json()["data"]["lead"][
        "statusHistory"
    ]
    assert history[0]["status"] == "new"
    assert all(change["changedBy"] == admin.user_id for change in history)


def test_reaching_the_threshold_qualifies_and_fires_lead_qualified_once(realestate: RealEstateDriver):
    receiver = NodeReceiver("a-long-enough-secret-token")
    try:
        admin = realestate.register()
        agent = realestate.create_agent(
            admin,
            webhook={"url": receiver.url, "events": ["lead.qualified"], "secretToken": "a-long-enough-secret-token"},
        )
        conversation = realestate.start_conversation(admin, agent["id"])
        lead = realestate.create_lead(admin, conversation["id"])
        url = f"{BASE}/leads/{lead['id']}"
        score = realestate.client.post(f"{url}/bant-score", json=bant(8, 8, 9, 7), headers=admin.headers).json()["data"]
        assert score == {"bantScore": bant(8, 8, 9, 7), "qualificationScore": 80, "status": "qualified"}
        realestate.client.post(f"{url}/bant-score", json=bant(10, 10, 10, 10), headers=admin.headers)
        realestate.client.put(f"{url}/status", json={"status": "converted"}, headers=admin.headers)
        realestate.settle()
        events = [r for r in receiver.requests() if r["status"] == 200]
        assert len(events) == 1 and '"event":"lead.qualified"' in events[0]["raw"]
        assert realestate.client.get(url, headers=admin.headers).json()["data"]["lead"]["qualifiedAt"]
    finally:
        receiver.close()


def test_the_threshold_is_the_organisations_own(realestate: RealEstateDriver):
    admin = realestate.register()
    changed = realestate.client.put(
        f"{BASE}/organization", json={"settings": {"leadQualificationThreshold": 70}}, headers=admin.headers
    )
    assert (
        changed.status_code == 200
        and changed.json()["data"]["organization"]["settings"]["leadQualificationThreshold"] == 70
    )
    assert realestate.create_lead(admin)["status"] == "qualified"  # 75 >= 70


def test_a_conversation_has_one_lead_and_must_be_the_organisations(realestate: RealEstateDriver):
    admin, stranger = realestate.register(), realestate.register()
    agent = realestate.create_agent(admin)
    conversation = realestate.start_conversation(admin, agent["id"])
    realestate.create_lead(admin, conversation["id"])
    second = realestate.client.post(f"{BASE}/leads", json=lead_payload(conversation["id"]), headers=admin.headers)
    assert second.status_code == 409 and second.json()["error"]["details"]["field"] == "conversationId"
    foreign = realestate.client.post(f"{BASE}/leads", json=lead_payload(conversation["id"]), headers=stranger.headers)
    assert foreign.status_code == 404 and foreign.json()["error"]["details"]["field"] == "conversationId"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"initialBANT": {"budget": 11, "authority": 1, "need": 1, "timeline": 1}}, "initialBANT.budget"),
        ({"initialBANT": {"budget": 7.5, "authority": 1, "need": 1, "timeline": 1}}, "initialBANT.budget"),
        ({"initialBANT": {"budget": "8", "authority": 1, "need": 1, "timeline": 1}}, "initialBANT.budget"),
        ({"contactInfo": {"name": "No way to reach"}}, "contactInfo"),
        ({"contactInfo": {"email": "not-an-email"}}, "contactInfo.email"),
        ({"unknown": True}, "unknown"),
    ],
)
def test_invalid_leads_are_422_naming_the_field(realestate: RealEstateDriver, change, field):
    admin = realestate.register()
    response = realestate.client.post(f"{BASE}/leads", json={**lead_payload(), **change}, headers=admin.headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert response.json()["error"]["details"]["field"] == field
    assert realestate.client.get(f"{BASE}/leads", headers=admin.headers).json()["data"]["pagination"]["total"] == 0


def test_lists_filter_by_status_source_and_minimum_score_and_sort(realestate: RealEstateDriver):
    admin = realestate.register()
    made = []
    for scores, channel in [((2, 2, 2, 2), "web"), ((9, 9, 9, 9), "web"), ((6, 6, 6, 6), "referral"), (None, "web")]:
        payload = {"initialBANT": bant(*scores) if scores else None, "source": {"channel": channel}}
        made.append(realestate.create_lead(admin, **payload))
    low, high, mid, unscored = made

    def ids(query: str) -> list[str]:
        body = realestate.client.get(f"{BASE}/leads?{query}", headers=admin.headers).json()["data"]
        return [lead["id"] for lead in body["items"]]

    assert ids("") == [unscored["id"], mid["id"], high["id"], low["id"]]
    assert ids("sort=createdAt:asc") == [low["id"], high["id"], mid["id"], unscored["id"]]
    assert ids("sort=qualificationScore:desc") == [high["id"], mid["id"], low["id"], unscored["id"]]
    assert ids("qualificationScore=60") == [mid["id"], high["id"]]
    assert ids("qualificationScore=60&sort=qualificationScore:asc") == [mid["id"], high["id"]]
    assert ids("source=web&qualificationScore=10") == [high["id"], low["id"]]
    assert ids("status=qualified") == [high["id"]]  # 90 passed the default threshold of 80
    assert ids("status=new&source=referral") == [mid["id"]]
    page = realestate.client.get(f"{BASE}/leads?limit=3&page=2", headers=admin.headers).json()["data"]
    assert page["pagination"] == {"page": 2, "limit": 3, "total": 4, "totalPages": 2, "hasNext": False, "hasPrev": True}
    for bad in ("sort=name:asc", "qualificationScore=101", "status=won", "page=0"):
        assert realestate.client.get(f"{BASE}/leads?{bad}", headers=admin.headers).status_code == 400, bad
