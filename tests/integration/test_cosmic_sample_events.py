"""The events/cosmic samples are real API Gateway events for the functions the template routes them
to: each is invoked with a real token (and ids) and answered as the spec says."""

import copy
import json
import uuid
from pathlib import Path

from local.runtime import lambda_proxy_response

EVENTS = Path(__file__).resolve().parents[2] / "events" / "cosmic"


def load(name: str) -> dict:
    return json.loads((EVENTS / name).read_text())


def invoke(runtime, event: dict, token: str | None = None, **replacements: str) -> tuple[int, dict]:
    event = copy.deepcopy(event)
    text = json.dumps(event)
    for placeholder, value in {"REPLACE_WITH_ACCESS_TOKEN": token or "", **replacements}.items():
        text = text.replace(placeholder, value)
    event = json.loads(text)
    event["headers"].pop("idempotency-key", None)
    found = runtime.find_route("CosmicHttpApi", event["requestContext"]["http"]["method"], event["rawPath"])
    assert found is not None, event["routeKey"]
    route, _ = found
    assert f"{route.method} {route.path}" == event["routeKey"]
    status, _, body = lambda_proxy_response(runtime.invoke(route.function_id, event))
    return status, json.loads(body) if body else {}


def test_every_sample_reaches_its_function_and_is_answered(runtime, cosmic):
    name = f"Sample{uuid.uuid4().hex[:8]}"
    email = f"{name.lower()}@example.com"
    status, registered = invoke(runtime, load("auth-register.json"), CosmicPlayer=name, **{"player@example.com": email})
    assert status == 201
    status, logged_in = invoke(runtime, load("auth-login.json"), **{"player@example.com": email})
    assert status == 200
    token = logged_in["access_token"]
    player = cosmic.login(email)
    cosmic.grant(player, {"cosmic_essence": 5000, "starlight_orbs": 100}, matches=50)
    other = cosmic.veteran()

    status, match = invoke(runtime, load("matches-start.json"), token)
    assert status == 201
    assert invoke(runtime, load("matches-move.json"), token, REPLACE_WITH_MATCH_ID=match["match_id"])[0] == 200
    assert invoke(runtime, load("wallet-get.json"), token)[0] == 200
    assert invoke(runtime, load("currency-convert.json"), token)[1]["conversion"]["to_amount"] == 10
    assert invoke(runtime, load("cosmetics-purchase.json"), token)[0] == 200
    assert invoke(runtime, load("shop-daily.json"))[0] == 200
    status, trade = invoke(runtime, load("trades-create.json"), token, OtherPlayer=other.username)
    assert (status, trade["amount_received"]) == (201, 45)
    assert registered["player_id"] == player.player_id


def test_the_socket_samples_connect_and_authenticate(runtime, cosmic):
    player = cosmic.register()
    connect = load("socket-connect.json")
    auth = json.loads(json.dumps(load("socket-auth.json")).replace("REPLACE_WITH_ACCESS_TOKEN", player.access_token))

    assert runtime.invoke("CosmicSocketFunction", connect) == {"statusCode": 200}
    assert runtime.invoke("CosmicSocketFunction", auth) == {"statusCode": 200}
