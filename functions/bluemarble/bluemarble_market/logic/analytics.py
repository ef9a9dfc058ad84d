"""Market analytics: price history and trends, from aggregates kept as sales complete.

Nothing here reads transactions. The change consumer (``handlers/changes.py``, on the table's
stream) adds each completed sale once to a few daily aggregates (``dal/analytics.py``): units sold
per item, day, island and price (a histogram: average, min, max and median come from it exactly),
units and value per item and day, and per category and day. A read sums at most one item per
day (per island and price for the histogram) over the timeframe.

Decisions the spec leaves open, named here:

* A sale counts on the day (UTC) it completed, at the island it was listed on, at its unit price.
  ``averagePrice`` is volume-weighted (value / units), ``medianPrice`` the unit price of the median
  unit sold, ``totalVolume`` units. A price point per day with sales: the day's average price and
  units. ``timeframe`` ``7d`` means today and the 6 days before (UTC).
* Trends: ``totalListings`` counts listings created in the timeframe, ``totalTransactions`` sales
  completed, ``totalVolume`` their value in coin, ``averageTransactionValue`` value / sales. Top
  items (at most 10) rank by value traded; their ``volume`` is units, ``priceChange`` the percent
  change of their average price against the previous timeframe of the same length (null when
  they had no sales then). ``category`` matches item types ignoring case and a plural ``s``.
* Caches as the spec's performance section lists: price history 5 minutes, trends 1 hour, per
  function instance (``AnalyticsCacheSeconds`` sets the first; trends keep 12 times it). An answer
  without sales is not kept, so an item's first sale shows as soon as the stream has counted it
  (within the consumer's 5-second batching window).
"""

from datetime import date, datetime, timedelta
from typing import Any

from bluemarble_market.logic.money import as_number

TIMEFRAMES = {"7d": 7, "30d": 30, "90d": 90}
ALL = "*"
TOP_ITEMS = 10


def category_key(name: str | None) -> str:
    """``Resources``, ``resource`` and ``Resource`` are one category."""
    if not name:
        return ALL
    folded = " ".join(name.casefold().split())
    return folded[:-1] if folded.endswith("s") and len(folded) > 3 else folded


def days_of(timeframe: str, today: date, offset_periods: int = 0) -> tuple[str, str]:
    """First and last day (ISO) of a timeframe ending today, or ``offset_periods`` earlier."""
    length = TIMEFRAMES[timeframe]
    last = today - timedelta(days=length * offset_periods)
    return (last - timedelta(days=length - 1)).isoformat(), last.isoformat()


def price_statistics(rows: list[dict[str, Any]], island: str | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Statistics and daily points from histogram rows (``day``, ``island``, ``cents``, ``units``)."""
    chosen = [row for row in rows if island is None or row["island"] == island]
    units = sum(row["units"] for row in chosen)
    value = sum(row["units"] * row["cents"] for row in chosen)
    if not units:
        empty = {"averagePrice": None, "minPrice": None, "maxPrice": None, "medianPrice": None, "totalVolume": 0}
        return empty, []
    by_price = sorted(chosen, key=lambda row: row["cents"])
    middle = (units + 1) // 2
    seen, median = 0, by_price[-1]["cents"]
    for row in by_price:
        seen += row["units"]
        if seen >= middle:
            median = row["cents"]
            break
    statistics = {
        "averagePrice": as_number(_average(value, units)),
        "minPrice": as_number(by_price[0]["cents"]),
        "maxPrice": as_number(by_price[-1]["cents"]),
        "medianPrice": as_number(median),
        "totalVolume": units,
    }
    per_day: dict[str, list[int]] = {}
    for row in chosen:
        day = per_day.setdefault(row["day"], [0, 0])
        day[0] += row["units"]
        day[1] += row["units"] * row["cents"]
    points = [
        {"timestamp": f"{day}T00:00:00Z", "price": as_number(_average(day_value, day_units)), "volume": day_units}
        for day, (day_units, day_value) in sorted(per_day.items())
    ]
    return statistics, points


def _average(value: int, units: int) -> int:
    """Value per unit in cents, half up."""
    return (2 * value + units) // (2 * units)


def listing_price_history(days: list[dict[str, Any]], today: date) -> dict[str, Any]:
    """``average7Day``, ``average30Day`` and ``recentSales`` (sales in 7 days) from ITEMDAY rows."""
    week_start = (today - timedelta(days=6)).isoformat()
    week = [row for row in days if row["day"] >= week_start]
    return {
        "average7Day": _day_average(week),
        "average30Day": _day_average(days),
        "recentSales": sum(int(row.get("sales", 0)) for row in week),
    }


def _day_average(rows: list[dict[str, Any]]) -> float | None:
    units = sum(int(row.get("units", 0)) for row in rows)
    value = sum(int(row.get("value", 0)) for row in rows)
    return as_number(_average(value, units)) if units else None


def trends(
    timeframe: str,
    day_totals: list[dict[str, Any]],
    current_items: list[dict[str, Any]],
    previous_items: list[dict[str, Any]],
) -> dict[str, Any]:
    sales = sum(int(row.get("sales", 0)) for row in day_totals)
    value = sum(int(row.get("value", 0)) for row in day_totals)
    listings = sum(int(row.get("listings", 0)) for row in day_totals)
    current = _per_item(current_items)
    previous = _per_item(previous_items)
    ranked = sorted(current.values(), key=lambda item: (-item["value"], item["itemId"]))[:TOP_ITEMS]
    top = []
    for item in ranked:
        average = _average(item["value"], item["units"])
        before = previous.get(item["itemId"])
        change = None
        if before and before["units"]:
            earlier = _average(before["value"], before["units"])
            change = round((average - earlier) * 100 / earlier, 1) if earlier else None
        top.append(
            {
                "itemId": item["itemId"],
                "itemName": item["itemName"],
                "category": item["category"],
                "averagePrice": as_number(average),
                "volume": item["units"],
                "priceChange": change,
            }
        )
    return {
        "timeframe": timeframe,
        "overview": {
            "totalListings": listings,
            "totalTransactions": sales,
            "totalVolume": as_number(value),
            "averageTransactionValue": as_number(_average(value, sales)) if sales else 0.0,
        },
        "topItems": top,
    }


def _per_item(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    items: dict[str, dict[str, Any]] = {}
    for row in rows:
        item = items.setdefault(
            row["itemId"],
            {
                "itemId": row["itemId"],
                "itemName": row.get("itemName"),
                "category": row.get("category"),
                "units": 0,
                "value": 0,
            },
        )
        item["units"] += int(row.get("units", 0))
        item["value"] += int(row.get("value", 0))
    return items


def sale_day(completed_at: str) -> str:
    return datetime.fromisoformat(completed_at.replace("Z", "+00:00")).date().isoformat()
