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
from shared.identity import UserDirectory
from tests.support.cosmic import PASSWORD, CosmicDriver, Player

API = "CosmicHttpApi"
COMMITTED_DOCUMENT = ROOT / "docs" / "openapi" / "cosmic.json"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,
]


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


schema = schemathesis.openapi.from_path(
    COMMITTED_DOCUMENT, config=schemathesis.Config.from_dict({"phases": {"coverage": {"unexpected-methods": []}}})
)


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_cosmic_api_conforms_to_its_openapi_document(case, cosmic_base_url, caller, existing_ids, cosmic):
    for name, value in (case.path_parameters or {}).items():
        if name in existing_ids and len(str(value)) % 2 == 0:  # a choice the generated data makes
            case.path_parameters[name] = existing_ids[name]
    headers = caller.headers
    if case.path.endswith("/auth/logout"):  # a session of its own: logging out ends the caller's
        headers = cosmic.login(caller.email, PASSWORD).headers
    case.call_and_validate(base_url=cosmic_base_url, headers=headers, checks=CHECKS)
