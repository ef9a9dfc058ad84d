"""Schemathesis over the Loqua OpenAPI document.

Generated requests (valid ones and deliberately invalid ones) go over a real socket to the local
runtime, so each takes the route it takes in AWS. Whatever is sent, no response is a 5xx, every
response is one the document describes, and operations that need a token refuse a request without
one. Each operation gets the credential its callers have: the sample-style agent's JWT on the agent
routes, a learner's user token (obtained in a call) on the learner-data routes, the operator's
token on the learners' and operators' routes; half the generated learner and agent ids are swapped
for real ones so that operations on existing data run their real logic too.
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

API = "LoquaHttpApi"
COMMITTED_DOCUMENT = ROOT / "docs" / "openapi" / "loqua.json"
CHECKS = EVERY_CHECK
AGENT_ROUTES = {"/api/v1/agent/health", "/api/v1/agent/user-token"}
USER_ROUTES = {"/api/v1/agent/progress", "/api/v1/agent/sessions", "/api/v1/agent/user/{user_id}/context"}
PUBLIC = {
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/logout"),
    ("post", "/api/v1/webhooks/livekit"),  # LiveKit signs it (its own JWT in Authorization) instead
}


@pytest.fixture(scope="module")
def loqua_base_url(runtime: LocalRuntime, loqua) -> Iterator[str]:
    server = serve_http_api(runtime, API, 0)
    yield f"http://{runtime.host}:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def callers(loqua) -> dict[str, object]:
    agent, learner = loqua.agent(), loqua.onboarded()
    user_jwt = loqua.user_token(agent, learner)
    return {
        "agent": agent.headers,
        "user": loqua.user_headers(user_jwt, agent),
        "operator": loqua.operator.headers,
        "ids": {"user_id": learner.user_id, "agent_id": agent.agent_id},
    }


def test_the_committed_openapi_document_is_current(runtime):
    # If this fails, regenerate: python -m local.openapi LoquaHttpApi > docs/openapi/loqua.json
    assert json.loads(COMMITTED_DOCUMENT.read_text()) == build_openapi(runtime, API)


def test_the_document_says_which_operations_need_a_token_and_how_errors_look():
    document = json.loads(COMMITTED_DOCUMENT.read_text())
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            expected = None if (method, path) in PUBLIC else [{"bearerAuth": []}]
            assert operation.get("security") == expected, (method, path)
            errors = operation["responses"]["4XX"]["content"]["application/json"]["schema"]
            assert errors == {"$ref": "#/components/schemas/LoquaErrorResponse"}
            if path.startswith("/api/v1/agent/"):
                assert any(p["name"] == "X-Agent-ID" and p["in"] == "header" for p in operation["parameters"])
    envelope = document["components"]["schemas"]["LoquaErrorResponse"]
    assert set(envelope["properties"]) == {"error", "timestamp"}


# The committed document, which test_the_committed_openapi_document_is_current keeps equal to the code.
# A request the document allows may still be refused for the state it meets. Loqua's only such 400
# is an audit-log cursor the server did not issue to this learner (INVALID_CURSOR: a cursor is opaque,
# so no schema can tell the issued ones apart). That one is accepted, and only that one: a 400 with any
# other code (say, INVALID_REQUEST) to a request the document allows fails the test.
CONFIG = {
    "checks": {
        "negative_data_rejection": NEGATIVE_DATA_REJECTION,
        "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]},
    }
}
STATE_REFUSALS = {("GET", "/api/v1/learner/audit-log"): {"INVALID_CURSOR"}}
schema = schemathesis.openapi.from_path(COMMITTED_DOCUMENT, config=schemathesis.Config.from_dict(CONFIG))


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_loqua_api_conforms_to_its_openapi_document(case, loqua_base_url, callers):
    path = case.operation.path
    if path in AGENT_ROUTES:
        headers = callers["agent"]
    elif path in USER_ROUTES:
        headers = callers["user"]
    elif (case.method.lower(), path) in PUBLIC:
        headers = {}
    else:
        headers = callers["operator"]
    swap_in_existing_ids(case, callers["ids"])
    drop_framing_headers(case)
    response = case.call_and_validate(base_url=loqua_base_url, headers=headers_for(case, headers), checks=CHECKS)
    if case.meta is not None and case.meta.generation.mode.is_positive and response.status_code == 400:
        code = response.json()["error"]["code"]
        allowed = STATE_REFUSALS.get((case.method.upper(), case.operation.path), set())
        assert code in allowed, (
            f"{case.method} {case.formatted_path}: a request the document allows got {response.text}"
        )
