"""The events/loqua samples are real events for the functions the template routes them to."""

import json
from pathlib import Path

from local.runtime import lambda_proxy_response
from tests.support.loqua import decrypt_cbc

EVENTS = Path(__file__).resolve().parents[2] / "events" / "loqua"


def filled(name: str, **values: str) -> dict:
    text = (EVENTS / name).read_text()
    for placeholder, value in values.items():
        text = text.replace(f"REPLACE_WITH_{placeholder}", value)
    return json.loads(text)


def invoke(runtime, event: dict) -> tuple[int, dict]:
    found = runtime.find_route("LoquaHttpApi", event["requestContext"]["http"]["method"], event["rawPath"])
    assert found is not None, event["routeKey"]
    route, _ = found
    assert f"{route.method} {route.path}" == event["routeKey"]
    status, _, body = lambda_proxy_response(runtime.invoke(route.function_id, event))
    return status, json.loads(body)


def test_the_agent_samples_run_a_call_end_to_end(runtime, loqua):
    learner = loqua.register()
    sample_agent_token = loqua.agent(agent_id="spanish-tutor-v1").token  # a fresh token of the sample agent
    status, _ = invoke(runtime, filled("learner-preferences-put.json", ACCESS_TOKEN=learner.access_token))
    assert status == 200
    loqua.join("room_12345", learner.user_id)
    loqua.join("room_12345", "spanish-tutor-v1", agent=True)
    values = {"AGENT_TOKEN": sample_agent_token, "USER_ID": learner.user_id}
    assert invoke(runtime, filled("agent-health.json", **values))[0] == 200
    status, answer = invoke(runtime, filled("agent-user-token.json", **values))
    assert status == 200, answer
    values["USER_TOKEN"] = decrypt_cbc(answer["encrypted_token"], loqua.user_token_secret)
    assert invoke(runtime, filled("agent-progress.json", **values))[0] == 200
    loqua.drain_progress()
    assert runtime.invoke("LoquaProgressConsumerFunction", filled("progress-queue-batch.json", **values)) == {
        "batchItemFailures": []
    }
    status, answer = invoke(runtime, filled("agent-sessions.json", **values))
    assert status in (200, 409), answer  # the sample's session id is fixed: once per test run
    status, context = invoke(runtime, filled("agent-context.json", **values))
    assert status == 200, context
    assert context["progress"]["words_learned"] == 5  # the same update twice (API and sample batch) counts once
