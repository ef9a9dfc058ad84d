"""The events/realestate samples are events the template's functions take as they are."""

import copy
import json
from pathlib import Path

from local.runtime import lambda_proxy_response
from tests.support.realestate import RealEstateDriver

EVENTS = Path(__file__).resolve().parents[2] / "events" / "realestate"


def load(name: str) -> dict:
    return json.loads((EVENTS / name).read_text())


def invoke_http(runtime, event: dict) -> tuple[int, dict]:
    found = runtime.find_route("RealEstateHttpApi", event["requestContext"]["http"]["method"], event["rawPath"])
    assert found is not None, event["routeKey"]
    route, _ = found
    assert f"{route.method} {route.path}" == event["routeKey"]
    status, _, body = lambda_proxy_response(runtime.invoke(route.function_id, event))
    return status, json.loads(body)


def test_the_http_samples_are_routed_and_answered(runtime, realestate: RealEstateDriver):
    assert invoke_http(runtime, load("health.json"))[0] == 200
    status, body = invoke_http(runtime, load("auth-login.json"))
    assert status == 401 and body["error"]["code"] == "UNAUTHORIZED"  # nobody registered that email
    admin = realestate.register()
    agent = realestate.create_agent(admin)
    conversation = realestate.start_conversation(admin, agent["id"])
    event = copy.deepcopy(load("conversations-send-message.json"))
    event["rawPath"] = event["rawPath"].replace("conv_sample", conversation["id"])
    event["requestContext"]["http"]["path"] = event["rawPath"]
    event["pathParameters"]["conversationId"] = conversation["id"]
    event["headers"]["authorization"] = f"Bearer {admin.access_token}"
    status, body = invoke_http(runtime, event)
    assert status == 201 and body["data"]["reply"]["sender"] == "agent"


def test_the_queue_samples_are_taken_without_failures(runtime, realestate):
    for name, function in (
        ("document-queue-upload.json", "RealEstateDocumentWorkerFunction"),
        ("document-queue-agent-job.json", "RealEstateDocumentWorkerFunction"),
        ("webhook-queue-delivery.json", "RealEstateWebhookWorkerFunction"),
    ):
        # the sample names a document, agent and delivery that do not exist here: nothing to do, nothing failed
        assert runtime.invoke(function, load(name)) == {"batchItemFailures": []}, name
