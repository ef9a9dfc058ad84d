"""GET /health, /health/ready and /health/live: no token, 200 requests a minute (logic/health.py)."""

import os
import time
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from realestate_agent.envelope import Envelope, ok
from realestate_agent.identity import health_limit, realestate_app
from realestate_agent.logic import health as logic
from realestate_agent.settings import API_VERSION, get_realestate_settings
from shared import aws
from shared.app import lambda_handler
from shared.errors import ServiceUnavailable, utc_now_iso
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/v1/health", dependencies=[Depends(no_unknown_query_parameters)])
STATS = logic.InstanceStats()
DEPENDENCIES = ("database", "storage", "queues")


class HealthReport(BaseModel):
    status: str
    version: str
    uptime: int
    timestamp: str
    checks: dict[str, dict[str, Any]]
    metrics: dict[str, Any] | None = None


def _database() -> tuple[str, str]:
    aws.dynamodb().get_item(
        TableName=get_realestate_settings().table,
        Key={"pk": {"S": "HEALTH"}, "sk": {"S": "HEALTH"}},
        ConsistentRead=True,
    )
    return "pass", "Database connection established"


def _storage() -> tuple[str, str]:
    aws.client("s3").head_bucket(Bucket=get_realestate_settings().documents_bucket)
    return "pass", "Document storage reachable"


def _queues() -> tuple[str, str]:
    settings = get_realestate_settings()
    sqs = aws.client("sqs")
    depths = {}
    for name, url in (
        ("documents", settings.document_queue_url),
        ("webhooks", settings.webhook_queue_url),
        ("documentsDeadLetter", settings.document_dlq_url),
        ("webhooksDeadLetter", settings.webhook_dlq_url),
    ):
        if url:
            attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
            depths[name] = int(attributes["Attributes"]["ApproximateNumberOfMessages"])
    summary = ", ".join(f"{name} {depth}" for name, depth in depths.items())
    if depths.get("documentsDeadLetter") or depths.get("webhooksDeadLetter"):
        return "warn", f"Messages wait in a dead-letter queue ({summary})"
    return "pass", f"Queues reachable ({summary})"


def _memory_limit(request: Request) -> int:
    context = request.scope.get("aws.context")
    return int(getattr(context, "memory_limit_in_mb", 0) or os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", 0) or 0)


def _report(request: Request) -> dict[str, Any]:
    checks = logic.run_checks({"database": _database, "storage": _storage, "queues": _queues}, _memory_limit(request))
    return {
        "status": logic.overall(checks),
        "version": API_VERSION,
        "uptime": logic.uptime_seconds(),
        "timestamp": utc_now_iso(),
        "checks": checks,
    }


@router.get("", response_model=Envelope[HealthReport])
def health(request: Request) -> Any:
    started = time.perf_counter()
    report = _report(request)
    STATS.record((time.perf_counter() - started) * 1000, report["status"] == "unhealthy")
    report["metrics"] = STATS.metrics(report["checks"]["memory"]["usage"])
    return ok(request, report)


@router.get("/ready", response_model=Envelope[HealthReport])
def ready(request: Request) -> Any:
    started = time.perf_counter()
    report = _report(request)
    failing = [name for name in DEPENDENCIES if report["checks"][name]["status"] == "fail"]
    STATS.record((time.perf_counter() - started) * 1000, bool(failing))
    if failing:
        raise ServiceUnavailable(
            f"Not ready: {', '.join(failing)} failing",
            {"field": failing[0], "value": report["checks"][failing[0]]["message"], "checks": report["checks"]},
        )
    return ok(request, {**report, "status": "ready"})


@router.get("/live", response_model=Envelope[HealthReport])
def live(request: Request) -> Any:
    STATS.record(0.0, False)
    report = {
        "status": "alive",
        "version": API_VERSION,
        "uptime": logic.uptime_seconds(),
        "timestamp": utc_now_iso(),
        "checks": {},
    }
    return ok(request, report)


app = realestate_app(router, rate_limit=health_limit)
handler = lambda_handler(app)
