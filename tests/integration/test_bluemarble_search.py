"""Searching listings over HTTP: every filter, the four sorts, page/limit and cursors."""

import uuid

import pytest


@pytest.fixture(scope="module")
def market(bluemarble):
    """A seller (scoped by seller id, so other tests' listings do not interfere) with 6 listings."""
    seller = bluemarble.funded(coin="1000.00")
    specs = [
        ("Resource", "Aethermoor", "1.00"),
        ("Resource", "Brinehold", "2.50"),
        ("Tool", "Aethermoor", "9.99"),
        ("Tool", "Cinderreach", "0.50"),
        ("Crafted Good", "Aethermoor", "4.00"),
        ("Resource", "Aethermoor", "3.00"),
    ]
    listings = []
    for number, (kind, island, price) in enumerate(specs):
        item = bluemarble.define_item(f"Thing {number}", kind)
        assert bluemarble.grant(seller, items=[(item, island, 5)]).status_code == 201
        duration = f"{number + 1}d"
        listings.append(bluemarble.list_item(seller, item, 5, price, island=island, duration=duration))
    return seller, listings


def ids(found):
    return [entry["id"] for entry in found["listings"]]


def test_filters_combine(bluemarble, market):
    seller, listings = market
    viewer = bluemarble.funded()
    base = {"sellerId": seller.player_id}
    assert set(ids(bluemarble.search(viewer, **base, category="Resources"))) == {
        listings[0]["id"],
        listings[1]["id"],
        listings[5]["id"],
    }
    assert set(ids(bluemarble.search(viewer, **base, category="crafted goods"))) == {listings[4]["id"]}
    assert set(ids(bluemarble.search(viewer, **base, island="Aethermoor", category="Tool"))) == {listings[2]["id"]}
    priced = bluemarble.search(viewer, **base, minPrice="1.00", maxPrice=3)
    assert set(ids(priced)) == {listings[0]["id"], listings[1]["id"], listings[5]["id"]}
    assert bluemarble.search(viewer, **base, category="Weapons")["pagination"]["total"] == 0


def test_the_four_sorts(bluemarble, market):
    seller, listings = market
    viewer = bluemarble.funded()
    base = {"sellerId": seller.player_id}
    by_price = ids(bluemarble.search(viewer, **base, sort="price_asc"))
    assert by_price == [listings[i]["id"] for i in (3, 0, 1, 5, 4, 2)]
    assert ids(bluemarble.search(viewer, **base, sort="price_desc")) == list(reversed(by_price))
    assert ids(bluemarble.search(viewer, **base, sort="newest")) == [entry["id"] for entry in reversed(listings)]
    assert ids(bluemarble.search(viewer, **base, sort="ending_soon")) == [entry["id"] for entry in listings]


def test_pages_and_cursors_walk_every_listing_once(bluemarble, market):
    seller, listings = market
    viewer = bluemarble.funded()
    base = {"sellerId": seller.player_id, "sort": "price_asc", "limit": 4}
    first = bluemarble.search(viewer, **base, page=1)
    second = bluemarble.search(viewer, **base, page=2)
    assert first["pagination"] | {"nextCursor": None} == {
        "page": 1,
        "limit": 4,
        "total": 6,
        "pages": 2,
        "hasMore": True,
        "nextCursor": None,
    }
    assert second["pagination"]["hasMore"] is False and len(second["listings"]) == 2
    following = bluemarble.search(viewer, **base, cursor=first["pagination"]["nextCursor"])
    assert ids(following) == ids(second)
    assert set(ids(first) + ids(second)) == {entry["id"] for entry in listings}
    assert bluemarble.search(viewer, **base, page=9)["listings"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 101},
        {"limit": 0},
        {"page": 0},
        {"sort": "cheapest"},
        {"status": "GONE"},
        {"minPrice": "-1"},
        {"minPrice": "abc"},
        {"minPrice": "1.001"},
        {"minPrice": "1e2"},
        {"cursor": "not a cursor"},
    ],
)
def test_bad_search_parameters_are_a_400(bluemarble, params):
    viewer = bluemarble.funded()
    response = bluemarble.client.get("/api/marketplace/listings", params=params, headers=viewer.headers)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "INVALID_REQUEST"


def test_a_cursor_from_another_sort_is_refused(bluemarble, market):
    seller, _ = market
    viewer = bluemarble.funded()
    page = bluemarble.search(viewer, sellerId=seller.player_id, limit=2, sort="newest")
    response = bluemarble.client.get(
        "/api/marketplace/listings",
        params={"sort": "price_asc", "cursor": page["pagination"]["nextCursor"]},
        headers=viewer.headers,
    )
    # well formed (the document's base64url shape), but not a cursor this search issued
    assert response.status_code == 422 and response.json()["error"]["code"] == "INVALID_CURSOR"
    forged = bluemarble.client.get(
        "/api/marketplace/listings", params={"cursor": "bm90LWEtY3Vyc29y"}, headers=viewer.headers
    )
    assert forged.status_code == 422 and forged.json()["error"]["code"] == "INVALID_CURSOR"


def test_a_minimum_price_above_the_maximum_is_an_empty_page(bluemarble, market):
    viewer = bluemarble.funded()
    response = bluemarble.client.get(
        "/api/marketplace/listings", params={"minPrice": "5", "maxPrice": "1"}, headers=viewer.headers
    )
    assert response.status_code == 200 and response.json()["data"]["listings"] == []


def test_sold_listings_are_browsed_per_seller(bluemarble):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 3)])
    buyer = bluemarble.funded()
    listing = bluemarble.list_item(seller, item, 3, 1)
    assert bluemarble.buy(buyer, listing["id"], 3).status_code == 201
    mine = bluemarble.search(seller, status="SOLD")
    assert ids(mine) == [listing["id"]] and mine["listings"][0]["status"] == "SOLD"
    theirs = bluemarble.search(buyer, status="SOLD", sellerId=seller.player_id)
    assert ids(theirs) == [listing["id"]]
    assert bluemarble.search(buyer, status="SOLD")["listings"] == []  # the buyer sold nothing
    assert listing["id"] not in ids(bluemarble.search(buyer, sellerId=seller.player_id))


def test_guests_browse_with_a_read_only_token(bluemarble, market):
    seller, listings = market
    guest = bluemarble.client.post("/api/auth/guest").json()["data"]
    headers = {"Authorization": f"Bearer {guest['accessToken']}"}
    found = bluemarble.client.get("/api/marketplace/listings", params={"sellerId": seller.player_id}, headers=headers)
    assert found.status_code == 200 and found.json()["data"]["pagination"]["total"] == len(listings)
    create = bluemarble.client.post(
        "/api/marketplace/listings",
        json={"itemId": str(uuid.uuid4()), "quantity": 1, "pricePerUnit": 1},
        headers=headers,
    )
    assert create.status_code == 403 and create.json()["error"]["code"] == "FORBIDDEN"
