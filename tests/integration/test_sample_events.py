"""The events/ samples (used by `sam local invoke -e`) stay in step with the template: each one's
routeKey is a route the template declares, and invoking that function with it gives an answer in
the API's contract, never a 5xx."""

import json
from pathlib import Path

import pytest

EVENTS = sorted((Path(__file__).resolve().parents[2] / "events").rglob("*.json"))
API_OF_FOLDER = {
    "jiga": "JigaHttpApi",
    "realestate": "RealEstateHttpApi",
    "loqua": "LoquaHttpApi",
    "cosmic": "CosmicHttpApi",
    "bluemarble": "BlueMarbleHttpApi",
}


@pytest.mark.parametrize("path", EVENTS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_sample_event_reaches_its_function_and_is_answered(runtime, jiga, path):
    event = json.loads(path.read_text())
    if "routeKey" not in event or event.get("version") != "2.0":
        pytest.skip("not an HTTP API event")
    if "x-shopify-hmac-sha256" in event["headers"]:
        pytest.skip("signed webhook sample: delivered once by test_jiga_sample_events")
    method, route_path = event["routeKey"].split(" ", 1)
    api_id = API_OF_FOLDER[path.parent.name]
    routes = [r for r in runtime.routes if r.api_id == api_id and r.method == method and r.path == route_path]
    assert routes, f"{path.name}: {event['routeKey']} is not a route in template.yaml"
    user = jiga.user_with_dofs(50_000)
    event["headers"] = {
        name: value.replace("REPLACE_WITH_ACCESS_TOKEN", user.access_token) for name, value in event["headers"].items()
    }
    if "body" in event:
        # the same sample can be invoked repeatedly: make its unique fields unique per run
        event["body"] = event["body"].replace("newcomer@example.com", f"sample-{user.user_id}@example.com")
        event["body"] = event["body"].replace("usr_00000000000000000000", user.user_id)
    event["headers"].pop("idempotency-key", None)
    response = runtime.invoke(routes[0].function_id, event)
    assert response["statusCode"] < 500, response
    if 200 <= response["statusCode"] < 300:
        return
    assert "error" in json.loads(response["body"])
