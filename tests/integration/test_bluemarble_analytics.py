"""Analytics from aggregates the change consumer keeps: price history and market trends.

The table's stream delivers each change to the consumer (BlueMarbleChangesFunction). Here the
records are built from the table's own items and handed to the function as Lambda would, so the
test decides exactly which changes arrive, and how often.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.support.bluemarble import money, stream_event, table_item

CONSUMER = "BlueMarbleChangesFunction"


def deliver(runtime, changes):
    return runtime.invoke(CONSUMER, stream_event(runtime, changes))


def sold(runtime, transaction_id, completed_at=None):
    """The purchase's change from PENDING to COMPLETED (optionally on another day)."""
    new = table_item(runtime, f"PURCHASE#{transaction_id}", "PURCHASE")
    if completed_at:
        new = {**new, "completedAt": completed_at}
    return ({**new, "status": "PENDING"}, new)


@pytest.fixture(scope="module")
def market(bluemarble, runtime):
    """Sales of one item at several prices, on two islands and three days."""
    item = bluemarble.define_item("Amber", "Resource")
    seller = bluemarble.funded(coin="100.00", items=[(item, 100)])
    assert bluemarble.grant(seller, items=[(item, "Cinderreach", 100)]).status_code == 201
    buyer = bluemarble.funded(coin="10000.00")
    far_buyer = bluemarble.funded("Cinderreach", coin="10000.00")
    today = datetime.now(UTC)
    sales = []
    for island, player in (("Aethermoor", buyer), ("Cinderreach", far_buyer)):
        listing = bluemarble.list_item(seller, item, 100, "4.00", island=island)
        for days_ago, quantity, price in ((2, 10, "4.00"), (1, 30, "5.00"), (0, 20, "6.00")):
            response = bluemarble.client.patch(
                f"/api/marketplace/listings/{listing['id']}", json={"pricePerUnit": price}, headers=seller.headers
            )
            assert response.status_code == 200
            bought = bluemarble.buy(player, listing["id"], quantity).json()["data"]
            at = (today - timedelta(days=days_ago)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            sales.append((bought["transactionId"], at))
    deliver(runtime, [sold(runtime, transaction_id, at) for transaction_id, at in sales])
    return item, buyer


def test_price_history_statistics_and_daily_points(bluemarble, market):
    item, viewer = market
    response = bluemarble.client.get(f"/api/marketplace/analytics/prices/{item}", headers=viewer.headers)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["itemName"] == "Amber" and data["timeframe"] == "7d"
    # 20 units at 4, 60 at 5, 40 at 6: 120 units worth 620.00
    assert data["statistics"] == {
        "averagePrice": 5.17,
        "minPrice": 4.0,
        "maxPrice": 6.0,
        "medianPrice": 5.0,
        "totalVolume": 120,
    }
    assert [(point["price"], point["volume"]) for point in data["pricePoints"]] == [(4.0, 20), (5.0, 60), (6.0, 40)]
    assert all(point["timestamp"].endswith("T00:00:00Z") for point in data["pricePoints"])


def test_price_history_of_one_island(bluemarble, market):
    item, viewer = market
    data = bluemarble.client.get(
        f"/api/marketplace/analytics/prices/{item}", params={"island": "cinderreach"}, headers=viewer.headers
    ).json()["data"]
    assert data["island"] == "Cinderreach" and data["statistics"]["totalVolume"] == 60


def test_a_record_delivered_twice_is_counted_once(bluemarble, runtime, market):
    item, viewer = market
    purchase_item = next(
        line
        for line in bluemarble.client.get("/api/marketplace/transactions", headers=viewer.headers).json()["data"][
            "transactions"
        ]
    )
    deliver(runtime, [sold(runtime, purchase_item["id"])])
    data = bluemarble.client.get(f"/api/marketplace/analytics/prices/{item}", headers=viewer.headers).json()["data"]
    assert data["statistics"]["totalVolume"] == 120


def test_the_listing_detail_shows_recent_averages(bluemarble, market):
    item, viewer = market
    seller = bluemarble.funded(items=[(item, 5)])
    listing = bluemarble.list_item(seller, item, 5, "5.00")
    history = bluemarble.listing(viewer, listing["id"])["priceHistory"]
    assert history == {"average7Day": 5.17, "average30Day": 5.17, "recentSales": 6}


def test_trends_overview_and_top_items(bluemarble, runtime, market):
    item, viewer = market
    # the listings this module created reach the consumer as inserts
    data = bluemarble.client.get(
        "/api/marketplace/analytics/trends", params={"category": "Resources"}, headers=viewer.headers
    ).json()["data"]
    top = next(entry for entry in data["topItems"] if entry["itemId"] == item)
    assert top == {
        "itemId": item,
        "itemName": "Amber",
        "category": "Resource",
        "averagePrice": 5.17,
        "volume": 120,
        "priceChange": None,
    }
    assert data["overview"]["totalTransactions"] >= 6
    assert money(data["overview"]["totalVolume"]) >= Decimal("620.00")
    tools = bluemarble.client.get(
        "/api/marketplace/analytics/trends", params={"category": "Tools", "timeframe": "30d"}, headers=viewer.headers
    ).json()["data"]
    assert item not in [entry["itemId"] for entry in tools["topItems"]]


def test_new_listings_count_in_the_trends(bluemarble, runtime):
    item = bluemarble.define_item("Obsidian Shard", "Gemstone")
    seller = bluemarble.funded(items=[(item, 5)])
    listing = bluemarble.list_item(seller, item, 5, "1.00")
    new = table_item(runtime, f"LISTING#{listing['id']}", "LISTING")
    deliver(runtime, [(None, new), (None, new)])
    data = bluemarble.client.get(
        "/api/marketplace/analytics/trends", params={"category": "gemstones"}, headers=seller.headers
    ).json()["data"]
    assert data["overview"]["totalListings"] >= 1


@pytest.mark.parametrize("params", [{"timeframe": "1y"}, {"island": "Atlantis"}])
def test_bad_analytics_parameters_are_a_400(bluemarble, market, params):
    item, viewer = market
    response = bluemarble.client.get(f"/api/marketplace/analytics/prices/{item}", params=params, headers=viewer.headers)
    assert response.status_code == 400


def test_an_unknown_item_has_no_price_history(bluemarble, market):
    _, viewer = market
    response = bluemarble.client.get("/api/marketplace/analytics/prices/nothing", headers=viewer.headers)
    assert response.status_code == 404 and response.json()["error"]["code"] == "ITEM_NOT_FOUND"
