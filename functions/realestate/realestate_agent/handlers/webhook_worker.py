"""The webhook queue's consumer: one attempt per received message, retried with backoff.

Each message names a delivery. The worker posts its stored body, signed, to the agent's current
webhook URL and records the attempt. On failure it sets the message's visibility timeout to the
next backoff delay (logic/webhooks.py: 10 s ... 10 h, up to 12 h, beyond SQS's 15-minute delay
limit) and reports the message as failed, so SQS hands it back then; the receive count is the
attempt number, and the queue's ``maxReceiveCount`` moves it to the dead-letter queue after the
last attempt. A delivery whose agent or webhook is gone, or that no longer subscribes to the
event, is cancelled; one already delivered is not sent again.
"""

import contextvars
import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from realestate_agent import dependencies
from realestate_agent.logic import webhooks
from realestate_agent.providers import delivery as transport
from realestate_agent.settings import API_NAME, get_realestate_settings
from shared.errors import utc_now_iso
from shared.observability import count, logger


def _iso_in(seconds: int) -> str:
    moment = datetime.now(UTC) + timedelta(seconds=seconds)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def attempt(record: dict[str, Any]) -> bool:
    """Deliver one SQS record; True when the message is done with (delivered, cancelled, given up)."""
    job = json.loads(record["body"])
    receive_count = int(record.get("attributes", {}).get("ApproximateReceiveCount", "1"))
    deliveries = dependencies.deliveries()
    delivery = deliveries.get(job["agentId"], job["deliveryId"])
    if delivery is None or delivery["status"] in ("delivered", "cancelled"):
        return True
    agent = dependencies.agents().get(delivery["organizationId"], delivery["agentId"])
    webhook = (agent or {}).get("webhook")
    now = utc_now_iso()
    number = len(delivery.get("attempts") or []) + 1
    if agent is None or agent["status"] == "deleting" or not webhook or delivery["event"] not in webhook["events"]:
        deliveries.record_attempt(
            delivery,
            {"attempt": number, "at": now, "error": "cancelled: the agent no longer sends this event"},
            "cancelled",
            None,
        )
        return True
    settings = get_realestate_settings()
    secret = dependencies.webhook_secrets().open(
        delivery["organizationId"], delivery["agentId"], webhook["secretCiphertext"]
    )
    headers = webhooks.signature_headers(secret, delivery["id"], int(time.time()), delivery["body"])
    headers["X-Webhook-Event"] = delivery["event"]
    result = transport.post(
        webhook["url"],
        delivery["body"],
        headers,
        settings.webhook_timeout_seconds,
        settings.allow_local_webhook_targets,
    )
    entry = {
        "attempt": number,
        "at": now,
        "statusCode": result.status_code,
        "durationMs": result.duration_ms,
        "error": result.error,
    }
    entry = {k: v for k, v in entry.items() if v is not None}
    if result.succeeded:
        deliveries.record_attempt(delivery, entry, "delivered", None)
        count(API_NAME, "WebhookDelivered")
        return True
    delay = webhooks.retry_delay(receive_count)
    count(API_NAME, "WebhookAttemptFailed")
    if delay is None:
        deliveries.record_attempt(delivery, entry, "failed", None)
        logger(API_NAME).warning(
            "Webhook delivery gave up; moving to the dead-letter queue", extra={"deliveryId": delivery["id"]}
        )
        _postpone(record, 0)
        return False
    deliveries.record_attempt(delivery, entry, "pending", _iso_in(delay))
    _postpone(record, delay)
    return False


def _postpone(record: dict[str, Any], seconds: int) -> None:
    """The next attempt in ``seconds``; if SQS refuses (a receipt handle past its life), the
    queue's own visibility timeout brings the message back instead."""
    try:
        dependencies.webhook_jobs().postpone(record["receiptHandle"], seconds)
    except Exception:
        logger(API_NAME).warning("Could not set the retry delay; the queue's timeout applies", exc_info=True)


def _safe_attempt(record: dict[str, Any]) -> bool:
    try:
        return attempt(record)
    except Exception:
        logger(API_NAME).exception("Webhook attempt crashed", extra={"messageId": record.get("messageId")})
        return False


def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    records = event.get("Records", [])
    # each attempt runs in a copy of this context (what the handler's thread sees stays theirs too)
    with ThreadPoolExecutor(max_workers=min(10, max(1, len(records)))) as pool:
        contexts = [contextvars.copy_context() for _ in records]  # copied here, on the handler's thread
        outcomes = list(pool.map(lambda context, record: context.run(_safe_attempt, record), contexts, records))
    failures = [{"itemIdentifier": r["messageId"]} for r, done in zip(records, outcomes, strict=True) if not done]
    return {"batchItemFailures": failures}
