"""Schemathesis over the BlueMarble OpenAPI document.

Generated requests (valid ones and deliberately invalid ones) go over a real socket to the local
runtime, so each takes the route it takes in AWS: API Gateway routing -> the function the template
names -> Mangum -> FastAPI. Whatever is sent, no response is a 5xx, every response is one the
document describes (status, content type, headers, body), and operations that need a token refuse
a request without one. The caller is a funded player holding items (the game server, for the
game routes), so listings, purchases and grants run their real logic, and about half the
generated ids are swapped for real ones (the caller's listing, another seller's, a purchase...).
"""

import json
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from local.openapi import build_openapi
from local.runtime import ROOT, LocalRuntime
from local.server import serve_http_api
from tests.support.bluemarble import IRON_ORE, BlueMarbleDriver, Player
from tests.support.fuzzing import (
    EVERY_CHECK,
    NEGATIVE_DATA_REJECTION,
    drop_framing_headers,
    headers_for,
    swap_in_existing_ids,
)

API = "BlueMarbleHttpApi"
COMMITTED_DOCUMENT = ROOT / "docs" / "openapi" / "bluemarble.json"
CHECKS = [*EVERY_CHECK]
PUBLIC = {
    ("post", "/api/auth/register"),
    ("post", "/api/auth/login"),
    ("post", "/api/auth/refresh"),
    ("post", "/api/auth/logout"),  # the refresh token in the body is the credential
    ("post", "/api/auth/guest"),
    ("post", "/api/auth/token"),  # the client credentials in the body are the credential
}


@pytest.fixture(scope="module")
def base_url(runtime: LocalRuntime, bluemarble) -> Iterator[str]:
    """The API on a free localhost port (the documented port may be in use by `make dev`)."""
    server = serve_http_api(runtime, API, 0)
    yield f"http://{runtime.host}:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def caller(bluemarble: BlueMarbleDriver) -> Player:
    return bluemarble.funded(coin="100000.00", items=[(IRON_ORE, 5_000)])


@pytest.fixture(scope="module")
def existing_ids(bluemarble: BlueMarbleDriver, caller: Player) -> dict[str, str]:
    """The caller's own listing, another seller's listing, a purchase the caller made."""
    own = bluemarble.list_item(caller, IRON_ORE, 100, "1.00")
    seller = bluemarble.funded(items=[(IRON_ORE, 100)])
    other = bluemarble.list_item(seller, IRON_ORE, 100, "2.00")
    bought = bluemarble.buy(caller, other["id"], 1).json()["data"]
    return {
        "id": own["id"],
        "listingId": other["id"],
        "transactionId": bought["transactionId"],
        "itemId": IRON_ORE,
        "sellerId": seller.player_id,
        "playerId": caller.player_id,
        "origin": "Aethermoor",
        "destination": "Brinehold",
    }


def test_the_committed_openapi_document_is_current(runtime):
    # If this fails, regenerate: make openapi
    assert json.loads(COMMITTED_DOCUMENT.read_text()) == build_openapi(runtime, API)


def test_the_document_says_which_operations_need_a_token():
    document = json.loads(COMMITTED_DOCUMENT.read_text())
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            expected = None if (method, path) in PUBLIC else [{"bearerAuth": []}]
            assert operation.get("security") == expected, (method, path)
            errors = operation["responses"]["4XX"]["content"]["application/json"]["schema"]
            assert errors == {"$ref": "#/components/schemas/BlueMarbleErrorResponse"}


# A request the document allows may still be refused for the state it meets, with the spec's own
# codes: 401 (credentials that match no account), 403 (another player's listing, one's own listing
# to buy), 404 (a drawn id that does not exist), 409 (LISTING_UNAVAILABLE, DUPLICATE_LISTING, an
# already rated or not yet completed purchase), 429, and 402/422 with the codes in STATE_REFUSALS
# only: a 422 for any other reason, or a 400, would be a rule the document fails to state.
STATE_REFUSALS = {
    402: {"INSUFFICIENT_FUNDS"},  # the spec's purchase example: the buyer's coin does not cover it
    # the spec's error table; and a cursor of the documented shape this list did not issue (JIGA's
    # INVALID_CURSOR decision: the list's state refuses it, the request is well formed)
    422: {"INSUFFICIENT_INVENTORY", "INSUFFICIENT_FUNDS", "INSUFFICIENT_SPACE", "INVALID_CURSOR"},
}
CONFIG = {
    "checks": {
        "negative_data_rejection": NEGATIVE_DATA_REJECTION,
        "positive_data_acceptance": {
            "expected-statuses": ["2xx", "401", "403", "404", "409", "429", *map(str, STATE_REFUSALS)]
        },
    }
}


@schemathesis.check
def state_refusals_carry_the_specs_codes(ctx, response, case):
    """positive_data_acceptance accepts 402 and 422 for valid data; only for these codes."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code in STATE_REFUSALS:
        code = response.json()["error"]["code"]
        assert code in STATE_REFUSALS[response.status_code], f"valid data refused with {response.status_code} {code}"
    return None


CHECKS.append(state_refusals_carry_the_specs_codes)
schema = schemathesis.openapi.from_path(COMMITTED_DOCUMENT, config=schemathesis.Config.from_dict(CONFIG))


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_bluemarble_api_conforms_to_its_openapi_document(case, base_url, bluemarble, caller, existing_ids):
    swap_in_existing_ids(case, existing_ids)
    headers = bluemarble.server if case.path.startswith("/api/game/") else caller.headers
    drop_framing_headers(case)
    case.call_and_validate(base_url=base_url, headers=headers_for(case, headers), checks=CHECKS)
