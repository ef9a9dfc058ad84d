"""Listings over HTTP: create (items locked, fee charged), list and filter, edit, cancel, favourites.

The spec's test scenario 1, "Create and List Item": the item is locked in inventory, the listing
appears in search results, and the listing fee is right.
"""

import uuid
from decimal import Decimal

import pytest

from tests.support.bluemarble import IRON_ORE, conservation_problems, ledger_balances, money

ENDPOINT = "/api/marketplace/listings"


def test_create_and_list_item(bluemarble, runtime):
    # Given a seller holding 150 units of an item and 100 coin
    item = bluemarble.define_item("Copper Ore")
    seller = bluemarble.funded(coin="100.00", items=[(item, 150)])
    buyer = bluemarble.funded()
    # When they list 100 at 5.50 for 7 days
    listing = bluemarble.list_item(seller, item, 100, 5.50, duration="7d")
    # Then the spec's figures come back, 1% fee charged
    assert listing["quantity"] == 100
    assert money(listing["pricePerUnit"]) == Decimal("5.50")
    assert money(listing["totalPrice"]) == Decimal("550.00")
    assert money(listing["listingFee"]) == Decimal("5.50")
    assert listing["status"] == "ACTIVE" and listing["island"] == "Aethermoor"
    assert bluemarble.balance(seller) == Decimal("94.50")
    # and the 100 units are locked: 50 left in the inventory, the space still held for the listing
    assert bluemarble.inventory(seller)[("Aethermoor", item)] == 50
    assert bluemarble.free_space(seller, "Aethermoor") == 10_000 - 150
    balances = ledger_balances(runtime)
    assert balances[f"lock:{listing['id']}:ITEM.{item}"] == 100
    # and another player finds it in search, by category and island
    found = bluemarble.search(buyer, category="Resources", island="aethermoor", sellerId=seller.player_id)
    assert [entry["id"] for entry in found["listings"]] == [listing["id"]]
    assert found["listings"][0]["sellerName"] == seller.name
    assert found["listings"][0]["itemName"] == "Copper Ore"
    assert not conservation_problems(balances)


def test_expires_at_follows_the_duration(bluemarble):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 10)])
    listing = bluemarble.list_item(seller, item, 5, "1.00", duration="12h")
    from datetime import datetime

    created = datetime.fromisoformat(listing["createdAt"].replace("Z", "+00:00"))
    expires = datetime.fromisoformat(listing["expiresAt"].replace("Z", "+00:00"))
    assert (expires - created).total_seconds() == 12 * 3600


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quantity": 0, "pricePerUnit": 5.5}, "quantity"),
        ({"quantity": 10, "pricePerUnit": 0}, "pricePerUnit"),
        ({"quantity": 10, "pricePerUnit": -1}, "pricePerUnit"),
        ({"quantity": 10, "pricePerUnit": 5.555}, "pricePerUnit"),
        ({"quantity": 2.5, "pricePerUnit": 5.5}, "quantity"),
        ({"quantity": "10", "pricePerUnit": 5.5}, "quantity"),
        ({"quantity": True, "pricePerUnit": 5.5}, "quantity"),
        ({"quantity": 10, "pricePerUnit": "lots"}, "pricePerUnit"),
        ({"quantity": 10, "pricePerUnit": 5.5, "duration": "7y"}, "duration"),
        ({"quantity": 10, "pricePerUnit": 5.5, "duration": "31d"}, "duration"),
        ({"quantity": 10, "pricePerUnit": 5.5, "island": "Atlantis"}, "island"),
        ({"quantity": 10, "pricePerUnit": 5.5, "colour": "red"}, "colour"),
    ],
)
def test_bad_listing_parameters_are_a_400_naming_the_field(bluemarble, body, field):
    seller = bluemarble.funded(items=[(IRON_ORE, 10)])
    response = bluemarble.client.post(ENDPOINT, json={"itemId": IRON_ORE, **body}, headers=seller.headers)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert response.json()["success"] is False
    assert error["code"] == "INVALID_REQUEST"
    assert field in error["details"], error


def test_the_spec_s_400_example_reads_must_be_greater_than_0(bluemarble):
    seller = bluemarble.funded()
    response = bluemarble.client.post(
        ENDPOINT, json={"itemId": IRON_ORE, "quantity": 0, "pricePerUnit": 0}, headers=seller.headers
    )
    assert response.json()["error"]["details"] == {
        "quantity": "Must be greater than 0",
        "pricePerUnit": "Must be greater than 0",
    }


def test_a_price_can_be_sent_as_a_string(bluemarble):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 3)])
    assert money(bluemarble.list_item(seller, item, 3, "2.05")["totalPrice"]) == Decimal("6.15")


def test_listing_more_than_one_holds_is_insufficient_inventory_and_moves_nothing(bluemarble, runtime):
    item = bluemarble.define_item()
    seller = bluemarble.funded(coin="50.00", items=[(item, 10)])
    response = bluemarble.client.post(
        ENDPOINT, json={"itemId": item, "quantity": 11, "pricePerUnit": 1}, headers=seller.headers
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "INSUFFICIENT_INVENTORY"
    assert bluemarble.inventory(seller)[("Aethermoor", item)] == 10
    assert bluemarble.balance(seller) == Decimal("50.00")


def test_a_fee_the_seller_cannot_pay_is_insufficient_funds_422(bluemarble):
    item = bluemarble.define_item()
    seller = bluemarble.funded(coin="0.50", items=[(item, 100)])
    response = bluemarble.client.post(
        ENDPOINT, json={"itemId": item, "quantity": 100, "pricePerUnit": 5.5}, headers=seller.headers
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "INSUFFICIENT_FUNDS"
    assert error["details"] == {"required": 5.5, "available": 0.5}
    assert bluemarble.inventory(seller)[("Aethermoor", item)] == 100


def test_an_item_type_nobody_defined_is_item_not_found(bluemarble):
    seller = bluemarble.funded()
    response = bluemarble.client.post(
        ENDPOINT, json={"itemId": str(uuid.uuid4()), "quantity": 1, "pricePerUnit": 1}, headers=seller.headers
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ITEM_NOT_FOUND"


def test_a_second_active_listing_of_the_same_item_on_the_same_island_is_a_duplicate(bluemarble):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 20)])
    bluemarble.list_item(seller, item, 5, 1)
    response = bluemarble.client.post(
        ENDPOINT, json={"itemId": item, "quantity": 5, "pricePerUnit": 2}, headers=seller.headers
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "DUPLICATE_LISTING"
    assert bluemarble.inventory(seller)[("Aethermoor", item)] == 15  # the second listing took nothing


def test_the_same_item_may_be_listed_from_another_island(bluemarble):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 5)])
    assert bluemarble.grant(seller, items=[(item, "Duskmere", 7)]).status_code == 201
    bluemarble.list_item(seller, item, 5, 1)
    other = bluemarble.list_item(seller, item, 7, 1, island="Duskmere")
    assert other["island"] == "Duskmere"


def test_an_idempotent_retry_of_a_create_returns_the_first_listing(bluemarble):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 10)])
    headers = {**seller.headers, "Idempotency-Key": f"list-{uuid.uuid4()}"}
    body = {"itemId": item, "quantity": 4, "pricePerUnit": 1}
    first = bluemarble.client.post(ENDPOINT, json=body, headers=headers)
    again = bluemarble.client.post(ENDPOINT, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert bluemarble.inventory(seller)[("Aethermoor", item)] == 6


def test_the_seller_edits_price_and_quantity_and_the_lock_follows(bluemarble, runtime):
    item = bluemarble.define_item()
    seller = bluemarble.funded(coin="100.00", items=[(item, 100)])
    listing = bluemarble.list_item(seller, item, 50, "2.00")  # fee 1.00
    response = bluemarble.client.patch(
        f"{ENDPOINT}/{listing['id']}", json={"pricePerUnit": 3.00, "quantity": 80}, headers=seller.headers
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["quantity"] == 80 and money(data["pricePerUnit"]) == Decimal("3.00")
    assert money(data["totalPrice"]) == Decimal("240.00")
    # the total rose by 140.00: 1% of it is charged on top of the first 1.00
    assert money(data["listingFee"]) == Decimal("2.40")
    assert bluemarble.balance(seller) == Decimal("97.60")
    assert bluemarble.inventory(seller)[("Aethermoor", item)] == 20
    assert ledger_balances(runtime)[f"lock:{listing['id']}:ITEM.{item}"] == 80
    # fewer units go back to the inventory; a lower total costs nothing
    response = bluemarble.client.patch(f"{ENDPOINT}/{listing['id']}", json={"quantity": 30}, headers=seller.headers)
    assert response.status_code == 200
    assert bluemarble.inventory(seller)[("Aethermoor", item)] == 70
    assert bluemarble.balance(seller) == Decimal("97.60")


def test_an_edit_needs_something_to_change_and_a_quantity_of_at_least_one(bluemarble):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 10)])
    listing = bluemarble.list_item(seller, item, 5, 1)
    for body in ({}, {"quantity": 0}, {"pricePerUnit": "1.001"}):
        response = bluemarble.client.patch(f"{ENDPOINT}/{listing['id']}", json=body, headers=seller.headers)
        assert response.status_code == 400, body


def test_only_the_seller_may_edit_or_cancel_a_listing(bluemarble):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 10)])
    other = bluemarble.funded()
    listing = bluemarble.list_item(seller, item, 5, 1)
    edit = bluemarble.client.patch(f"{ENDPOINT}/{listing['id']}", json={"quantity": 1}, headers=other.headers)
    cancel = bluemarble.client.delete(f"{ENDPOINT}/{listing['id']}", headers=other.headers)
    assert edit.status_code == cancel.status_code == 403
    assert cancel.json()["error"] == {"code": "UNAUTHORIZED", "message": "You can only delete your own listings"}
    assert bluemarble.listing(other, listing["id"])["quantity"] == 5


def test_cancelling_returns_the_items_and_the_listing_reads_cancelled(bluemarble, runtime):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 10)])
    listing = bluemarble.list_item(seller, item, 6, 1)
    response = bluemarble.client.delete(f"{ENDPOINT}/{listing['id']}", headers=seller.headers)
    assert response.status_code == 200
    assert response.json() == {"success": True, "message": "Listing cancelled and items returned to inventory"}
    assert bluemarble.inventory(seller)[("Aethermoor", item)] == 10
    assert bluemarble.listing(seller, listing["id"])["status"] == "CANCELLED"
    assert listing["id"] not in [e["id"] for e in bluemarble.search(seller, sellerId=seller.player_id)["listings"]]
    cancelled = bluemarble.search(seller, status="CANCELLED")["listings"]
    assert listing["id"] in [entry["id"] for entry in cancelled]
    # cancelling again, or editing it, is no longer possible
    assert bluemarble.client.delete(f"{ENDPOINT}/{listing['id']}", headers=seller.headers).status_code == 409
    again = bluemarble.client.patch(f"{ENDPOINT}/{listing['id']}", json={"quantity": 1}, headers=seller.headers)
    assert again.json()["error"]["code"] == "LISTING_UNAVAILABLE"
    # and a new listing of the same item is allowed now
    bluemarble.list_item(seller, item, 10, 1)
    assert not conservation_problems(ledger_balances(runtime))


def test_a_missing_listing_is_listing_not_found(bluemarble):
    player = bluemarble.funded()
    missing = str(uuid.uuid4())
    for response in (
        bluemarble.client.get(f"{ENDPOINT}/{missing}", headers=player.headers),
        bluemarble.client.patch(f"{ENDPOINT}/{missing}", json={"quantity": 1}, headers=player.headers),
        bluemarble.client.delete(f"{ENDPOINT}/{missing}", headers=player.headers),
    ):
        assert response.status_code == 404
        assert response.json()["error"] == {
            "code": "LISTING_NOT_FOUND",
            "message": "The requested listing does not exist",
        } | {"details": {"listingId": missing}}


def test_the_detail_counts_views_and_shows_seller_item_and_price_history(bluemarble):
    item = bluemarble.define_item("Silver Ore")
    seller = bluemarble.funded(items=[(item, 10)])
    viewer = bluemarble.funded()
    listing = bluemarble.list_item(seller, item, 5, "4.20")
    bluemarble.listing(viewer, listing["id"])
    detail = bluemarble.listing(viewer, listing["id"])
    assert detail["views"] == 2
    assert detail["seller"] == {
        "id": seller.player_id,
        "name": seller.name,
        "reputation": {"rating": 0.0, "totalTransactions": 0, "completedTransactions": 0},
    }
    assert detail["item"]["name"] == "Silver Ore" and detail["item"]["type"] == "Resource"
    assert detail["item"]["description"] == "Silver Ore for tests"
    assert detail["priceHistory"] == {"average7Day": None, "average30Day": None, "recentSales": 0}


def test_favourites_are_counted_once_per_player_and_listed(bluemarble):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 10)])
    fan = bluemarble.funded()
    listing = bluemarble.list_item(seller, item, 5, 1)
    path = f"{ENDPOINT}/{listing['id']}/favorite"
    first = bluemarble.client.post(path, headers=fan.headers)
    again = bluemarble.client.post(path, headers=fan.headers)
    assert (
        first.json()["data"] == again.json()["data"] == {"listingId": listing["id"], "favorited": True, "favorites": 1}
    )
    assert bluemarble.listing(fan, listing["id"])["isFavorite"] is True
    mine = bluemarble.client.get("/api/marketplace/favorites", headers=fan.headers).json()["data"]
    assert [entry["id"] for entry in mine["listings"]] == [listing["id"]]
    removed = bluemarble.client.delete(path, headers=fan.headers)
    assert removed.json()["data"]["favorites"] == 0
    assert bluemarble.client.delete(path, headers=fan.headers).json()["data"]["favorites"] == 0
    missing = bluemarble.client.post(f"{ENDPOINT}/{uuid.uuid4()}/favorite", headers=fan.headers)
    assert missing.status_code == 404
