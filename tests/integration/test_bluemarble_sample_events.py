"""The events/bluemarble samples work: each, with its placeholders replaced by a real token and real
ids, is answered by the function the template routes it to, with a 2xx in the spec's shape."""

import json
import uuid
from pathlib import Path

import pytest

from tests.support.bluemarble import IRON_ORE

EVENTS = Path(__file__).resolve().parents[2] / "events" / "bluemarble"
SAMPLE_LISTING = "550e8400-e29b-41d4-a716-446655440000"
SAMPLE_PURCHASE = "a1b2c3d4-e5f6-4789-0123-456789abcdef"


@pytest.fixture(scope="module")
def world(bluemarble):
    """A buyer who completed a purchase of another seller's listing (never rated)."""
    seller = bluemarble.funded(items=[(IRON_ORE, 500)])
    buyer = bluemarble.funded(coin="5000.00")
    listing = bluemarble.list_item(seller, IRON_ORE, 300, "5.50")
    purchase = bluemarble.buy(buyer, listing["id"], 1).json()["data"]
    return {"seller": seller, "buyer": buyer, "listing": listing["id"], "purchase": purchase["transactionId"]}


def http_event(name: str, replacements: dict[str, str]) -> dict:
    text = (EVENTS / f"{name}.json").read_text()
    for placeholder, value in replacements.items():
        text = text.replace(placeholder, value)
    return json.loads(text)


def function_of(runtime, event: dict) -> str:
    method, path = event["routeKey"].split(" ", 1)
    route = next(r for r in runtime.routes if r.api_id == "BlueMarbleHttpApi" and r.method == method and r.path == path)
    return route.function_id


@pytest.mark.parametrize(
    "name",
    [
        "listings-search",
        "listings-get",
        "transactions-purchase",
        "transactions-history",
        "analytics-prices",
        "analytics-trends",
        "reputation-rate",
        "game-grant",
        "auth-register",
    ],
)
def test_http_sample(runtime, bluemarble, world, name):
    token = bluemarble.server["Authorization"].split(" ", 1)[1]
    event = http_event(
        name,
        {
            "REPLACE_WITH_ACCESS_TOKEN": world["buyer"].access_token,
            "REPLACE_WITH_SERVICE_TOKEN": token,
            SAMPLE_LISTING: world["listing"],
            SAMPLE_PURCHASE: world["purchase"],
            "usr_00000000000000000000": world["buyer"].player_id,
            "newcomer@example.com": f"newcomer-{uuid.uuid4().hex[:8]}@example.com",
            "sample-grant-1": f"sample-grant-{uuid.uuid4().hex[:8]}",
        },
    )
    event["headers"].pop("idempotency-key", None)
    response = runtime.invoke(function_of(runtime, event), event)
    assert 200 <= response["statusCode"] < 300, response
    assert json.loads(response["body"])["success"] is True
    assert response["headers"]["x-request-id"] == "7b0c6f0e-0d6f-4f55-9a51-2a1d3b9e2f10"


def test_listing_sample_creates_the_spec_s_listing(runtime, bluemarble):
    seller = bluemarble.funded(items=[(IRON_ORE, 100)])
    event = http_event("listings-create", {"REPLACE_WITH_ACCESS_TOKEN": seller.access_token})
    response = runtime.invoke(function_of(runtime, event), event)
    data = json.loads(response["body"])["data"]
    assert response["statusCode"] == 201
    assert (data["totalPrice"], data["listingFee"]) == (550.0, 5.5)


def test_task_samples(runtime, bluemarble, world):
    deliver = json.loads(
        (EVENTS / "settlement-deliver.json").read_text().replace("REPLACE_WITH_PURCHASE_ID", world["purchase"])
    )
    assert runtime.invoke("BlueMarbleSettlementFunction", deliver) == {
        "purchaseId": world["purchase"],
        "status": "COMPLETED",
    }
    expiry = json.loads(
        (EVENTS / "expiry-scheduled.json").read_text().replace("REPLACE_WITH_LISTING_ID", world["listing"])
    )
    expiry["scheduledTime"] = "2099-01-01T00:00:00Z"
    assert runtime.invoke("BlueMarbleExpiryFunction", expiry) == {"listingId": world["listing"], "expired": True}
