"""Listing expiry: the target of each listing's one-time EventBridge Scheduler schedule.

The schedule's input is ``{"listingId", "scheduledTime"}`` (Scheduler fills in the time). The
listing expires if it is still active and its time has come; otherwise (sold, cancelled, already
expired) nothing happens, so a late, repeated or stray delivery is harmless. An error is raised
so that Scheduler retries it (then the dead-letter queue, alarmed).
"""

from datetime import UTC, datetime
from typing import Any

from bluemarble_market import dependencies
from bluemarble_market.logic.listings import expire_listing
from bluemarble_market.settings import API_NAME
from shared.observability import logger


def _scheduled_time(event: dict[str, Any]) -> datetime:
    value = event.get("scheduledTime")
    if isinstance(value, str) and not value.startswith("<"):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        except ValueError:
            pass
    return datetime.now(UTC)


@logger(API_NAME).inject_lambda_context(log_event=False)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    listing_id = str(event["listingId"])
    logger(API_NAME).append_keys(listing_id=listing_id)
    expired = expire_listing(dependencies.market(), listing_id, _scheduled_time(event))
    return {"listingId": listing_id, "expired": expired}
