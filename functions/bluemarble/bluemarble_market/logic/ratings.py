"""Rating a seller after a purchase (see logic/purchases.py for the rules)."""

from typing import Any

from bluemarble_market.logic.errors import transaction_not_found
from bluemarble_market.logic.market import Market, Player, iso
from bluemarble_market.logic.purchases import COMPLETED
from shared.errors import Conflict, Forbidden, InvalidInput


def rate_seller(market: Market, buyer: Player, purchase_id: str, rating: float, comment: str | None) -> None:
    if isinstance(rating, bool) or rating != int(rating) or not 1 <= rating <= 5:
        raise InvalidInput("Rating must be between 1 and 5", {"rating": rating}, code="INVALID_RATING")
    record = market.purchases.get(purchase_id)
    if record is None or buyer.player_id not in (record["buyerId"], record["sellerId"]):
        raise transaction_not_found(purchase_id)
    if record["buyerId"] != buyer.player_id:
        raise Forbidden("Only the buyer can rate a transaction")
    if record["status"] != COMPLETED:
        raise Conflict(
            "Only a completed transaction can be rated", {"status": record["status"]}, code="TRANSACTION_NOT_COMPLETED"
        )
    review: dict[str, Any] = {
        "purchaseId": purchase_id,
        "buyerId": buyer.player_id,
        "buyerName": buyer.name,
        "rating": int(rating),
        "createdAt": iso(market.clock()),
    }
    if comment:
        review["comment"] = comment
    market.purchases.rate(record, review)
