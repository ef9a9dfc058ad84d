"""Agents: the spec's create and partial update, lists with status, search, sort and pages, and
updates that race."""

from tests.support.realestate import BASE, RealEstateDriver


def test_create_and_partially_update_as_the_spec_shows(realestate: RealEstateDriver):
    admin = realestate.register()
    agent = realestate.create_agent(admin)
    assert agent["settings"]["temperature"] == 0.7 and agent["documentCount"] == 0 and agent["conversationCount"] == 0
    update = {
        "name": "Updated Agent Name",
        "settings": {"tone": "Friendly", "systemPrompt": "Updated system prompt...", "maxTokens": 1500},
    }
    response = realestate.client.put(f"{BASE}/agents/{agent['id']}", json=update, headers=admin.headers)
    assert response.status_code == 200, response.text
    updated = response.json()["data"]["agent"]
    assert updated["name"] == "Updated Agent Name"
    assert updated["settings"] == {
        "tone": "Friendly",
        "systemPrompt": "Updated system prompt...",
        "fallbackPrompt": agent["settings"]["fallbackPrompt"],  # kept: a partial merge
        "maxTokens": 1500,
        "temperature": 0.7,
    }
    assert updated["updatedAt"] > agent["updatedAt"]


def test_a_new_agent_becomes_active_once_its_knowledge_base_is_ready(realestate: RealEstateDriver, runtime):
    from realestate_agent.dal.agents import AgentRepository

    admin = realestate.register()
    agent = realestate.create_agent(admin)
    assert agent["status"] == "creating"  # the document worker sets it up asynchronously
    realestate.upload(admin, agent["id"], "a.txt", b"Viewings are by appointment.", "text/plain")
    realestate.settle()
    assert realestate.get_agent(admin, agent["id"])["status"] == "active"
    # an agent still waiting for a document stays creating until the document is finished
    with runtime.function_environment("RealEstateDocumentWorkerFunction"):
        from realestate_agent.settings import get_realestate_settings

        repository = AgentRepository(get_realestate_settings().table)
        waiting = {**agent, "id": "agent-waiting", "pendingDocuments": 1, "knowledge": {}, "version": 1}
        repository.create(waiting)
        assert repository.activate_if_ready(admin.organization_id, "agent-waiting") is False
        repository.replace(repository.get(admin.organization_id, "agent-waiting"), {"pendingDocuments": 0})
        assert repository.activate_if_ready(admin.organization_id, "agent-waiting") is True
    not_yet = realestate.client.put(f"{BASE}/agents/{agent['id']}", json={"status": "sleeping"}, headers=admin.headers)
    assert not_yet.status_code == 422


def test_lists_filter_search_sort_and_page(realestate: RealEstateDriver):
    admin = realestate.register()
    names = ["Beach Homes", "alpine cabins", "Downtown Lofts", "Country Estates"]
    made = [realestate.create_agent(admin, name=name, description=f"{name} specialist") for name in names]
    realestate.create_agent(admin, name="Harbour Views", description="Waterfront condos DOWNTOWN")
    realestate.settle()
    realestate.client.put(f"{BASE}/agents/{made[0]['id']}", json={"status": "inactive"}, headers=admin.headers)

    def names_of(query: str) -> list[str]:
        response = realestate.client.get(f"{BASE}/agents?{query}", headers=admin.headers)
        assert response.status_code == 200, response.text
        return [a["name"] for a in response.json()["data"]["items"]]

    assert names_of("sort=name:asc") == [
        "alpine cabins",
        "Beach Homes",
        "Country Estates",
        "Downtown Lofts",
        "Harbour Views",
    ]
    assert names_of("search=downtown") == ["Harbour Views", "Downtown Lofts"]
    assert names_of("status=inactive") == ["Beach Homes"]
    assert names_of("status=active&sort=createdAt:asc&limit=2&page=2") == ["Country Estates", "Harbour Views"]
    page = realestate.client.get(f"{BASE}/agents?limit=2", headers=admin.headers).json()["data"]["pagination"]
    assert page == {"page": 1, "limit": 2, "total": 5, "totalPages": 3, "hasNext": True, "hasPrev": False}
    for bad in ("status=sleeping", "sort=rank:asc", "sort=name:up", "limit=0", "limit=101"):
        response = realestate.client.get(f"{BASE}/agents?{bad}", headers=admin.headers)
        assert response.status_code == 400 and response.json()["error"]["code"] == "BAD_REQUEST", bad


def test_an_update_that_lost_a_race_is_409_and_changes_nothing(realestate: RealEstateDriver, runtime):
    from realestate_agent.dal.agents import AgentRepository
    from shared.errors import Conflict

    admin = realestate.register()
    agent = realestate.create_agent(admin, name="Raced")
    with runtime.function_environment("RealEstateAgentsFunction"):
        from realestate_agent.settings import get_realestate_settings

        repository = AgentRepository(get_realestate_settings().table)
        stale = repository.get(admin.organization_id, agent["id"], consistent=True)
        repository.replace(stale, {"name": "First writer"})
        try:
            repository.replace(stale, {"name": "Second writer"})
        except Conflict:
            pass
        else:
            raise AssertionError("a stale write went through")
    assert realestate.get_agent(admin, agent["id"])["name"] == "First writer"
