"""Listings: create, edit, cancel and expire, each one ledger transaction.

Decisions the spec leaves open, named here:

* A listing sells items the seller holds on one island: ``island`` in the body, else the seller's
  home island. Creating it moves the quantity from ``inv:<seller>@<island>`` into the listing's lock
  account and charges the listing fee (1% of the total, half up to the cent) in the same
  transaction, with the listing record and its guard: so it is all or nothing. 422
  ``INSUFFICIENT_INVENTORY`` if the items are not there, 422 ``INSUFFICIENT_FUNDS`` for the fee,
  404 ``ITEM_NOT_FOUND`` for an item type no game server defined.
* ``DUPLICATE_LISTING`` (409): a seller has at most one active listing per item type and island
  (add to it with PATCH instead). A guard item claimed in the listing's transaction enforces it,
  so two concurrent creates cannot both win; it is released when the listing ends.
* ``duration`` is ``<n>h`` or ``<n>d`` from 1 hour to 30 days (default ``7d``); ``expiresAt`` is the
  creation time plus it. At that moment a one-time EventBridge Scheduler schedule (created before
  the listing, so a listing never exists without one) invokes the expiry function, which returns
  unsold items to the seller in one transaction: no scan of listings, and on time. A schedule that
  fires for a listing that is already gone does nothing. Until it has run, a listing past its time
  reads as ``EXPIRED`` and cannot be bought.
* PATCH changes ``pricePerUnit`` and/or ``quantity`` (the new remaining quantity, at least 1) of an
  active listing of one's own (403 ``UNAUTHORIZED`` for another's, as the spec's DELETE example
  answers; 409 ``LISTING_UNAVAILABLE`` once it has ended). More quantity moves from the inventory
  into the lock, less moves back, in the same transaction as the edit. A change that raises the
  listing's total value is charged 1% of the increase (so listing cheap and repricing cannot avoid
  the fee); lowering it refunds nothing. ``listingFee`` is the total charged so far.
* DELETE cancels: the remaining items go back to the inventory they came from, the fee is not
  refunded, the listing stays readable as ``CANCELLED``.
* ``views`` counts reads of the listing's detail (every read, the seller's included);
  ``favorites`` counts players who favourited it (``POST``/``DELETE
  /api/marketplace/listings/{id}/favorite``, each player once; ``GET /api/marketplace/favorites``
  lists one's own). Search results show both as of the listing's last change; the detail is live.
"""

import random
import re
import time
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from bluemarble_market.logic import accounts
from bluemarble_market.logic.errors import (
    ListingChanged,
    field_error,
    insufficient_inventory,
    item_not_found,
    listing_not_found,
    listing_unavailable,
    not_your_listing,
)
from bluemarble_market.logic.islands import canonical_island
from bluemarble_market.logic.market import Market, Player, iso, parse_iso
from bluemarble_market.logic.money import COIN, LISTING_FEE_BPS, as_number, fee, to_cents
from shared.errors import DomainError, InsufficientFunds, InvalidInput
from shared.ledger import LedgerConflict, Posting
from shared.observability import logger

ACTIVE, SOLD, EXPIRED, CANCELLED = "ACTIVE", "SOLD", "EXPIRED", "CANCELLED"
STATUSES = (ACTIVE, SOLD, EXPIRED, CANCELLED)
DEFAULT_DURATION = "7d"
MIN_DURATION, MAX_DURATION = timedelta(hours=1), timedelta(days=30)
EXPIRY_TOLERANCE = timedelta(minutes=1)  # a schedule never fires early; this only absorbs clock skew
MAX_ATTEMPTS = 8
_DURATION = re.compile(r"([1-9][0-9]{0,3})([hd])")


def backoff(attempt: int) -> None:
    """A short random pause before re-reading a listing another request changed under us (full
    jitter: concurrent buyers of one listing spread out instead of colliding again)."""
    time.sleep(random.uniform(0, min(0.2, 0.01 * 2**attempt)))  # noqa: S311 - jitter, not security


def parse_duration(text: str) -> timedelta:
    found = _DURATION.fullmatch(text.strip().lower())
    length = None
    if found:
        length = timedelta(hours=int(found[1])) if found[2] == "h" else timedelta(days=int(found[1]))
    if length is None or not MIN_DURATION <= length <= MAX_DURATION:
        raise field_error("duration", "Must be like 7d or 12h, from 1h to 30d", "Invalid listing parameters")
    return length


def cents_of(value: Decimal, field: str) -> int:
    try:
        return to_cents(value)
    except InvalidInput as error:
        raise field_error(field, "Must have at most 2 decimal places", "Invalid listing parameters") from error


def effective_status(listing: dict[str, Any], now: datetime) -> str:
    """ACTIVE listings past their time read as EXPIRED until the expiry has returned their items."""
    if listing["status"] == ACTIVE and parse_iso(listing["endsAt"]) <= now:
        return EXPIRED
    return listing["status"]


def listing_view(listing: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A listing as the spec's list and create answers show it."""
    view = {
        "id": listing["listingId"],
        "sellerId": listing["sellerId"],
        "sellerName": listing["sellerName"],
        "itemId": listing["itemId"],
        "itemName": listing["itemName"],
        "itemType": listing["itemType"],
        "quantity": listing["quantity"],
        "pricePerUnit": as_number(listing["pricePerUnit"]),
        "totalPrice": as_number(listing["pricePerUnit"] * listing["quantity"]),
        "listingFee": as_number(listing["listingFee"]),
        "island": listing["island"],
        "expiresAt": listing["endsAt"],
        "createdAt": listing["createdAt"],
        "status": effective_status(listing, now),
        "views": int(listing.get("views", 0)),
        "favorites": int(listing.get("favorites", 0)),
    }
    if listing.get("updatedAt") != listing["createdAt"]:
        view["updatedAt"] = listing["updatedAt"]
    return view


def _coin_shortfall(error: InsufficientFunds) -> InsufficientFunds:
    failure = InsufficientFunds(error.required, error.available, COIN, "Player does not have enough currency")
    failure.details = {"required": as_number(error.required), "available": as_number(error.available)}
    return failure


def _owned_active(market: Market, seller: Player, listing_id: str, action: str) -> dict[str, Any]:
    listing = market.listings.get(listing_id)
    if listing is None:
        raise listing_not_found(listing_id)
    if listing["sellerId"] != seller.player_id:
        raise not_your_listing(action)
    if listing["status"] != ACTIVE:
        raise listing_unavailable({"status": listing["status"]})
    return listing


def create_listing(
    market: Market,
    seller: Player,
    item_id: str,
    quantity: int,
    price: Decimal,
    duration: str,
    island: str | None,
) -> dict[str, Any]:
    now = market.clock()
    item = market.items.get(item_id)
    if item is None:
        raise item_not_found(item_id)
    island = canonical_island(island) if island and island.strip() else seller.home_island
    price_cents = cents_of(price, "pricePerUnit")
    listing_fee = fee(price_cents * quantity, LISTING_FEE_BPS)
    ends = now + parse_duration(duration)
    listing_id = str(uuid.uuid4())
    created = iso(now)
    listing = {
        "listingId": listing_id,
        "sellerId": seller.player_id,
        "sellerName": seller.name,
        "itemId": item_id,
        "itemName": item["name"],
        "itemType": item["type"],
        "island": island,
        "quantity": quantity,
        "pricePerUnit": price_cents,
        "listingFee": listing_fee,
        "endsAt": iso(ends),
        "createdAt": created,
        "updatedAt": created,
        "status": ACTIVE,
        "views": 0,
        "favorites": 0,
        "version": 1,
    }
    postings = [
        Posting(accounts.inventory(seller.player_id, island, item_id), -quantity),
        Posting(accounts.lock(listing_id, item_id), quantity),
    ]
    if listing_fee:
        postings += [Posting(accounts.wallet(seller.player_id), -listing_fee), Posting(accounts.FEES, listing_fee)]
    market.schedules.create(listing_id, ends)
    try:
        market.ledger.post(
            f"list-{listing_id}",
            postings,
            f"Listed {quantity} x {item['name']} on {island}",
            {"kind": "listing_created", "listingId": listing_id},
            [
                market.listings.create_write(listing),
                market.listings.guard_write(seller.player_id, item_id, island, listing_id),
            ],
        )
    except InsufficientFunds as error:
        _forget_schedule(market, listing_id)
        if error.asset == COIN:
            raise _coin_shortfall(error) from error
        raise insufficient_inventory(quantity, error.available) from error
    except Exception:
        _forget_schedule(market, listing_id)
        raise
    return listing_view(listing, now)


def update_listing(
    market: Market, seller: Player, listing_id: str, price: Decimal | None, quantity: int | None
) -> dict[str, Any]:
    if price is None and quantity is None:
        raise InvalidInput(
            "Invalid listing parameters",
            [{"field": "body", "message": "Must change pricePerUnit, quantity or both"}],
        )
    new_price = None if price is None else cents_of(price, "pricePerUnit")
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            backoff(attempt)
        now = market.clock()
        listing = _owned_active(market, seller, listing_id, "update")
        if effective_status(listing, now) != ACTIVE:
            raise listing_unavailable({"status": EXPIRED})
        price_cents = listing["pricePerUnit"] if new_price is None else new_price
        remaining = listing["quantity"] if quantity is None else quantity
        added = remaining - listing["quantity"]
        increase = price_cents * remaining - listing["pricePerUnit"] * listing["quantity"]
        extra_fee = fee(max(increase, 0), LISTING_FEE_BPS)
        changes = {
            "pricePerUnit": price_cents,
            "quantity": remaining,
            "listingFee": listing["listingFee"] + extra_fee,
            "updatedAt": iso(now),
        }
        item_id, owner = listing["itemId"], seller.player_id
        postings = []
        if added:
            postings += [
                Posting(accounts.inventory(owner, listing["island"], item_id), -added),
                Posting(accounts.lock(listing_id, item_id), added),
            ]
        if extra_fee:
            postings += [Posting(accounts.wallet(owner), -extra_fee), Posting(accounts.FEES, extra_fee)]
        try:
            if postings:
                market.ledger.post(
                    f"edit-{listing_id}-{listing['version']}",
                    postings,
                    f"Listing {listing_id} changed",
                    {"kind": "listing_changed", "listingId": listing_id},
                    [market.listings.change_write(listing, changes)],
                )
            else:
                market.listings.change(listing, changes)
        except (ListingChanged, LedgerConflict):
            continue
        except InsufficientFunds as error:
            if error.asset == COIN:
                raise _coin_shortfall(error) from error
            raise insufficient_inventory(added, error.available) from error
        updated = {**listing, **changes}
        return {
            "id": listing_id,
            "pricePerUnit": as_number(price_cents),
            "quantity": remaining,
            "totalPrice": as_number(price_cents * remaining),
            "listingFee": as_number(updated["listingFee"]),
            "updatedAt": changes["updatedAt"],
        }
    raise ListingChanged()


def _close(market: Market, listing: dict[str, Any], status: str, transaction_id: str, now: datetime) -> None:
    """End an active listing: its remaining items back to the seller's inventory, its guard
    released (and, on expiry, the seller told), in one transaction."""
    seller, item_id, island = listing["sellerId"], listing["itemId"], listing["island"]
    changes = {"status": status, "quantity": 0, "endedAt": iso(now), "updatedAt": iso(now)}
    writes = [
        market.listings.change_write(listing, changes),
        market.listings.guard_release(seller, item_id, island, listing["listingId"]),
    ]
    if status == EXPIRED:
        details = {"listingId": listing["listingId"], "itemName": listing["itemName"], "returned": listing["quantity"]}
        writes.append(market.notify(seller, "listing_expired", details))
    remaining = listing["quantity"]
    market.ledger.post(
        transaction_id,
        [
            Posting(accounts.lock(listing["listingId"], item_id), -remaining),
            Posting(accounts.inventory(seller, island, item_id), remaining),
        ],
        f"Listing {listing['listingId']} {status.lower()}: {remaining} x {listing['itemName']} returned",
        {"kind": f"listing_{status.lower()}", "listingId": listing["listingId"]},
        writes,
    )


def cancel_listing(market: Market, seller: Player, listing_id: str) -> None:
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            backoff(attempt)
        listing = _owned_active(market, seller, listing_id, "delete")
        try:
            _close(market, listing, CANCELLED, f"cancel-{listing_id}", market.clock())
        except (ListingChanged, LedgerConflict):
            continue
        _forget_schedule(market, listing_id)
        return
    raise ListingChanged()


def expire_listing(market: Market, listing_id: str, at: datetime) -> bool:
    """Return an active listing's unsold items once its time has come; False when there is nothing
    to do (already sold, cancelled or expired, or not yet due)."""
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            backoff(attempt)
        listing = market.listings.get(listing_id)
        if listing is None or listing["status"] != ACTIVE:
            return False
        if parse_iso(listing["endsAt"]) - at > EXPIRY_TOLERANCE:
            logger("bluemarble").warning("Expiry before the listing's time; ignored", extra={"listingId": listing_id})
            return False
        try:
            _close(market, listing, EXPIRED, f"expire-{listing_id}", market.clock())
        except (ListingChanged, LedgerConflict):
            continue
        return True
    raise ListingChanged()


def _forget_schedule(market: Market, listing_id: str) -> None:
    try:
        market.schedules.delete(listing_id)
    except Exception:  # a schedule left behind fires once for a listing that ended: a no-op
        logger("bluemarble").warning("Could not delete an expiry schedule", extra={"listingId": listing_id})


def favourite(market: Market, player: Player, listing_id: str, add: bool) -> dict[str, Any]:
    market.listings.favourite(listing_id, player.player_id, add)
    listing = market.listings.get(listing_id)
    if listing is None:  # pragma: no cover - deleted between the two calls; listings are never deleted
        raise listing_not_found(listing_id)
    return {"listingId": listing_id, "favorited": add, "favorites": int(listing.get("favorites", 0))}


def ensure(condition: bool, error: DomainError) -> None:
    if not condition:
        raise error
