"""Schemathesis over the JIGA OpenAPI document.

Generated requests (valid ones and deliberately invalid ones) go over a real socket to the local
runtime, so each takes the route it takes in AWS: API Gateway routing -> the function the template
names -> Mangum -> FastAPI. Whatever is sent, no response is a 5xx, every response is one the
document describes (status, content type, headers, body), and operations that need a token
refuse a request without one. The caller is a funded operator, so admin routes and paid actions
run their real logic rather than stopping at 401/402, and about half the generated agent and
listing ids are swapped for real ones, so operations on existing resources run too.
"""

import json
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from local.openapi import build_openapi
from local.runtime import ROOT, LocalRuntime
from local.server import serve_http_api
from tests.support.fuzzing import (
    EVERY_CHECK,
    NEGATIVE_DATA_REJECTION,
    drop_framing_headers,
    headers_for,
    swap_in_existing_ids,
)
from tests.support.jiga import JigaDriver, User

API = "JigaHttpApi"
COMMITTED_DOCUMENT = ROOT / "docs" / "openapi" / "jiga.json"
CHECKS = EVERY_CHECK


@pytest.fixture(scope="module")
def jiga_base_url(runtime: LocalRuntime) -> Iterator[str]:
    """The JIGA API on a free localhost port (the documented port may be in use by `make dev`)."""
    server = serve_http_api(runtime, API, 0)
    yield f"http://{runtime.host}:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def funded_operator(jiga: JigaDriver) -> User:
    jiga.grant(jiga.operator, 10_000_000)
    return jiga.operator


@pytest.fixture(scope="module")
def existing_ids(jiga: JigaDriver, funded_operator: User) -> dict[str, str]:
    """The caller's own agent, and another seller's published listing."""
    own_agent = jiga.create_agent(funded_operator)
    seller = jiga.user_with_dofs(10_000)
    listing = jiga.publish(seller, jiga.create_agent(seller)["id"])
    return {"agentId": own_agent["id"], "listingId": listing["listingId"]}


def test_the_committed_openapi_document_is_current(runtime):
    # If this fails, regenerate: python -m local.openapi JigaHttpApi > docs/openapi/jiga.json
    assert json.loads(COMMITTED_DOCUMENT.read_text()) == build_openapi(runtime, API)


def test_the_document_says_which_operations_need_a_token():
    document = json.loads(COMMITTED_DOCUMENT.read_text())
    public = {
        ("post", "/api/v1/auth/register"),
        ("post", "/api/v1/auth/login"),
        ("post", "/api/v1/auth/refresh"),
        ("post", "/api/v1/auth/logout"),  # the refresh token in the body is the credential
        ("get", "/api/v1/marketplace/search"),  # browsing is open; a token sent must be valid
        ("get", "/api/v1/marketplace/{listingId}/reviews"),  # as open as search
        ("post", "/api/v1/webhooks/shopify"),  # Shopify signs it (X-Shopify-Hmac-Sha256) instead
        ("post", "/api/v1/webhooks/stripe"),  # Stripe signs it (Stripe-Signature) instead
    }
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            expected = None if (method, path) in public else [{"bearerAuth": []}]
            assert operation.get("security") == expected, (method, path)
            errors = operation["responses"]["4XX"]["content"]["application/json"]["schema"]
            assert errors == {"$ref": "#/components/schemas/JigaErrorResponse"}


# The committed document, which test_the_committed_openapi_document_is_current keeps equal to the code.
# A request the document allows may still be refused for the state it meets: 402 when the caller
# lacks DOFs, 422 for a business rule the state decides (a price under the agent's rank minimum, an
# allocation under five minutes of that listing). Every 400 is a shape the document itself refuses.
CONFIG = {
    "checks": {
        "negative_data_rejection": NEGATIVE_DATA_REJECTION,
        "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "402", "403", "404", "409", "422", "429"]},
    }
}
schema = schemathesis.openapi.from_path(COMMITTED_DOCUMENT, config=schemathesis.Config.from_dict(CONFIG))


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_jiga_api_conforms_to_its_openapi_document(case, jiga_base_url, funded_operator, existing_ids):
    swap_in_existing_ids(case, existing_ids)
    drop_framing_headers(case)
    headers = headers_for(case, funded_operator.headers)
    case.call_and_validate(base_url=jiga_base_url, headers=headers, checks=CHECKS)


def test_search_documents_every_query_parameter_it_takes():
    document = json.loads(COMMITTED_DOCUMENT.read_text())
    parameters = document["paths"]["/api/v1/marketplace/search"]["get"]["parameters"]
    assert [parameter["name"] for parameter in parameters] == [
        *("q", "game", "rank", "type", "minPrice", "maxPrice", "hasVoiceChat"),
        *("hasCommentator", "specialization", "minRating", "sortBy", "page", "limit"),
    ]
    assert all(parameter["in"] == "query" and "schema" in parameter for parameter in parameters)
