"""Events that agents' webhooks subscribe to: which deliveries a change creates.

A delivery is planned inside the transaction of the change (so an event is never lost nor sent
for a change that did not happen) and queued right after it commits.
"""

import secrets
import time
from typing import Any

from realestate_agent.logic.webhooks import event_body, new_event_id


def new_delivery_id() -> str:
    return f"dlv_{int(time.time() * 1000):013d}{secrets.token_hex(6)}"


def plan_delivery(agent: dict[str, Any] | None, event: str, data: dict[str, Any], now: str) -> dict[str, Any] | None:
    """The delivery of ``event`` to the agent's webhook, or None when it does not subscribe."""
    webhook = (agent or {}).get("webhook")
    if not webhook or event not in webhook.get("events", []):
        return None
    event_id = new_event_id()
    body = event_body(event_id, event, agent["organizationId"], agent["id"], data, now)
    return {
        "id": new_delivery_id(),
        "agentId": agent["id"],
        "organizationId": agent["organizationId"],
        "event": event,
        "eventId": event_id,
        "body": body,
        "url": webhook["url"],
        "status": "pending",
        "attempts": [],
        "attemptCount": 0,
        "createdAt": now,
        "updatedAt": now,
    }


def job_of(delivery: dict[str, Any]) -> dict[str, Any]:
    return {"deliveryId": delivery["id"], "agentId": delivery["agentId"], "organizationId": delivery["organizationId"]}


def enqueue(jobs: Any, deliveries: list[dict[str, Any]]) -> None:
    """Queue committed deliveries. The change they belong to is already committed, so a queue
    failure does not fail the request: the delivery stays ``pending`` without a next attempt and
    ``POST .../redeliver`` sends it once it has been stuck for 15 minutes."""
    from shared.observability import count, logger

    for delivery in deliveries:
        try:
            jobs.send(job_of(delivery))
        except Exception:
            logger("realestate").exception("Could not queue a webhook delivery", extra={"deliveryId": delivery["id"]})
            count("realestate", "WebhookEnqueueFailed")
