"""Schemathesis over the Cosmic OpenAPI document.

Generated requests (valid ones and deliberately invalid ones) go over a real socket to the local
runtime, through API Gateway's routing, to the function the template names. Whatever is sent, no
response is a 5xx, every response is one the document describes (status, content type, headers,
body), and operations that need a token refuse a request without one. The caller is a funded
operator at level 60 with trading unlocked, so paid and admin routes run their real logic; about
half the generated ids are swapped for real ones (the caller's id, a match, an item, a node, an
achievement), so operations on existing resources run too. Logout gets a session of its own.
"""

import json
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from local.openapi import build_openapi
from local.runtime import ROOT, LocalRuntime
from local.server import serve_http_api
from shared.identity import UserDirectory
from tests.support.cosmic import PASSWORD, CosmicDriver, Player
from tests.support.fuzzing import (
    EVERY_CHECK,
    NEGATIVE_DATA_REJECTION,
    drop_framing_headers,
    headers_for,
    swap_in_existing_ids,
)

API = "CosmicHttpApi"
COMMITTED_DOCUMENT = ROOT / "docs" / "openapi" / "cosmic.json"
CHECKS = EVERY_CHECK


@pytest.fixture(scope="module")
def cosmic_base_url(runtime: LocalRuntime, cosmic: CosmicDriver) -> Iterator[str]:
    """The Cosmic API on a free localhost port (the documented one may be in use by `make dev`)."""
    server = serve_http_api(runtime, API, 0)
    yield f"http://{runtime.host}:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def caller(runtime: LocalRuntime, cosmic: CosmicDriver) -> Player:
    player = cosmic.veteran(currencies={"cosmic_essence": 100_000, "starlight_orbs": 5_000, "shadow_shards": 5_000})
    UserDirectory(runtime.physical_id("CosmicTable")).grant_role(player.email, "admin")
    return cosmic.login(player.email, PASSWORD)


@pytest.fixture(scope="module")
def existing_ids(cosmic: CosmicDriver, caller: Player) -> dict[str, str]:
    finished = cosmic.play(caller, "void_novice", "o", seed=1)
    return {
        "player_id": caller.player_id,
        "match_id": finished["match_id"],
        "item_id": "trail_stardust",
        "node_id": "crucia_cross_t1",
        "achieve_id": "first_blood",
    }


def test_the_committed_openapi_document_is_current(runtime):
    # If this fails, regenerate: python -m local.openapi CosmicHttpApi > docs/openapi/cosmic.json
    assert json.loads(COMMITTED_DOCUMENT.read_text()) == build_openapi(runtime, API)


def test_the_document_says_which_operations_need_a_token():
    document = json.loads(COMMITTED_DOCUMENT.read_text())
    public = {
        ("post", "/v1/auth/register"),
        ("post", "/v1/auth/login"),
        ("post", "/v1/auth/refresh"),  # the refresh token in the body is the credential
        ("get", "/v1/.well-known/jwks.json"),
        ("get", "/v1/shop/daily"),
    }
    optional = {("get", "/v1/cosmetics")}  # public; a token adds what the caller owns
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if (method, path) in optional:
                continue
            expected = None if (method, path) in public else [{"bearerAuth": []}]
            assert operation.get("security") == expected, (method, path)
            errors = operation["responses"]["4XX"]["content"]["application/json"]["schema"]
            assert errors == {"$ref": "#/components/schemas/CosmicErrorResponse"}


# The committed document, which test_the_committed_openapi_document_is_current keeps equal to the code.
# A request the document allows may still be refused for the state it meets, with the spec's own
# codes, most of them 400 (the spec's choice): a taken cell, a purchase the wallet cannot pay, a trade
# past today's limit. Those are accepted, and only those: a 400 or 410 with any other code (say,
# VALIDATION_ERROR) to a request the document allows fails the test (see STATE_REFUSALS).
CONFIG = {
    "checks": {
        "negative_data_rejection": NEGATIVE_DATA_REJECTION,
        "positive_data_acceptance": {
            "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "410", "429"],
        },
    }
}
STATE_REFUSALS = {
    # the password rules the document states in words (the username or email name inside it, a
    # common password, a letter and a digit or symbol: "letter" is Unicode's, which no pattern
    # both JSON Schema dialects read alike can say)
    ("POST", "/v1/auth/register"): {"WEAK_PASSWORD"},
    ("POST", "/v1/matches/{match_id}/moves"): {"CELL_OCCUPIED", "NOT_YOUR_TURN", "MATCH_ENDED"},
    ("POST", "/v1/currency/convert"): {"INSUFFICIENT_FUNDS"},
    ("POST", "/v1/cosmetics/{item_id}/purchase"): {
        *("ALREADY_OWNED", "ITEM_UNAVAILABLE", "REQUIREMENTS_NOT_MET", "INSUFFICIENT_FUNDS"),
    },
    ("PUT", "/v1/players/{player_id}/loadout"): {"ITEM_NOT_OWNED"},
    ("POST", "/v1/players/{player_id}/skills/{node_id}/unlock"): {
        *("ALREADY_UNLOCKED", "PREREQUISITE_NOT_MET", "INSUFFICIENT_CURRENCY"),
    },
    ("POST", "/v1/players/{player_id}/achievements/{achieve_id}/claim"): {
        "ACHIEVEMENT_NOT_COMPLETE",
        "ALREADY_CLAIMED",
    },
    ("POST", "/v1/trades"): {
        *("TRADING_LOCKED", "SELF_TRADE", "RECEIVER_TRADING_LOCKED", "DAILY_LIMIT_REACHED"),
        *("INSUFFICIENT_FUNDS", "RECEIVER_AT_CAP"),
    },
}
schema = schemathesis.openapi.from_path(COMMITTED_DOCUMENT, config=schemathesis.Config.from_dict(CONFIG))


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_cosmic_api_conforms_to_its_openapi_document(case, cosmic_base_url, caller, existing_ids, cosmic):
    swap_in_existing_ids(case, existing_ids)
    headers = caller.headers
    if case.path.endswith("/auth/logout"):  # a session of its own: logging out ends the caller's
        headers = cosmic.login(caller.email, PASSWORD).headers
    drop_framing_headers(case)
    response = case.call_and_validate(base_url=cosmic_base_url, headers=headers_for(case, headers), checks=CHECKS)
    if case.meta is not None and case.meta.generation.mode.is_positive and response.status_code in (400, 410):
        code = response.json()["error"]["code"]
        allowed = STATE_REFUSALS.get((case.method.upper(), case.operation.path), set())
        assert code in allowed, (
            f"{case.method} {case.formatted_path}: a request the document allows got {response.text}"
        )
