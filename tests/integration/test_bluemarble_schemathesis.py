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
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from local.openapi import build_openapi
from local.runtime import ROOT, LocalRuntime
from local.server import serve_http_api
from tests.support.bluemarble import IRON_ORE, BlueMarbleDriver, Player

API = "BlueMarbleHttpApi"
COMMITTED_DOCUMENT = ROOT / "docs" / "openapi" / "bluemarble.json"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,
]
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


schema = schemathesis.openapi.from_path(
    COMMITTED_DOCUMENT, config=schemathesis.Config.from_dict({"phases": {"coverage": {"unexpected-methods": []}}})
)


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_bluemarble_api_conforms_to_its_openapi_document(case, base_url, bluemarble, caller, existing_ids):
    for name, value in (case.path_parameters or {}).items():
        if name in existing_ids and len(str(value)) % 2 == 0:  # a choice the generated data makes
            case.path_parameters[name] = existing_ids[name]
    headers = bluemarble.server if case.path.startswith("/api/game/") else caller.headers
    case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)
