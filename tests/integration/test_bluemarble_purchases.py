"""Purchases over HTTP: the spec's scenarios 2 (same island) and 3 (cross island), compensation
when a delivery fails, the error cases, idempotency, history and ratings."""

import uuid
from contextlib import contextmanager
from decimal import Decimal

from local import state_machines
from tests.support.bluemarble import conservation_problems, ledger_balances, money

PURCHASE = "/api/marketplace/transactions"


def test_purchase_same_island(bluemarble, runtime):
    # Given a listing of 100 at 5.50 on Aethermoor and a buyer living there
    item = bluemarble.define_item()
    seller = bluemarble.funded(coin="10.00", items=[(item, 100)])
    buyer = bluemarble.funded(coin="300.00")
    listing = bluemarble.list_item(seller, item, 100, 5.50)  # seller pays the 5.50 fee
    # When the buyer takes 50
    response = bluemarble.buy(buyer, listing["id"], 50)
    # Then it completes at once with the spec's example figures
    assert response.status_code == 201, response.text
    purchase = response.json()["data"]
    assert purchase["status"] == "COMPLETED" and purchase["completedAt"]
    assert (money(purchase["totalPrice"]), money(purchase["marketplaceFee"])) == (Decimal("275.00"), Decimal("13.75"))
    assert (money(purchase["transportCost"]), money(purchase["finalCost"])) == (Decimal("0.00"), Decimal("288.75"))
    # currency deducted, items transferred, the seller paid the price (having paid the listing fee)
    assert bluemarble.balance(buyer) == Decimal("11.25")
    assert bluemarble.inventory(buyer)[("Aethermoor", item)] == 50
    assert bluemarble.balance(seller) == Decimal("10.00") - Decimal("5.50") + Decimal("275.00")
    assert bluemarble.listing(buyer, listing["id"])["quantity"] == 50
    assert bluemarble.free_space(buyer, "Aethermoor") == 10_000 - 50
    assert bluemarble.free_space(seller, "Aethermoor") == 10_000 - 50  # 50 sold, 50 still listed
    assert not conservation_problems(ledger_balances(runtime))


def test_purchase_cross_island(bluemarble, runtime):
    # Given a listing on Aethermoor and a buyer whose home is Brinehold (10 minutes by sea)
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 100)])
    buyer = bluemarble.funded("Brinehold", coin="300.00")
    listing = bluemarble.list_item(seller, item, 100, 5.50)
    # When the buyer takes 50
    response = bluemarble.buy(buyer, listing["id"], 50)
    # Then it is pending, with transport (2.00 + 0.02 per unit) and a delivery estimate
    assert response.status_code == 201, response.text
    purchase = response.json()["data"]
    assert purchase["status"] == "PENDING" and "completedAt" not in purchase
    assert money(purchase["transportCost"]) == Decimal("3.00")
    assert money(purchase["finalCost"]) == Decimal("291.75")
    assert (purchase["fromIsland"], purchase["toIsland"]) == ("Aethermoor", "Brinehold")
    from datetime import datetime

    created = datetime.fromisoformat(purchase["createdAt"].replace("Z", "+00:00"))
    eta = datetime.fromisoformat(purchase["estimatedDeliveryAt"].replace("Z", "+00:00"))
    assert (eta - created).total_seconds() == 600
    # and the settlement delivers after the transport time (no time passes in tests)
    done = bluemarble.wait_for(buyer, purchase["transactionId"], "COMPLETED")
    assert done["completedAt"]
    assert bluemarble.inventory(buyer)[("Brinehold", item)] == 50
    assert ("Aethermoor", item) not in bluemarble.inventory(buyer)
    assert bluemarble.balance(buyer) == Decimal("8.25")
    assert bluemarble.balance(seller) == Decimal("1000.00") - Decimal("5.50") + Decimal("275.00")
    assert bluemarble.free_space(seller, "Aethermoor") == 10_000 - 50
    balances = ledger_balances(runtime)
    assert balances[f"escrow:{purchase['transactionId']}:COIN"] == 0
    assert balances[f"transit:{purchase['transactionId']}:ITEM.{item}"] == 0
    assert not conservation_problems(balances)
    kinds = [
        event["type"]
        for event in bluemarble.client.get("/api/players/me/notifications", headers=buyer.headers).json()["data"]
    ]
    assert "purchase_completed" in kinds


def test_a_shipment_lost_to_a_closed_route_is_refunded_and_the_listing_restored(bluemarble, runtime):
    # Given a cross-island purchase of a listing's last 10 units, at sea (the 10-minute route
    # takes 3 s here), so the listing is sold out
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 10)])
    buyer = bluemarble.funded("Brinehold", coin="100.00")
    listing = bluemarble.list_item(seller, item, 10, 2)
    with slow_seas():
        purchase = bluemarble.buy(buyer, listing["id"], 10).json()["data"]
        assert bluemarble.listing(buyer, listing["id"])["status"] == "SOLD"
        # When a storm closes the route before the goods arrive
        closed = bluemarble.client.put(
            "/api/game/routes/Aethermoor/Brinehold",
            json={"status": "closed", "reason": "storm"},
            headers=bluemarble.server,
        )
        assert closed.status_code == 200
        try:
            refunded = bluemarble.wait_for(buyer, purchase["transactionId"], "REFUNDED")
        finally:
            bluemarble.client.put(
                "/api/game/routes/Aethermoor/Brinehold", json={"status": "open"}, headers=bluemarble.server
            )
    # Then the buyer has all their coin back, the listing sells the 10 units again, nothing is lost
    assert refunded["failureReason"] == "The shipment was lost at sea"
    assert bluemarble.balance(buyer) == Decimal("100.00")
    restored = bluemarble.listing(buyer, listing["id"])
    assert restored["status"] == "ACTIVE" and restored["quantity"] == 10
    assert bluemarble.free_space(buyer, "Brinehold") == 10_000
    lines = bluemarble.client.get(PURCHASE, headers=seller.headers).json()["data"]["transactions"]
    assert lines[0]["status"] == "REFUNDED"
    reputation = bluemarble.client.get(f"/api/marketplace/reputation/{seller.player_id}", headers=buyer.headers)
    assert reputation.json()["data"]["reputation"]["failedTransactions"] == 1
    execution = runtime.wait_for_execution(
        f"{runtime.state_machine_arn('BlueMarbleSettlementStateMachine').replace(':stateMachine:', ':execution:')}"
        f":{purchase['transactionId']}"
    )
    assert execution["status"] == "SUCCEEDED"  # a lost shipment is a game event, not a fault
    assert not conservation_problems(ledger_balances(runtime))


@contextmanager
def slow_seas(scale: float = 0.005):
    """Sea voyages take real time (10 minutes -> 3 s) while the block runs, instead of none."""
    previous = state_machines.time_scale()
    state_machines.set_time_scale(scale)
    try:
        yield
    finally:
        state_machines.set_time_scale(previous)


def test_a_closed_route_refuses_new_cross_island_purchases(bluemarble):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 10)])
    buyer = bluemarble.funded("Duskmere")
    listing = bluemarble.list_item(seller, item, 10, 1)
    bluemarble.client.put(
        "/api/game/routes/Duskmere/Aethermoor", json={"status": "closed", "reason": "storm"}, headers=bluemarble.server
    )
    try:
        response = bluemarble.buy(buyer, listing["id"], 1)
    finally:
        bluemarble.client.put(
            "/api/game/routes/Duskmere/Aethermoor", json={"status": "open"}, headers=bluemarble.server
        )
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "ROUTE_CLOSED",
        "message": "The sea route Aethermoor - Duskmere is closed",
        "details": {"reason": "storm"},
    }
    assert bluemarble.buy(buyer, listing["id"], 1).status_code == 201


def test_sellers_cannot_buy_their_own_listing(bluemarble):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 10)])
    listing = bluemarble.list_item(seller, item, 10, 1)
    response = bluemarble.buy(seller, listing["id"], 1)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "CANNOT_BUY_OWN_LISTING"


def test_not_enough_coin_is_402_with_required_and_available(bluemarble):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 100)])
    buyer = bluemarble.funded(coin="200.00")
    listing = bluemarble.list_item(seller, item, 100, 5.50)
    response = bluemarble.buy(buyer, listing["id"], 50)
    assert response.status_code == 402
    assert response.json()["error"] == {
        "code": "INSUFFICIENT_FUNDS",
        "message": "Player does not have enough currency",
        "details": {"required": 288.75, "available": 200.0},
    }
    assert bluemarble.listing(buyer, listing["id"])["quantity"] == 100
    assert bluemarble.balance(buyer) == Decimal("200.00")


def test_a_full_island_inventory_is_insufficient_space(bluemarble):
    item, filler = bluemarble.define_item(), bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 10)])
    buyer = bluemarble.funded(items=[(filler, 9_995)])
    listing = bluemarble.list_item(seller, item, 10, 1)
    response = bluemarble.buy(buyer, listing["id"], 6)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "INSUFFICIENT_SPACE"
    assert bluemarble.buy(buyer, listing["id"], 5).status_code == 201
    assert bluemarble.free_space(buyer, "Aethermoor") == 0


def test_sold_out_expired_and_cancelled_listings_are_unavailable(bluemarble):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 10)])
    buyer = bluemarble.funded()
    listing = bluemarble.list_item(seller, item, 3, 1)
    too_many = bluemarble.buy(buyer, listing["id"], 4)
    assert too_many.status_code == 409
    assert too_many.json()["error"]["details"] == {"available": 3}
    assert bluemarble.buy(buyer, listing["id"], 3).status_code == 201
    sold_out = bluemarble.buy(buyer, listing["id"], 1)
    assert sold_out.status_code == 409 and sold_out.json()["error"]["code"] == "LISTING_UNAVAILABLE"
    other = bluemarble.list_item(seller, item, 2, 1)
    bluemarble.client.delete(f"/api/marketplace/listings/{other['id']}", headers=seller.headers)
    assert bluemarble.buy(buyer, other["id"], 1).status_code == 409
    assert bluemarble.buy(buyer, str(uuid.uuid4()), 1).json()["error"]["code"] == "LISTING_NOT_FOUND"


def test_a_retried_purchase_with_the_same_idempotency_key_buys_once(bluemarble):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 10)])
    buyer = bluemarble.funded(coin="100.00")
    listing = bluemarble.list_item(seller, item, 10, 1)
    key = f"buy-{uuid.uuid4()}"
    first = bluemarble.buy(buyer, listing["id"], 2, key=key)
    again = bluemarble.buy(buyer, listing["id"], 2, key=key)
    assert first.json() == again.json() and again.headers["idempotent-replayed"] == "true"
    assert bluemarble.listing(buyer, listing["id"])["quantity"] == 8
    assert bluemarble.balance(buyer) == Decimal("97.90")
    changed = bluemarble.buy(buyer, listing["id"], 3, key=key)
    assert changed.status_code == 422 and changed.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_history_filters_by_type_and_status_and_names_the_other_party(bluemarble):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 10)])
    buyer = bluemarble.funded(coin="100.00")
    listing = bluemarble.list_item(seller, item, 10, 1)
    purchases = [bluemarble.buy(buyer, listing["id"], 1).json()["data"]["transactionId"] for _ in range(3)]
    history = bluemarble.client.get(PURCHASE, params={"limit": 2}, headers=buyer.headers).json()["data"]
    assert [line["id"] for line in history["transactions"]] == purchases[::-1][:2]
    assert history["pagination"] | {"nextCursor": None} == {
        "page": 1,
        "limit": 2,
        "total": 3,
        "pages": 2,
        "hasMore": True,
        "nextCursor": None,
    }
    following = bluemarble.client.get(
        PURCHASE, params={"limit": 2, "cursor": history["pagination"]["nextCursor"]}, headers=buyer.headers
    ).json()["data"]
    assert [line["id"] for line in following["transactions"]] == [purchases[0]]
    line = history["transactions"][0]
    assert line["type"] == "buy" and line["otherParty"] == seller.name and line["status"] == "COMPLETED"
    sells = bluemarble.client.get(PURCHASE, params={"type": "sell"}, headers=seller.headers).json()["data"]
    assert {entry["otherParty"] for entry in sells["transactions"]} == {buyer.name}
    assert (
        bluemarble.client.get(PURCHASE, params={"type": "sell"}, headers=buyer.headers).json()["data"]["transactions"]
        == []
    )
    pending = bluemarble.client.get(PURCHASE, params={"status": "PENDING"}, headers=buyer.headers).json()["data"]
    assert pending["transactions"] == []


def test_a_purchase_is_visible_to_its_buyer_and_seller_only(bluemarble):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 10)])
    buyer, stranger = bluemarble.funded(), bluemarble.funded()
    listing = bluemarble.list_item(seller, item, 10, 1)
    transaction_id = bluemarble.buy(buyer, listing["id"], 1).json()["data"]["transactionId"]
    assert bluemarble.transaction(seller, transaction_id)["buyerId"] == buyer.player_id
    foreign = bluemarble.client.get(f"{PURCHASE}/{transaction_id}", headers=stranger.headers)
    assert foreign.status_code == 404 and foreign.json()["error"]["code"] == "TRANSACTION_NOT_FOUND"


def test_ratings_only_by_the_buyer_of_a_completed_purchase_once(bluemarble):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 10)])
    buyer, stranger = bluemarble.funded(), bluemarble.funded()
    listing = bluemarble.list_item(seller, item, 10, 1)
    transaction_id = bluemarble.buy(buyer, listing["id"], 1).json()["data"]["transactionId"]

    def rate(player, rating, comment="Great seller, fast delivery!"):
        return bluemarble.client.post(
            "/api/marketplace/reputation/rate",
            json={"transactionId": transaction_id, "rating": rating, "comment": comment},
            headers=player.headers,
        )

    for bad in (0, 6, 4.5):
        response = rate(buyer, bad)
        assert response.status_code == 400 and response.json()["error"]["code"] == "INVALID_RATING"
    assert rate(stranger, 5).status_code == 404
    assert rate(seller, 5).status_code == 403
    first = rate(buyer, 4)
    assert first.status_code == 201 and first.json() == {"success": True, "message": "Rating submitted successfully"}
    again = rate(buyer, 5)
    assert again.status_code == 409 and again.json()["error"]["code"] == "ALREADY_RATED"
    reputation = bluemarble.client.get(f"/api/marketplace/reputation/{seller.player_id}", headers=stranger.headers)
    data = reputation.json()["data"]
    assert data["reputation"]["rating"] == 4.0 and data["reputation"]["totalRatings"] == 1
    assert data["reputation"]["completedTransactions"] == 1 and data["reputation"]["failedTransactions"] == 0
    assert data["recentReviews"][0]["comment"] == "Great seller, fast delivery!"
    assert data["reputation"]["badges"] == ["New Seller"]


def test_a_pending_purchase_cannot_be_rated_yet(bluemarble):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 10)])
    buyer = bluemarble.funded("Brinehold")
    listing = bluemarble.list_item(seller, item, 10, 1)
    with slow_seas():
        purchase = bluemarble.buy(buyer, listing["id"], 1).json()["data"]
        response = bluemarble.client.post(
            "/api/marketplace/reputation/rate",
            json={"transactionId": purchase["transactionId"], "rating": 5},
            headers=buyer.headers,
        )
        assert response.status_code == 409 and response.json()["error"]["code"] == "TRANSACTION_NOT_COMPLETED"
        bluemarble.wait_for(buyer, purchase["transactionId"], "COMPLETED")
