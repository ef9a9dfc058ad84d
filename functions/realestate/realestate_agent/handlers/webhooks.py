"""An agent's webhook deliveries: the log, one delivery, and redelivery."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from realestate_agent import dependencies
from realestate_agent.access import Caller
from realestate_agent.envelope import MAX_LIMIT, Envelope, Page, ok, paged
from realestate_agent.errors import field_error
from realestate_agent.identity import realestate_app, require
from realestate_agent.logic import agents as agent_logic
from realestate_agent.logic import events
from realestate_agent.models.webhooks import DeliveryData, DeliveryView
from shared.app import lambda_handler
from shared.errors import Conflict, NotFound, utc_now_iso
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/v1/agents", dependencies=[Depends(no_unknown_query_parameters)])
STUCK_MINUTES = 15  # a pending delivery without a next attempt for this long was never queued


def delivery_view(delivery: dict[str, Any], with_payload: bool = False) -> dict[str, Any]:
    import json

    keys = ("id", "agentId", "event", "eventId", "url", "status", "attempts", "nextAttemptAt", "createdAt", "updatedAt")
    view = {key: delivery.get(key) for key in keys}
    view["attempts"] = view["attempts"] or []
    view["payload"] = json.loads(delivery["body"]) if with_payload else None
    return view


def _delivery(caller: Caller, agent_id: str, delivery_id: str) -> dict[str, Any]:
    agent_logic.visible_agent(dependencies.agents(), caller, agent_id)
    delivery = dependencies.deliveries().get(agent_id, delivery_id)
    if delivery is None or delivery["organizationId"] != caller.organization_id:
        raise field_error(NotFound, f"Delivery {delivery_id} not found", "deliveryId", delivery_id)
    return delivery


@router.get("/{agentId}/webhook-deliveries", response_model=Envelope[Page[DeliveryView]])
def list_deliveries(
    agentId: str,  # noqa: N803 - the spec's casing
    request: Request,
    page: int = Query(default=1, ge=1),
    limit: int = Query(default=20, ge=1, le=MAX_LIMIT),
    caller: Caller = Depends(require("webhook:read")),
) -> Any:
    agent_logic.visible_agent(dependencies.agents(), caller, agentId)
    found, total = dependencies.deliveries().page(agentId, page, limit)
    return ok(request, paged([delivery_view(d) for d in found], page, limit, total))


@router.get("/{agentId}/webhook-deliveries/{deliveryId}", response_model=Envelope[DeliveryData])
def get_delivery(
    agentId: str,  # noqa: N803 - the spec's casing
    deliveryId: str,  # noqa: N803
    request: Request,
    caller: Caller = Depends(require("webhook:read")),
) -> Any:
    return ok(request, {"delivery": delivery_view(_delivery(caller, agentId, deliveryId), with_payload=True)})


@router.post(
    "/{agentId}/webhook-deliveries/{deliveryId}/redeliver", status_code=202, response_model=Envelope[DeliveryData]
)
def redeliver(
    agentId: str,  # noqa: N803 - the spec's casing
    deliveryId: str,  # noqa: N803
    request: Request,
    caller: Caller = Depends(require("webhook:manage")),
) -> Any:
    """Starts the attempts over with the same delivery id (receivers drop what they already have)."""
    delivery = _delivery(caller, agentId, deliveryId)
    stuck_before = (
        (datetime.now(UTC) - timedelta(minutes=STUCK_MINUTES)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )
    if not dependencies.deliveries().mark(
        delivery, "pending", utc_now_iso(), ("delivered", "failed", "cancelled"), stuck_before
    ):
        raise field_error(Conflict, "The delivery is still being attempted", "deliveryId", deliveryId)
    dependencies.webhook_jobs().send(events.job_of(delivery))
    return ok(request, {"delivery": delivery_view({**delivery, "status": "pending"}, with_payload=True)})


app = realestate_app(router)
handler = lambda_handler(app)
