"""How a domain error reads to a JIGA client: the spec's status code and the {error: {...}} envelope."""

from datetime import datetime

import pytest

from jiga_store.errors import JIGA_STYLE, JigaErrorResponse
from shared.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InsufficientFunds,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServiceUnavailable,
    TokenExpired,
    Unauthorized,
    Unprocessable,
)


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (InvalidInput("bad"), 400, "INVALID_INPUT"),
        (Unauthorized("who?"), 401, "UNAUTHORIZED"),
        (TokenExpired("stale"), 401, "TOKEN_EXPIRED"),
        (InsufficientFunds(required=10, available=3, asset="DOF"), 402, "INSUFFICIENT_DOFS"),
        (Forbidden("no"), 403, "FORBIDDEN"),
        (NotFound("gone"), 404, "NOT_FOUND"),
        (Conflict("again"), 409, "CONFLICT"),
        (PayloadTooLarge("big"), 413, "PAYLOAD_TOO_LARGE"),
        (Unprocessable("rule"), 422, "UNPROCESSABLE_ENTITY"),
        (RateLimited("slow down"), 429, "RATE_LIMIT_EXCEEDED"),
        (ServiceUnavailable("later"), 503, "SERVICE_UNAVAILABLE"),
    ],
)
def test_each_kind_of_error_gets_the_spec_status_and_default_code(error, status, code):
    assert JIGA_STYLE.status_and_code(error) == (status, code)


def test_the_envelope_carries_code_message_details_timestamp_and_request_id():
    # Given a rule broken with details and an API-specific code
    error = Unprocessable("Pricing validation failed", {"problems": ["too cheap"]}, code="PRICING_VALIDATION_FAILED")
    # When it is rendered for a request
    status, body = JIGA_STYLE.body(error, "req_123")
    # Then the client sees the spec's envelope
    assert status == 422
    assert set(body) == {"error"}
    envelope = body["error"]
    assert envelope["code"] == "PRICING_VALIDATION_FAILED"
    assert envelope["message"] == "Pricing validation failed"
    assert envelope["details"] == {"problems": ["too cheap"]}
    assert envelope["requestId"] == "req_123"
    assert envelope["timestamp"].endswith("Z")
    assert datetime.fromisoformat(envelope["timestamp"])


def test_an_error_without_details_has_no_details_key():
    _, body = JIGA_STYLE.body(NotFound("Agent agt_1 not found"), "req_1")
    assert "details" not in body["error"]
    assert list(body["error"]) == ["code", "message", "timestamp", "requestId"]


def test_insufficient_funds_says_how_much_is_missing():
    _, body = JIGA_STYLE.body(InsufficientFunds(required=2_000, available=1_000, asset="DOF"), "req_1")
    assert body["error"]["details"] == {"required": 2_000, "available": 1_000, "shortfall": 1_000}
    assert "Required: 2000, Available: 1000" in body["error"]["message"]


def test_an_error_of_unknown_kind_is_a_plain_400_never_a_crash():
    error = DomainError("odd")
    error.kind = "something_new"
    assert JIGA_STYLE.body(error, "req_1")[0] == 400


@pytest.mark.parametrize("details", [None, {"field": "name"}, [{"field": "a", "message": "b"}]])
def test_the_documented_envelope_describes_every_rendered_error(details):
    _, body = JIGA_STYLE.body(InvalidInput("bad", details), "req_1")
    assert JigaErrorResponse.model_validate(body).error.code == "INVALID_INPUT"
    assert JIGA_STYLE.envelope is JigaErrorResponse
