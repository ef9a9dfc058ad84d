"""A player's transaction history (the spec's ``GET /transactions``) and one purchase's detail.

Each purchase writes a line for each party in its own transaction (``type`` ``buy`` or ``sell``,
``otherParty`` the other's display name); a settlement updates both lines' status. Lines are read
newest first with the type and status filters; ``page``/``limit`` as the spec says, or a
``cursor`` (``pagination.nextCursor``) that continues after the last line returned.
"""

import base64
import binascii
from typing import Any

from bluemarble_market.logic.errors import cursor_not_issued, transaction_not_found
from bluemarble_market.logic.money import as_number
from bluemarble_market.logic.purchases import purchase_view


def _line(item: dict[str, Any]) -> dict[str, Any]:
    line = {
        "id": item["purchaseId"],
        "type": item["type"],
        "itemName": item["itemName"],
        "quantity": item["quantity"],
        "totalPrice": as_number(item["totalPrice"]),
        "otherParty": item["otherParty"],
        "status": item["status"],
        "createdAt": item["createdAt"],
    }
    if item.get("completedAt"):
        line["completedAt"] = item["completedAt"]
    return line


def history(lines: list[dict[str, Any]], page: int, limit: int, cursor: str | None) -> dict[str, Any]:
    """One page of already filtered, newest-first lines."""
    total = len(lines)
    if cursor:
        try:
            after = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        except (binascii.Error, ValueError) as error:
            raise cursor_not_issued() from error
        start = next((i for i, line in enumerate(lines) if line["sk"] < after), total)
    else:
        start = (page - 1) * limit
    chosen = lines[start : start + limit]
    more = start + limit < total
    pagination: dict[str, Any] = {} if cursor else {"page": page}
    pagination.update(limit=limit, total=total, pages=-(-total // limit), hasMore=more)
    if more and chosen:
        pagination["nextCursor"] = base64.urlsafe_b64encode(chosen[-1]["sk"].encode()).decode().rstrip("=")
    return {"transactions": [_line(item) for item in chosen], "pagination": pagination}


def purchase_for(record: dict[str, Any] | None, caller_id: str, purchase_id: str) -> dict[str, Any]:
    """A purchase its buyer or seller may read; to anyone else it does not exist."""
    if record is None or caller_id not in (record["buyerId"], record["sellerId"]):
        raise transaction_not_found(purchase_id)
    return purchase_view(record)
