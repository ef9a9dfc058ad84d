"""BlueMarble's pure rules: money and fees, durations, islands and transport, reputation, the
error envelope, price statistics and trends."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bluemarble_market.errors import BLUEMARBLE_STYLE, BlueMarbleErrorResponse
from bluemarble_market.logic import analytics, reputation
from bluemarble_market.logic.islands import ISLANDS, ROUTES, canonical_island, route, transport_cost
from bluemarble_market.logic.listings import parse_duration
from bluemarble_market.logic.money import LISTING_FEE_BPS, MARKETPLACE_FEE_BPS, as_number, fee, to_cents, to_coin
from shared.errors import InvalidInput, NotFound, RateLimited


@pytest.mark.parametrize(
    ("cents", "basis_points", "expected"),
    [
        (55_000, LISTING_FEE_BPS, 550),  # the spec's listing: 550.00 -> 5.50
        (27_500, MARKETPLACE_FEE_BPS, 1_375),  # the spec's purchase: 275.00 -> 13.75
        (50, LISTING_FEE_BPS, 1),  # 0.005 rounds half up to 0.01
        (49, LISTING_FEE_BPS, 0),  # 0.0049 rounds down
        (10, MARKETPLACE_FEE_BPS, 1),  # 0.005 -> 0.01
        (0, MARKETPLACE_FEE_BPS, 0),
    ],
)
def test_fees_are_basis_points_rounded_half_up_to_the_cent(cents, basis_points, expected):
    assert fee(cents, basis_points) == expected


def test_coin_converts_exactly():
    assert to_cents(Decimal("5.50")) == 550
    assert to_cents("0.1") + to_cents("0.2") == to_cents("0.3")
    assert to_coin(28_875) == Decimal("288.75")
    assert as_number(28_875) == 288.75 and as_number(55_000) == 550.0
    with pytest.raises(InvalidInput):
        to_cents(Decimal("5.555"))


@pytest.mark.parametrize(("text", "hours"), [("7d", 168), ("1h", 1), ("12H", 12), ("30d", 720), (" 2d ", 48)])
def test_durations(text, hours):
    assert parse_duration(text) == timedelta(hours=hours)


@pytest.mark.parametrize("text", ["0h", "31d", "721h", "7w", "d", "-1d", "1.5d", "", "7 d"])
def test_bad_durations(text):
    with pytest.raises(InvalidInput):
        parse_duration(text)


def test_every_pair_of_islands_has_a_route_both_ways():
    for origin in ISLANDS:
        for destination in ISLANDS:
            if origin != destination:
                assert ROUTES[(origin, destination)] == ROUTES[(destination, origin)]
    assert route("Aethermoor", "Aethermoor").minutes == 0
    assert transport_cost("Aethermoor", "Aethermoor", 500) == 0
    assert transport_cost("Aethermoor", "Brinehold", 50) == 200 + 2 * 50


def test_island_names_ignore_case_and_unknown_ones_are_a_400():
    assert canonical_island("  brinehold ") == "Brinehold"
    with pytest.raises(InvalidInput) as error:
        canonical_island("Atlantis")
    assert error.value.details[0]["field"] == "island"


def test_a_new_seller_s_reputation():
    assert reputation.summary(None) == {
        "rating": 0.0,
        "totalRatings": 0,
        "totalTransactions": 0,
        "completedTransactions": 0,
        "failedTransactions": 0,
        "trustScore": 56.0,
        "badges": ["New Seller"],
    }


def test_an_established_seller_s_trust_and_badges():
    summary = reputation.summary(
        {
            "ratingSum": 25 * 49 // 10 * 10 // 10,
            "ratingCount": 25,
            "completedTransactions": 125,
            "failedTransactions": 0,
        }
    )
    assert summary["totalTransactions"] == 125
    assert summary["trustScore"] >= 90
    assert {"Trusted Seller", "Veteran Trader", "Fast Shipper"} <= set(summary["badges"])
    unreliable = reputation.summary(
        {"ratingSum": 50, "ratingCount": 10, "completedTransactions": 10, "failedTransactions": 10}
    )
    assert unreliable["trustScore"] < 80 and "Trusted Seller" not in unreliable["badges"]


def test_the_envelope_and_the_spec_s_429_shape():
    status, body = BLUEMARBLE_STYLE.body(
        NotFound("The requested listing does not exist", code="LISTING_NOT_FOUND"), "r1"
    )
    assert status == 404
    assert body == {
        "success": False,
        "error": {"code": "LISTING_NOT_FOUND", "message": "The requested listing does not exist"},
    }
    status, body = BLUEMARBLE_STYLE.body(
        RateLimited("Rate limit exceeded", {"limit": 100, "remaining": 0, "resetAt": 1735473660, "retryAfter": 45}),
        "r2",
    )
    assert status == 429
    assert body["error"] == {
        "code": "RATE_LIMIT_EXCEEDED",
        "message": "Rate limit exceeded",
        "retryAfter": 45,
        "limit": 100,
        "resetAt": "2024-12-29T12:01:00Z",
    }
    BlueMarbleErrorResponse.model_validate(body)


def test_validation_details_become_a_field_map():
    problems = [
        {"field": "pricePerUnit", "message": "Input should be greater than 0"},
        {"field": "quantity", "message": "Input should be greater than 0"},
    ]
    _, body = BLUEMARBLE_STYLE.body(InvalidInput("Invalid listing parameters", problems), "r")
    assert body["error"]["details"] == {"pricePerUnit": "Must be greater than 0", "quantity": "Must be greater than 0"}


def rows(*entries):
    return [{"day": day, "island": island, "cents": cents, "units": units} for day, island, cents, units in entries]


def test_price_statistics_over_days_and_islands():
    history = rows(
        ("2024-12-22", "Aethermoor", 550, 300),
        ("2024-12-22", "Brinehold", 450, 50),
        ("2024-12-23", "Aethermoor", 575, 420),
        ("2024-12-24", "Aethermoor", 700, 10),
    )
    statistics, points = analytics.price_statistics(history, None)
    assert statistics == {
        "averagePrice": 5.59,  # (165000 + 22500 + 241500 + 7000) / 780 units
        "minPrice": 4.5,
        "maxPrice": 7.0,
        "medianPrice": 5.75,  # the 390th of 780 units sold at 5.75
        "totalVolume": 780,
    }
    assert points[0] == {"timestamp": "2024-12-22T00:00:00Z", "price": 5.36, "volume": 350}
    assert [point["volume"] for point in points] == [350, 420, 10]
    only, _ = analytics.price_statistics(history, "Brinehold")
    assert only["totalVolume"] == 50 and only["medianPrice"] == 4.5
    assert analytics.price_statistics([], None)[0]["averagePrice"] is None


def test_timeframes_end_today_and_the_previous_one_before_it():
    today = date(2024, 12, 29)
    assert analytics.days_of("7d", today) == ("2024-12-23", "2024-12-29")
    assert analytics.days_of("7d", today, offset_periods=1) == ("2024-12-16", "2024-12-22")
    assert analytics.days_of("90d", today)[0] == "2024-10-01"


def test_categories_fold_case_and_plurals():
    assert analytics.category_key("Resources") == analytics.category_key("resource") == "resource"
    assert analytics.category_key("Crafted Goods") == "crafted good"
    assert analytics.category_key(None) == analytics.ALL


def test_trends_rank_items_by_value_and_compare_with_the_previous_period():
    current = [
        {"itemId": "ore", "itemName": "Iron Ore", "category": "Resource", "units": 2500, "value": 1_437_500},
        {"itemId": "axe", "itemName": "Axe", "category": "Tool", "units": 10, "value": 50_000},
    ]
    previous = [{"itemId": "ore", "itemName": "Iron Ore", "category": "Resource", "units": 1000, "value": 546_000}]
    days = [{"sales": 30, "value": 1_487_500, "listings": 12}]
    data = analytics.trends("7d", days, current, previous)
    assert data["overview"] == {
        "totalListings": 12,
        "totalTransactions": 30,
        "totalVolume": 14875.0,
        "averageTransactionValue": 495.83,
    }
    assert [item["itemId"] for item in data["topItems"]] == ["ore", "axe"]
    assert data["topItems"][0]["averagePrice"] == 5.75 and data["topItems"][0]["priceChange"] == 5.3
    assert data["topItems"][1]["priceChange"] is None


def test_listing_price_history_averages_7_and_30_days():
    today = date(2024, 12, 29)
    days = [
        {"day": "2024-12-28", "units": 10, "value": 5_000, "sales": 2},
        {"day": "2024-12-10", "units": 30, "value": 30_000, "sales": 3},
    ]
    assert analytics.listing_price_history(days, today) == {"average7Day": 5.0, "average30Day": 8.75, "recentSales": 2}
