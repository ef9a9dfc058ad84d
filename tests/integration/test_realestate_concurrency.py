"""Requests that race: the local runtime runs them on separate warm instances at once."""

from concurrent.futures import ThreadPoolExecutor

from tests.support.realestate import BASE, RealEstateDriver


def test_concurrent_sends_to_one_conversation_are_all_stored_and_counted(realestate: RealEstateDriver, runtime):
    admin = realestate.register()
    agent = realestate.create_agent(admin)
    realestate.upload(admin, agent["id"], "faq.txt", b"Viewings run every Saturday morning.", "text/plain")
    realestate.settle()
    conversation = realestate.start_conversation(admin, agent["id"])
    url = f"{BASE}/conversations/{conversation['id']}/messages"

    def send(number: int) -> int:
        with runtime.client("RealEstateHttpApi") as client:
            body = {"content": f"When are viewings? ({number})", "sender": "user"}
            return client.post(url, json=body, headers=admin.headers).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(send, range(8)))
    assert statuses == [201] * 8
    listed = realestate.client.get(f"{url}?limit=100", headers=admin.headers).json()["data"]
    assert listed["pagination"]["total"] == 16 == len(listed["items"])
    detail = realestate.client.get(f"{BASE}/conversations/{conversation['id']}", headers=admin.headers).json()
    assert detail["data"]["conversation"]["messageCount"] == 16


def test_racing_status_changes_qualify_a_lead_once(realestate: RealEstateDriver, runtime):
    admin = realestate.register()
    lead = realestate.create_lead(admin)

    def qualify(_: int) -> int:
        with runtime.client("RealEstateHttpApi") as client:
            body = {"status": "qualified", "reason": "hot"}
            return client.put(f"{BASE}/leads/{lead['id']}/status", json=body, headers=admin.headers).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(qualify, range(6)))
    assert set(statuses) <= {200, 409} and 200 in statuses
    final = realestate.client.get(f"{BASE}/leads/{lead['id']}", headers=admin.headers).json()["data"]["lead"]
    assert final["status"] == "qualified" and final["qualifiedAt"]
    assert [change["status"] for change in final["statusHistory"]].count("qualified") == 1


def test_racing_agent_creation_with_one_idempotency_key_creates_one_agent(realestate: RealEstateDriver, runtime):
    admin = realestate.register()
    headers = {**admin.headers, "Idempotency-Key": "racing-create"}

    def create(_: int) -> int:
        with runtime.client("RealEstateHttpApi") as client:
            return client.post(f"{BASE}/agents", json={"name": "Raced Agent"}, headers=headers).status_code

    with ThreadPoolExecutor(max_workers=5) as pool:
        statuses = list(pool.map(create, range(5)))
    assert set(statuses) <= {201, 409} and 201 in statuses  # 409: the same key still in flight
    listed = realestate.client.get(f"{BASE}/agents", headers=admin.headers).json()["data"]
    assert listed["pagination"]["total"] == 1
