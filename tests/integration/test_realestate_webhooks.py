"""Signed outbound webhooks, verified by the spec's own Express receiver running under Node.

The receiver recomputes ``sha256=HMAC(JSON.stringify(req.body))``, so these tests fail unless the
delivered body is byte for byte what JavaScript writes back."""

import base64
import hashlib
import hmac
import json

import pytest

from tests.support.realestate import BASE, NodeReceiver, RealEstateDriver

SECRET = "your-webhook-secret-token"
ALL_EVENTS = ["conversation.started", "conversation.ended", "lead.created", "lead.qualified"]


@pytest.fixture
def receiver():
    node = NodeReceiver(SECRET)
    yield node
    node.close()


def webhook(url: str, events=None, secret: str | None = SECRET) -> dict:
    config = {"url": url, "events": events or ALL_EVENTS}
    if secret:
        config["secretToken"] = secret
    return config


def test_every_event_reaches_the_spec_receiver_signed_as_it_verifies(realestate: RealEstateDriver, receiver):
    # Given an agent whose webhook points at the spec's Express receiver
    admin = realestate.register()
    agent = realestate.create_agent(admin, webhook=webhook(receiver.url))
    assert agent["webhook"]["secretToken"] == SECRET  # shown in full once, when set
    assert realestate.get_agent(admin, agent["id"])["webhook"]["secretToken"] == "****oken"

    # When a conversation starts with awkward metadata, a lead is qualified and the conversation ends
    metadata = {"b": 1, "10": "ten", "2": 2.0, "a": "é ✓ \u2028", "big": 12345678901234567890, "tiny": 1e-7}
    conversation = realestate.start_conversation(admin, agent["id"], metadata=metadata)
    lead = realestate.create_lead(
        admin, conversation["id"], initialBANT={"budget": 9, "authority": 8, "need": 9, "timeline": 8}
    )
    realestate.client.put(
        f"{BASE}/conversations/{conversation['id']}/end", json={"reason": "lead_generated"}, headers=admin.headers
    )
    realestate.settle()

    # Then the receiver accepted every event (it answers 401 to a signature it cannot verify)
    requests = receiver.requests()
    assert [r["status"] for r in requests] == [200, 200, 200, 200]
    bodies = {json.loads(r["raw"])["event"]: json.loads(r["raw"]) for r in requests}  # unordered, as webhooks are
    assert set(bodies) == {"conversation.started", "lead.created", "lead.qualified", "conversation.ended"}
    assert bodies["conversation.started"]["data"]["conversation"]["id"] == conversation["id"]
    assert bodies["conversation.started"]["data"]["conversation"]["metadata"]["big"] == 12345678901234567000
    assert bodies["lead.qualified"]["data"]["lead"]["id"] == lead["id"]
    # And the Standard Webhooks signature verifies too, over id.timestamp.body
    for request in requests:
        signed = f"{request['id']}.{request['timestamp']}.{request['raw']}".encode()
        expected = base64.b64encode(hmac.new(SECRET.encode(), signed, hashlib.sha256).digest()).decode()
        assert request["standardSignature"] == f"v1,{expected}"

    # And the delivery log shows each delivery delivered at its first attempt
    log = realestate.client.get(f"{BASE}/agents/{agent['id']}/webhook-deliveries", headers=admin.headers).json()["data"]
    assert log["pagination"]["total"] == 4
    assert {item["status"] for item in log["items"]} == {"delivered"}
    assert all(item["attempts"][0]["statusCode"] == 200 for item in log["items"])


def test_a_failing_receiver_is_retried_with_backoff_and_gets_each_event_once_when_it_recovers(
    realestate: RealEstateDriver,
):
    receiver = NodeReceiver(SECRET, fail_first=3)
    try:
        admin = realestate.register()
        agent = realestate.create_agent(admin, webhook=webhook(receiver.url, ["conversation.started"]))
        realestate.start_conversation(admin, agent["id"])

        realestate.settle()  # attempt 1 fails; the next waits about 10 seconds
        assert [r["status"] for r in receiver.requests()] == [503]
        delivery = realestate.client.get(
            f"{BASE}/agents/{agent['id']}/webhook-deliveries", headers=admin.headers
        ).json()
        [pending] = delivery["data"]["items"]
        assert pending["status"] == "pending" and pending["nextAttemptAt"]

        realestate.settle()  # nothing is due yet
        assert len(receiver.requests()) == 1
        for wait in (11, 66, 330):  # 10 s, 1 min, 5 min (+10% jitter at most)
            realestate.advance(wait)
        statuses = [r["status"] for r in receiver.requests()]
        assert statuses == [503, 503, 503, 200]
        assert len({r["id"] for r in receiver.requests()}) == 1  # one delivery id throughout
        detail = realestate.client.get(
            f"{BASE}/agents/{agent['id']}/webhook-deliveries/{pending['id']}", headers=admin.headers
        ).json()["data"]["delivery"]
        assert detail["status"] == "delivered"
        assert [a.get("statusCode") for a in detail["attempts"]] == [503, 503, 503, 200]
        assert detail["payload"]["event"] == "conversation.started"
    finally:
        receiver.close()


def test_a_receiver_that_never_recovers_lands_in_the_dead_letter_queue_and_can_be_redelivered(
    realestate: RealEstateDriver, realestate_queues
):
    from shared import aws

    receiver = NodeReceiver(SECRET, fail_first=9)
    try:
        admin = realestate.register()
        agent = realestate.create_agent(admin, webhook=webhook(receiver.url, ["conversation.started"]))
        realestate.start_conversation(admin, agent["id"])
        realestate.settle()
        for _ in range(8):  # the whole schedule: about 27.6 hours
            realestate.advance(40_000)
        assert [r["status"] for r in receiver.requests()] == [503] * 9
        [failed] = realestate.client.get(
            f"{BASE}/agents/{agent['id']}/webhook-deliveries", headers=admin.headers
        ).json()["data"]["items"]
        assert failed["status"] == "failed" and len(failed["attempts"]) == 9
        realestate.settle()  # SQS moves it to the dead-letter queue on its next receive
        parked = aws.client("sqs").receive_message(
            QueueUrl=realestate_queues["RealEstateWebhookDeadLetterQueue"], MaxNumberOfMessages=10
        )
        # (other tests' undeliverable webhooks may be parked there too: the clock moved 27 hours)
        assert failed["id"] in [json.loads(m["Body"])["deliveryId"] for m in parked.get("Messages", [])]

        # When staff redeliver once the receiver works, it gets the event once more, same id
        redelivered = realestate.client.post(
            f"{BASE}/agents/{agent['id']}/webhook-deliveries/{failed['id']}/redeliver", headers=admin.headers
        )
        assert redelivered.status_code == 202, redelivered.text
        realestate.settle()
        assert receiver.requests()[-1]["status"] == 200
        assert receiver.requests()[-1]["id"] == failed["id"]
    finally:
        receiver.close()


def test_webhook_urls_are_refused_where_they_could_reach_private_networks(
    realestate: RealEstateDriver, runtime, monkeypatch
):
    admin = realestate.register()
    monkeypatch.setenv("REALESTATE_WEBHOOK_ALLOW_LOCAL_TARGETS", "false")  # as in Lambda
    runtime.reconfigure(RealEstateRateLimitPerMinute="999999")  # a redeploy: new instances copy the environment
    try:
        for url in (
            "http://example.com/hook",
            "https://127.0.0.1/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://10.0.0.8/hook",
            "https://localhost/hook",
            "https://user:pass@example.com/hook",
            "https://[::1]/hook",
        ):
            response = realestate.client.post(
                f"{BASE}/agents", json={"name": "Hooked", "webhook": webhook(url)}, headers=admin.headers
            )
            assert response.status_code == 422, (url, response.text)
            assert response.json()["error"]["details"]["field"] == "webhook.url"
        allowed = realestate.client.post(
            f"{BASE}/agents",
            json={"name": "Hooked", "webhook": webhook("https://hooks.example.com/agent-events")},
            headers=admin.headers,
        )
        assert allowed.status_code == 201, allowed.text
    finally:
        monkeypatch.delenv("REALESTATE_WEBHOOK_ALLOW_LOCAL_TARGETS")
        runtime.reconfigure(RealEstateRateLimitPerMinute="1000000")


def test_a_webhook_without_a_secret_gets_a_generated_one_shown_once(realestate: RealEstateDriver):
    admin = realestate.register()
    agent = realestate.create_agent(admin, webhook=webhook("https://hooks.example.com/x", secret=None))
    secret = agent["webhook"]["secretToken"]
    assert secret.startswith("whsec_") and len(secret) > 30
    assert realestate.get_agent(admin, agent["id"])["webhook"]["secretToken"] == "****" + secret[-4:]
