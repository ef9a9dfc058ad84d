"""Reading listings: the search (active listings from the warm index; a seller's ended listings
from the table), a listing's detail, and one's favourites.

Decisions the spec leaves open, named here:

* ``status`` defaults to ``ACTIVE``, served from the in-memory index (``logic/search.py``).
  ``SOLD``, ``EXPIRED`` and ``CANCELLED`` listings are not browsed market-wide: they are listed per
  seller (``sellerId``, by default the caller), read from the seller's index, with the same
  filters, sorts and paging.
* The detail counts a view, and adds the seller's reputation (``rating``, ``totalTransactions``,
  ``completedTransactions``), the item's description, quality and attributes, ``priceHistory``
  (average unit price over 7 and 30 days, sales in 7 days; null averages with no sales) and
  ``isFavorite`` for the caller.
"""

from datetime import datetime
from typing import Any

from bluemarble_market.logic import analytics, reputation
from bluemarble_market.logic.errors import field_error
from bluemarble_market.logic.listings import ACTIVE, listing_view
from bluemarble_market.logic.market import iso
from bluemarble_market.logic.search import Query, search_listings


def search(index: Any, listings: Any, query: Query, status: str, caller_id: str, now: datetime) -> dict[str, Any]:
    if status == ACTIVE:
        return index.search(query, iso(now))
    seller = query.seller_id or caller_id
    if query.seller_id is None and caller_id.startswith(("guest_", "svc_")):
        raise field_error("sellerId", "Must be given to list SOLD, EXPIRED or CANCELLED listings")
    return search_listings(listings.of_seller(seller, status), query, iso(now))


def listing_detail(
    listing: dict[str, Any],
    item: dict[str, Any] | None,
    counters: dict[str, Any] | None,
    item_days: list[dict[str, Any]],
    is_favourite: bool,
    now: datetime,
) -> dict[str, Any]:
    summary = listing_view(listing, now)
    seller = reputation.summary(counters)
    item = item or {"itemId": listing["itemId"], "name": listing["itemName"], "type": listing["itemType"]}
    detail = {
        key: summary[key]
        for key in (
            "id",
            "sellerId",
            "quantity",
            "pricePerUnit",
            "totalPrice",
            "listingFee",
            "island",
            "expiresAt",
            "createdAt",
            "status",
            "views",
            "favorites",
        )
    }
    if "updatedAt" in summary:
        detail["updatedAt"] = summary["updatedAt"]
    detail["seller"] = {
        "id": listing["sellerId"],
        "name": listing["sellerName"],
        "reputation": {
            "rating": seller["rating"],
            "totalTransactions": seller["totalTransactions"],
            "completedTransactions": seller["completedTransactions"],
        },
    }
    detail["item"] = {
        "id": listing["itemId"],
        "name": item.get("name", listing["itemName"]),
        "type": item.get("type", listing["itemType"]),
        "description": item.get("description", ""),
        "quality": item.get("quality"),
        "attributes": item.get("attributes") or {},
    }
    detail["isFavorite"] = is_favourite
    detail["priceHistory"] = analytics.listing_price_history(item_days, now.date())
    return detail
