"""Schemathesis over the Real Estate OpenAPI document (generated from the code: a test fails when
it drifts), with every check, over a real socket through the template's routing.

The caller is an organisation's admin, so every route runs its real logic rather than stopping
at 403; about half the generated agent, conversation, lead and delivery ids are swapped for real
ones of that organisation, so operations on existing resources run too."""

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
from tests.support.realestate import RealEstateDriver, Staff, simple_pdf

API = "RealEstateHttpApi"
COMMITTED_DOCUMENT = ROOT / "docs" / "openapi" / "realestate.json"
CHECKS = EVERY_CHECK
PUBLIC = {
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/logout"),  # the refresh token in the body is the credential
    ("post", "/api/v1/auth/accept-invitation"),  # the invitation token is
    ("get", "/api/v1/health"),
    ("get", "/api/v1/health/ready"),
    ("get", "/api/v1/health/live"),
}


@pytest.fixture(scope="module")
def base_url(runtime: LocalRuntime, realestate_queues) -> Iterator[str]:
    server = serve_http_api(runtime, API, 0)
    yield f"http://{runtime.host}:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def admin(realestate: RealEstateDriver) -> Staff:
    return realestate.register("Fuzzed Realty")


@pytest.fixture(scope="module")
def existing_ids(realestate: RealEstateDriver, admin: Staff) -> dict[str, str]:
    agent = realestate.create_agent(admin, webhook={"url": "https://hooks.example.com/x", "events": ["lead.created"]})
    realestate.upload(admin, agent["id"], "guide.pdf", simple_pdf(["Parking is included."]), "application/pdf")
    realestate.settle()
    conversation = realestate.start_conversation(admin, agent["id"])
    lead = realestate.create_lead(admin, conversation["id"])
    deliveries = realestate.client.get(f"/api/v1/agents/{agent['id']}/webhook-deliveries", headers=admin.headers)
    return {
        "agentId": agent["id"],
        "conversationId": conversation["id"],
        "leadId": lead["id"],
        "deliveryId": deliveries.json()["data"]["items"][0]["id"],
        "userId": admin.user_id,
    }


def test_the_committed_openapi_document_is_current(runtime, realestate_queues):
    # If this fails, regenerate: python -m local.openapi RealEstateHttpApi > docs/openapi/realestate.json
    assert json.loads(COMMITTED_DOCUMENT.read_text()) == build_openapi(runtime, API)


def test_the_document_says_which_operations_need_a_token():
    document = json.loads(COMMITTED_DOCUMENT.read_text())
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            expected = None if (method, path) in PUBLIC else [{"bearerAuth": []}]
            assert operation.get("security") == expected, (method, path)
            errors = operation["responses"]["4XX"]["content"]["application/json"]["schema"]
            assert errors == {"$ref": "#/components/schemas/ErrorResponse"}


# A request the document allows may still be refused for the state it meets, with the spec's own
# codes: 401 (credentials in the body that match no account, invitation or session), 403 (a role
# the caller does not have for that member), 404 (a drawn id that does not exist), 409 (CONFLICT:
# an email already registered, a lead whose conversation has no BANT suggestion yet...), 429.
# 422 is not accepted: in this spec it is VALIDATION_ERROR, a rule the document must state
# itself; nor is 400 (BAD_REQUEST, likewise a shape the document refuses).
CONFIG = {
    "checks": {
        "negative_data_rejection": NEGATIVE_DATA_REJECTION,
        "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "429"]},
    }
}
schema = schemathesis.openapi.from_path(COMMITTED_DOCUMENT, config=schemathesis.Config.from_dict(CONFIG))


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_realestate_api_conforms_to_its_openapi_document(case, base_url, admin, existing_ids):
    swap_in_existing_ids(case, existing_ids)
    drop_framing_headers(case)
    case.call_and_validate(base_url=base_url, headers=headers_for(case, admin.headers), checks=CHECKS)
