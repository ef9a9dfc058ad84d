"""Health probes, the spec's rate limits with their headers, and what careless or hostile clients
send: every answer in the spec's envelope, never a 500."""

import json

import pytest

from tests.support.realestate import BASE, RealEstateDriver


def test_health_reports_real_checks_without_a_token(realestate: RealEstateDriver):
    response = realestate.client.get(f"{BASE}/health")
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True and set(body["metadata"]) == {"timestamp", "requestId", "version"}
    data = body["data"]
    assert data["status"] in ("healthy", "degraded") and data["version"] == "1.0.0"
    assert {"database", "storage", "queues", "memory"} <= set(data["checks"])
    for name in ("database", "storage", "queues"):
        assert data["checks"][name]["status"] in ("pass", "warn") and isinstance(
            data["checks"][name]["responseTime"], int
        )
    assert data["checks"]["memory"]["limit"] == 100 and 0 <= data["checks"]["memory"]["usage"] <= 100
    assert set(data["metrics"]) == {"requestsPerSecond", "averageResponseTime", "errorRate", "memoryUsage"}
    assert realestate.client.get(f"{BASE}/health/live").json()["data"]["status"] == "alive"
    assert realestate.client.get(f"{BASE}/health/ready").json()["data"]["status"] == "ready"


def test_readiness_is_503_when_a_dependency_is_down(realestate: RealEstateDriver, runtime, monkeypatch):
    from shared import aws

    original = aws.client

    def broken(service: str):
        if service == "s3":
            raise ConnectionError("storage unreachable")
        return original(service)

    monkeypatch.setattr(aws, "client", broken)
    response = realestate.client.get(f"{BASE}/health/ready")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "SERVICE_UNAVAILABLE" and error["details"]["field"] == "storage"
    assert realestate.client.get(f"{BASE}/health").json()["data"]["status"] == "unhealthy"


@pytest.fixture
def spec_rate_limits(runtime):
    runtime.reconfigure(
        RealEstateRateLimitPerMinute="100",
        RealEstateUploadRateLimitPerMinute="10",
        RealEstateHealthRateLimitPerMinute="200",
    )
    yield
    runtime.reconfigure(
        RealEstateRateLimitPerMinute="1000000",
        RealEstateUploadRateLimitPerMinute="1000000",
        RealEstateHealthRateLimitPerMinute="1000000",
    )


def test_the_spec_rate_limits_apply_per_category_with_headers(realestate: RealEstateDriver, spec_rate_limits):
    admin = realestate.register()
    agent = realestate.create_agent(admin)
    listed = realestate.client.get(f"{BASE}/agents", headers=admin.headers)
    assert listed.headers["X-RateLimit-Limit"] == "100"
    assert int(listed.headers["X-RateLimit-Remaining"]) < 100 and int(listed.headers["X-RateLimit-Reset"]) > 0
    assert realestate.client.get(f"{BASE}/health").headers["X-RateLimit-Limit"] == "200"
    upload = {"document": {"name": "a.txt", "content": "aGk=", "mimeType": "text/plain"}}
    answers = [
        realestate.client.post(f"{BASE}/agents/{agent['id']}/documents", json=upload, headers=admin.headers)
        for _ in range(11)
    ]
    assert [a.status_code for a in answers[:10]] == [201] * 10
    limited = answers[10]
    assert (
        limited.status_code == 429 and limited.headers["X-RateLimit-Limit"] == "10" and "Retry-After" in limited.headers
    )
    error = limited.json()["error"]
    assert error["code"] == "RATE_LIMIT_EXCEEDED"
    assert {"limit", "remaining", "resetAt", "retryAfter"} <= set(error["details"])
    # uploads have their own budget: the standard endpoints still answer
    assert realestate.client.get(f"{BASE}/agents", headers=admin.headers).status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "BAD_REQUEST"),
        (b'{"name": NaN}', 400, "BAD_REQUEST"),
        (b'{"name": "\\ud800x"}', 400, "BAD_REQUEST"),
        (b"[" * 70 + b"]" * 70, 400, "BAD_REQUEST"),
        (b'["a list"]', 422, "VALIDATION_ERROR"),
        (b'{"name": 12345}', 422, "VALIDATION_ERROR"),
        (b'{"name": "Valid", "settings": {"maxTokens": "5"}}', 422, "VALIDATION_ERROR"),
        (b'{"name": "Valid", "settings": {"temperature": 9}}', 422, "VALIDATION_ERROR"),
    ],
)
def test_hostile_and_careless_bodies_get_the_spec_envelope(realestate: RealEstateDriver, body, status, code):
    admin = realestate.register()
    response = realestate.client.post(
        f"{BASE}/agents", content=body, headers={**admin.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and "field" in error["details"] and "value" in error["details"]


def test_metadata_beyond_the_documented_bounds_is_a_validation_error(realestate: RealEstateDriver):
    """Empty keys, numbers DynamoDB cannot keep, nesting past two levels: refused as the OpenAPI
    document says (its metadata schema), before anything is written."""
    admin = realestate.register()
    agent = realestate.create_agent(admin)
    deep: dict = {}
    cursor = deep
    for _ in range(40):
        cursor["x"] = {}
        cursor = cursor["x"]
    for metadata in ({"": "empty key"}, {"huge": 10**40}, {"tiny": 1e-200}, deep):
        response = realestate.client.post(
            f"{BASE}/conversations",
            json={"agentId": agent["id"], "userId": "u", "metadata": metadata},
            headers=admin.headers,
        )
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert realestate.get_agent(admin, agent["id"])["conversationCount"] == 0


def test_unknown_routes_and_methods_answer_in_the_envelope(realestate: RealEstateDriver):
    missing = realestate.client.get(f"{BASE}/properties")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"
    wrong = realestate.client.patch(f"{BASE}/agents")
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]
    assert wrong.json()["error"]["code"] == "METHOD_NOT_ALLOWED"


def test_create_honours_idempotency_key(realestate: RealEstateDriver):
    admin = realestate.register()
    headers = {**admin.headers, "Idempotency-Key": "create-agent-1"}
    body = {"name": "Only Once"}
    first = realestate.client.post(f"{BASE}/agents", json=body, headers=headers)
    second = realestate.client.post(f"{BASE}/agents", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert json.loads(second.content)["data"]["agent"]["id"] == first.json()["data"]["agent"]["id"]
    assert realestate.client.get(f"{BASE}/agents", headers=admin.headers).json()["data"]["pagination"]["total"] == 1
