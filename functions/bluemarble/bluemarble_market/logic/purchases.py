"""Purchases: the atomic same-island sale, and the cross-island saga (transport, delivery, payout,
or refund and restore).

Decisions the spec leaves open, named here:

* A purchase may take part of a listing (``quantity`` up to what remains). The buyer pays
  ``finalCost = totalPrice + marketplaceFee + transportCost``: the 5% marketplace fee (half up to
  the cent) and the transport cost of the island table are on top of the price. The seller
  receives ``totalPrice`` (having paid the listing fee when listing). Fees go to the marketplace's
  fee account, transport to the transport account.
* Purchases are delivered to the buyer's home island. Same island: ``COMPLETED`` in one ledger
  transaction (coin to the seller and fees, items from the listing's lock to the buyer's
  inventory, the listing, the purchase, both history lines and the seller's reputation together).
* Cross island: ``PENDING`` in one transaction that takes the buyer's coin into the purchase's
  escrow, the items from the lock into transit, and reserves the space on the buyer's island. The
  settlement state machine (``statemachines/bluemarble_settlement.asl.json``) waits out the
  route's time (``estimatedDeliveryAt``), then delivers: one transaction moves the items from
  transit to the buyer, the escrow to the seller, fee and transport accounts, marks the purchase
  ``COMPLETED`` and notifies both parties (the notifications commit with it). If delivery fails
  (the route closed by a storm: the shipment is lost; or anything that keeps failing), the
  compensation refunds the whole
  ``finalCost`` to the buyer and puts the items back on the listing (or in the seller's inventory
  if the listing has ended or been replaced), marking the purchase ``REFUNDED`` - one transaction.
  If even that keeps failing, the purchase id goes to a dead-letter queue that alarms; coin and
  items stay safely in the purchase's escrow and transit accounts for an operator.
* If the settlement cannot even be started, the purchase is refunded at once and the buyer gets
  503 ``SERVICE_UNAVAILABLE``: nothing is left pending without a flow to finish it.
* 403 ``CANNOT_BUY_OWN_LISTING`` for one's own listing; 409 ``LISTING_UNAVAILABLE`` when it is
  sold out, expired, cancelled, or has fewer items left than asked (``details.available``);
  402 ``INSUFFICIENT_FUNDS`` (``details.required``/``available`` in coin); 422
  ``INSUFFICIENT_SPACE`` when the buyer's island inventory is full; 409 ``ROUTE_CLOSED`` when the
  sea route is closed. Two buyers racing for the last item: the listing's version and the lock
  account's balance decide, one transaction commits, the other re-reads and gets 409; its coin
  never moved. A purchase that keeps losing to other writers of the same listing or wallet backs
  off (full jitter) and re-reads, up to 8 times; then 409 ``LISTING_BUSY`` (retry it, with the same
  ``Idempotency-Key``).
* Rating: only the buyer, of a ``COMPLETED`` purchase, once: 404 ``TRANSACTION_NOT_FOUND`` for a
  purchase the caller is not party to, 403 ``FORBIDDEN`` for the seller, 409
  ``TRANSACTION_NOT_COMPLETED`` while pending or after a refund, 409 ``ALREADY_RATED``, 400
  ``INVALID_RATING`` outside 1-5.
"""

import uuid
from datetime import datetime, timedelta
from typing import Any

from bluemarble_market.errors import PaymentRequired
from bluemarble_market.logic import accounts
from bluemarble_market.logic.errors import (
    ListingChanged,
    listing_not_found,
    listing_unavailable,
)
from bluemarble_market.logic.islands import route, transport_cost
from bluemarble_market.logic.listings import ACTIVE, MAX_ATTEMPTS, SOLD, backoff, effective_status
from bluemarble_market.logic.market import Market, Player, iso, parse_iso
from bluemarble_market.logic.money import COIN, MARKETPLACE_FEE_BPS, as_number, fee
from shared.errors import Conflict, DomainError, Forbidden, InsufficientFunds, ServiceUnavailable
from shared.ledger import ExtraWrite, LedgerConflict, Posting
from shared.observability import logger

PENDING, COMPLETED, FAILED, REFUNDED = "PENDING", "COMPLETED", "FAILED", "REFUNDED"
PURCHASE_STATUSES = (PENDING, COMPLETED, FAILED, REFUNDED)


class ShipmentLost(DomainError):
    """The sea route closed while the goods were at sea: the settlement compensates (refund)."""

    kind = "conflict"


class PurchaseNotSettleable(DomainError):
    """A settlement step found the purchase in a state it cannot act on (a bug or a manual change)."""

    kind = "conflict"


def purchase_view(purchase: dict[str, Any]) -> dict[str, Any]:
    view = {
        "transactionId": purchase["purchaseId"],
        "listingId": purchase["listingId"],
        "buyerId": purchase["buyerId"],
        "sellerId": purchase["sellerId"],
        "itemId": purchase["itemId"],
        "itemName": purchase["itemName"],
        "quantity": purchase["quantity"],
        "pricePerUnit": as_number(purchase["pricePerUnit"]),
        "totalPrice": as_number(purchase["totalPrice"]),
        "marketplaceFee": as_number(purchase["marketplaceFee"]),
        "transportCost": as_number(purchase["transportCost"]),
        "finalCost": as_number(purchase["finalCost"]),
        "fromIsland": purchase["fromIsland"],
        "toIsland": purchase["toIsland"],
        "status": purchase["status"],
        "createdAt": purchase["createdAt"],
    }
    for name in ("completedAt", "estimatedDeliveryAt", "refundedAt", "failureReason"):
        if purchase.get(name):
            view[name] = purchase[name]
    return view


def _sale_writes(market: Market, listing: dict[str, Any], quantity: int, now: datetime) -> list[ExtraWrite]:
    """The listing loses ``quantity`` (SOLD, and its guard released, when none is left)."""
    remaining = listing["quantity"] - quantity
    changes: dict[str, Any] = {"quantity": remaining, "updatedAt": iso(now)}
    writes = []
    if remaining == 0:
        changes.update(status=SOLD, endedAt=iso(now))
        writes.append(
            market.listings.guard_release(
                listing["sellerId"], listing["itemId"], listing["island"], listing["listingId"]
            )
        )
    return [market.listings.change_write(listing, changes), *writes]


def purchase(market: Market, buyer: Player, listing_id: str, quantity: int) -> dict[str, Any]:
    purchase_id = str(uuid.uuid4())
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            backoff(attempt)
        now = market.clock()
        listing = market.listings.get(listing_id)
        if listing is None:
            raise listing_not_found(listing_id)
        if listing["sellerId"] == buyer.player_id:
            raise Forbidden("Sellers cannot purchase from their own listings", code="CANNOT_BUY_OWN_LISTING")
        if effective_status(listing, now) != ACTIVE:
            raise listing_unavailable({"status": effective_status(listing, now)})
        if listing["quantity"] < quantity:
            raise listing_unavailable({"available": listing["quantity"]})
        origin, destination = listing["island"], buyer.home_island
        if origin != destination and (closure := market.routes.closure(origin, destination)):
            raise Conflict(
                f"The sea route {origin} - {destination} is closed",
                {"reason": closure.get("reason")},
                code="ROUTE_CLOSED",
            )
        record = _purchase_record(purchase_id, listing, buyer, quantity, now)
        try:
            if origin == destination:
                _complete_at_once(market, listing, record, now)
            else:
                _ship(market, listing, record, now)
        except (ListingChanged, LedgerConflict):
            continue
        except InsufficientFunds as error:
            if error.asset == COIN:
                raise PaymentRequired(as_number(error.required), as_number(error.available)) from error
            raise listing_unavailable() from error
        if origin != destination:
            _start_settlement(market, record)
        return purchase_view(record)
    raise ListingChanged()


def _purchase_record(
    purchase_id: str, listing: dict[str, Any], buyer: Player, quantity: int, now: datetime
) -> dict[str, Any]:
    total = listing["pricePerUnit"] * quantity
    marketplace_fee = fee(total, MARKETPLACE_FEE_BPS)
    transport = transport_cost(listing["island"], buyer.home_island, quantity)
    same_island = listing["island"] == buyer.home_island
    record = {
        "purchaseId": purchase_id,
        "listingId": listing["listingId"],
        "buyerId": buyer.player_id,
        "buyerName": buyer.name,
        "sellerId": listing["sellerId"],
        "sellerName": listing["sellerName"],
        "itemId": listing["itemId"],
        "itemName": listing["itemName"],
        "itemType": listing["itemType"],
        "quantity": quantity,
        "pricePerUnit": listing["pricePerUnit"],
        "totalPrice": total,
        "marketplaceFee": marketplace_fee,
        "transportCost": transport,
        "finalCost": total + marketplace_fee + transport,
        "fromIsland": listing["island"],
        "toIsland": buyer.home_island,
        "status": COMPLETED if same_island else PENDING,
        "createdAt": iso(now),
    }
    if same_island:
        record["completedAt"] = iso(now)
    else:
        record["estimatedDeliveryAt"] = iso(
            now + timedelta(minutes=route(listing["island"], buyer.home_island).minutes)
        )
    return record


def _complete_at_once(market: Market, listing: dict[str, Any], record: dict[str, Any], now: datetime) -> None:
    buyer, seller, item_id, island = record["buyerId"], record["sellerId"], record["itemId"], record["fromIsland"]
    quantity = record["quantity"]
    postings = [
        Posting(accounts.wallet(buyer), -record["finalCost"]),
        Posting(accounts.wallet(seller), record["totalPrice"]),
        Posting(accounts.FEES, record["marketplaceFee"]),
        Posting(accounts.lock(listing["listingId"], item_id), -quantity),
        Posting(accounts.inventory(buyer, island, item_id), quantity),
    ]
    market.ledger.post(
        record["purchaseId"],
        [posting for posting in postings if posting.amount],
        f"Purchase of {quantity} x {record['itemName']} on {island}",
        {"kind": "purchase", "listingId": listing["listingId"], "purchaseId": record["purchaseId"]},
        [
            *_sale_writes(market, listing, quantity, now),
            market.players.reserve_space(buyer, island, quantity),
            market.players.release_space(seller, island, quantity),
            market.players.holding_write(buyer, island, item_id),
            market.purchases.create_write(record),
            *market.purchases.history_writes(record),
            market.purchases.reputation_write(seller, completed=1),
            *_completed_notices(market, record),
        ],
    )


def _ship(market: Market, listing: dict[str, Any], record: dict[str, Any], now: datetime) -> None:
    buyer, purchase_id, item_id = record["buyerId"], record["purchaseId"], record["itemId"]
    quantity = record["quantity"]
    market.ledger.post(
        purchase_id,
        [
            Posting(accounts.wallet(buyer), -record["finalCost"]),
            Posting(accounts.escrow(purchase_id), record["finalCost"]),
            Posting(accounts.lock(listing["listingId"], item_id), -quantity),
            Posting(accounts.transit(purchase_id, item_id), quantity),
        ],
        f"Purchase of {quantity} x {record['itemName']}: shipping {record['fromIsland']} -> {record['toIsland']}",
        {"kind": "purchase_shipped", "listingId": listing["listingId"], "purchaseId": purchase_id},
        [
            *_sale_writes(market, listing, quantity, now),
            market.players.reserve_space(buyer, record["toIsland"], quantity),
            market.purchases.create_write(record),
            *market.purchases.history_writes(record),
        ],
    )


def _start_settlement(market: Market, record: dict[str, Any]) -> None:
    try:
        market.settlement.start(
            record["purchaseId"],
            {"purchaseId": record["purchaseId"], "deliverAt": record["estimatedDeliveryAt"][:19] + "Z"},
        )
    except Exception as error:
        logger("bluemarble").exception(
            "Settlement could not start; refunding", extra={"purchaseId": record["purchaseId"]}
        )
        refund(market, record["purchaseId"], "The delivery could not be arranged")
        raise ServiceUnavailable("Marketplace temporarily unavailable; the purchase was refunded") from error


# -- settlement steps (the state machine's tasks) ---------------------------------------------------


def _pending(market: Market, purchase_id: str) -> dict[str, Any] | None:
    record = market.purchases.get(purchase_id)
    if record is None:
        raise PurchaseNotSettleable(f"No purchase {purchase_id}")
    if record["status"] == PENDING:
        return record
    return None


def deliver(market: Market, purchase_id: str) -> dict[str, Any]:
    """Deliver a shipped purchase: items to the buyer, escrow to seller, fees and transport."""
    record = _pending(market, purchase_id)
    if record is None:
        done = market.purchases.get(purchase_id)
        if done["status"] != COMPLETED:
            raise PurchaseNotSettleable(f"Purchase {purchase_id} is {done['status']}, not deliverable")
        return purchase_view(done)  # a retried step: already delivered
    if closure := market.routes.closure(record["fromIsland"], record["toIsland"]):
        raise ShipmentLost(f"Shipment lost at sea: {closure.get('reason') or 'route closed'}")
    now = iso(market.clock())
    buyer, seller, item_id = record["buyerId"], record["sellerId"], record["itemId"]
    quantity = record["quantity"]
    postings = [
        Posting(accounts.escrow(purchase_id), -record["finalCost"]),
        Posting(accounts.wallet(seller), record["totalPrice"]),
        Posting(accounts.FEES, record["marketplaceFee"]),
        Posting(accounts.TRANSPORT, record["transportCost"]),
        Posting(accounts.transit(purchase_id, item_id), -quantity),
        Posting(accounts.inventory(buyer, record["toIsland"], item_id), quantity),
    ]
    market.ledger.post(
        f"deliver-{purchase_id}",
        [posting for posting in postings if posting.amount],
        f"Delivery of {quantity} x {record['itemName']} to {record['toIsland']}",
        {"kind": "purchase_delivered", "purchaseId": purchase_id},
        [
            market.purchases.settle_write(record, {"status": COMPLETED, "completedAt": now}),
            *market.purchases.history_status_writes(record, COMPLETED, now),
            market.players.release_space(seller, record["fromIsland"], quantity),
            market.players.holding_write(buyer, record["toIsland"], item_id),
            market.purchases.reputation_write(seller, completed=1),
            *_completed_notices(market, record),
        ],
    )
    return purchase_view({**record, "status": COMPLETED, "completedAt": now})


def refund(market: Market, purchase_id: str, reason: str) -> dict[str, Any]:
    """Compensate a purchase that will not be delivered: the buyer's whole payment back, the items
    back on the listing (or to the seller), the buyer's reserved space freed."""
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            backoff(attempt)
        record = _pending(market, purchase_id)
        if record is None:
            done = market.purchases.get(purchase_id)
            if done["status"] != REFUNDED:
                raise PurchaseNotSettleable(f"Purchase {purchase_id} is {done['status']}, not refundable")
            return purchase_view(done)
        now = market.clock()
        destination, restore_writes = _restoration(market, record, now)
        buyer, item_id, quantity = record["buyerId"], record["itemId"], record["quantity"]
        try:
            market.ledger.post(
                f"refund-{purchase_id}",
                [
                    Posting(accounts.escrow(purchase_id), -record["finalCost"]),
                    Posting(accounts.wallet(buyer), record["finalCost"]),
                    Posting(accounts.transit(purchase_id, item_id), -quantity),
                    Posting(destination, quantity),
                ],
                f"Refund of purchase {purchase_id}: {reason}",
                {"kind": "purchase_refunded", "purchaseId": purchase_id},
                [
                    market.purchases.settle_write(
                        record, {"status": REFUNDED, "refundedAt": iso(now), "failureReason": reason}
                    ),
                    *market.purchases.history_status_writes(record, REFUNDED, None),
                    market.players.release_space(buyer, record["toIsland"], quantity),
                    market.purchases.reputation_write(record["sellerId"], failed=1),
                    *restore_writes,
                    *_refunded_notices(market, record, reason),
                ],
            )
        except (ListingChanged, LedgerConflict):
            continue
        return purchase_view({**record, "status": REFUNDED, "refundedAt": iso(now), "failureReason": reason})
    raise ListingChanged()


def _restoration(market: Market, record: dict[str, Any], now: datetime) -> tuple[str, list[ExtraWrite]]:
    """Where the refunded items go: back on the listing when it can still sell them (active, or sold
    out by this purchase and not yet expired nor replaced), else into the seller's inventory on the
    listing's island (where their space is still held)."""
    listing = market.listings.get(record["listingId"])
    item_id, quantity = record["itemId"], record["quantity"]
    to_seller = accounts.inventory(record["sellerId"], record["fromIsland"], item_id)
    if listing is None or parse_iso(listing["endsAt"]) <= now:
        return to_seller, []
    changes = {"quantity": listing["quantity"] + quantity, "updatedAt": iso(now)}
    if listing["status"] == ACTIVE:
        return accounts.lock(listing["listingId"], item_id), [market.listings.change_write(listing, changes)]
    if listing["status"] == SOLD and market.listings.guard_free(listing["sellerId"], item_id, listing["island"]):
        changes.update(status=ACTIVE, endedAt=None)
        return accounts.lock(listing["listingId"], item_id), [
            market.listings.change_write(listing, changes),
            market.listings.guard_write(
                listing["sellerId"], item_id, listing["island"], listing["listingId"], restoring=True
            ),
        ]
    return to_seller, []


def _completed_notices(market: Market, record: dict[str, Any]) -> list[ExtraWrite]:
    data = {"transactionId": record["purchaseId"], "itemName": record["itemName"], "quantity": record["quantity"]}
    return [
        market.notify(record["buyerId"], "purchase_completed", {**data, "island": record["toIsland"]}),
        market.notify(record["sellerId"], "sale_completed", {**data, "earned": as_number(record["totalPrice"])}),
    ]


def _refunded_notices(market: Market, record: dict[str, Any], reason: str) -> list[ExtraWrite]:
    data = {"transactionId": record["purchaseId"], "itemName": record["itemName"], "reason": reason}
    return [
        market.notify(record["buyerId"], "purchase_refunded", {**data, "refunded": as_number(record["finalCost"])}),
        market.notify(record["sellerId"], "sale_failed", {**data, "restored": record["quantity"]}),
    ]


def transport_seconds(record: dict[str, Any], now: datetime) -> int:
    return max(0, int((parse_iso(record["estimatedDeliveryAt"]) - now).total_seconds()))
