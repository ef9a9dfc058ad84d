"""Analytics from aggregates the change consumer keeps: price history and market trends.

The table's stream delivers each change to the consumer (BlueMarbleChangesFunction) as it
happens; ``runtime.drain()`` waits until it has. A record delivered again (a retried batch) is
built from the table's own item and handed to the function as Lambda would.
"""

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.support.bluemarble import money, stream_event, table_item

CONSUMER = "BlueMarbleChangesFunction"


def deliver(runtime, changes):
    return runtime.invoke(CONSUMER, stream_event(runtime, changes))


def sold(runtime, transaction_id):
    """The purchase's change from PENDING to COMPLETED, as the stream carried it."""
    new = table_item(runtime, f"PURCHASE#{transaction_id}", "PURCHASE")
    return ({**new, "status": "PENDING"}, new)


@pytest.fixture(scope="module")
def market(bluemarble, runtime):
    """Sales of one item at three prices, on two islands."""
    item = bluemarble.define_item("Amber", "Resource")
    seller = bluemarble.funded(coin="100.00", items=[(item, 100)])
    assert bluemarble.grant(seller, items=[(item, "Cinderreach", 100)]).status_code == 201
    buyer = bluemarble.funded(coin="10000.00")
    far_buyer = bluemarble.funded("Cinderreach", coin="10000.00")
    for island, player in (("Aethermoor", buyer), ("Cinderreach", far_buyer)):
        listing = bluemarble.list_item(seller, item, 100, "4.00", island=island)
        for quantity, price in ((10, "4.00"), (30, "5.00"), (20, "6.00")):
            response = bluemarble.client.patch(
                f"/api/marketplace/listings/{listing['id']}", json={"pricePerUnit": price}, headers=seller.headers
            )
            assert response.status_code == 200
            bought = bluemarble.buy(player, listing["id"], quantity).json()["data"]
            bluemarble.wait_for(player, bought["transactionId"], "COMPLETED")
    runtime.drain()
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
    today = datetime.now(UTC).date().isoformat()
    assert data["pricePoints"] == [{"timestamp": f"{today}T00:00:00Z", "price": 5.17, "volume": 120}]


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


def test_new_listings_count_in_the_trends_once(bluemarble, runtime):
    category = f"Gem{uuid.uuid4().hex[:6]}"
    item = bluemarble.define_item("Obsidian Shard", category)
    seller = bluemarble.funded(items=[(item, 5)])
    listing = bluemarble.list_item(seller, item, 5, "1.00")
    runtime.drain()
    new = table_item(runtime, f"LISTING#{listing['id']}", "LISTING")
    deliver(runtime, [(None, new)])  # delivered again
    data = bluemarble.client.get(
        "/api/marketplace/analytics/trends", params={"category": category + "s"}, headers=seller.headers
    ).json()["data"]
    assert data["overview"]["totalListings"] == 1


@pytest.mark.parametrize("params", [{"timeframe": "1y"}, {"island": "Atlantis"}])
def test_bad_analytics_parameters_are_a_400(bluemarble, market, params):
    item, viewer = market
    response = bluemarble.client.get(f"/api/marketplace/analytics/prices/{item}", params=params, headers=viewer.headers)
    assert response.status_code == 400


def test_an_unknown_item_has_no_price_history(bluemarble, market):
    _, viewer = market
    response = bluemarble.client.get("/api/marketplace/analytics/prices/nothing", headers=viewer.headers)
    assert response.status_code == 404 and response.json()["error"]["code"] == "ITEM_NOT_FOUND"
