"""Tasks of the settlement state machine (statemachines/bluemarble_settlement.asl.json).

Invoked by Step Functions through the function's alias, not by HTTP. Each action does one thing,
is safe to retry, and fails with a named error the state machine retries (``LedgerConflict``,
``ListingChanged``) or compensates (``ShipmentLost`` and anything else).
"""

from typing import Any

from bluemarble_market import dependencies
from bluemarble_market.logic import purchases
from bluemarble_market.settings import API_NAME
from shared.observability import logger


class UnknownSettlementAction(Exception):
    """The state machine asked for an action this function does not know (a deploy mismatch)."""


@logger(API_NAME).inject_lambda_context(log_event=False)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    action, purchase_id = event.get("action"), event["purchaseId"]
    logger(API_NAME).append_keys(purchase_id=purchase_id, action=action)
    market = dependencies.market()
    if action == "deliver":
        return {"purchaseId": purchase_id, "status": purchases.deliver(market, purchase_id)["status"]}
    if action == "refund":
        reason = str((event.get("error") or {}).get("Error") or "Delivery failed")
        if reason == "ShipmentLost":
            reason = "The shipment was lost at sea"
        return {"purchaseId": purchase_id, "status": purchases.refund(market, purchase_id, reason)["status"]}
    raise UnknownSettlementAction(str(action))
