"""Market analytics: price history per item and market trends, from aggregates (never a scan of
transactions), cached per instance as the spec's caching strategy says."""

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from bluemarble_market import dependencies
from bluemarble_market.cache import TtlCache
from bluemarble_market.identity import READ, bluemarble_app, require
from bluemarble_market.logic import analytics
from bluemarble_market.logic.errors import item_not_found
from bluemarble_market.logic.islands import canonical_island
from bluemarble_market.models.analytics import PriceHistoryResponse, TrendsResponse
from bluemarble_market.models.common import OPTIONAL_ISLAND_PATTERN
from bluemarble_market.settings import get_bluemarble_settings
from shared.app import lambda_handler
from shared.auth import Principal
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/marketplace/analytics", dependencies=[Depends(no_unknown_query_parameters)])
_reads = TtlCache()
Timeframe = Annotated[Literal["7d", "30d", "90d"], Query()]


@router.get("/prices/{itemId}", response_model=PriceHistoryResponse, response_model_exclude_unset=True)
def price_history(
    itemId: str,  # noqa: N803 - the spec's name
    _caller: Principal = Depends(require(READ)),
    timeframe: Timeframe = "7d",
    island: Annotated[str | None, Query(max_length=40, json_schema_extra={"pattern": OPTIONAL_ISLAND_PATTERN})] = None,
) -> Any:
    item = dependencies.items().get(itemId)
    if item is None:
        raise item_not_found(itemId)
    island = canonical_island(island) if island and island.strip() else None
    today = datetime.now(UTC).date()
    first, last = analytics.days_of(timeframe, today)
    rows = _reads.get(
        ("prices", itemId, first, last),
        get_bluemarble_settings().analytics_cache_seconds,
        lambda: dependencies.analytics().price_rows(itemId, first, last),
        keep=bool,
    )
    statistics, points = analytics.price_statistics(rows, island)
    data = {
        "itemId": itemId,
        "itemName": item["name"],
        "timeframe": timeframe,
        "statistics": statistics,
        "pricePoints": points,
    }
    if island:
        data["island"] = island
    return {"success": True, "data": data}


@router.get("/trends", response_model=TrendsResponse, response_model_exclude_unset=True)
def trends(
    _caller: Principal = Depends(require(READ)),
    category: Annotated[str | None, Query(max_length=64)] = None,
    timeframe: Timeframe = "7d",
) -> Any:
    scope = analytics.category_key(category.strip() if category else None)
    today = datetime.now(UTC).date()

    def load() -> dict[str, Any]:
        first, last = analytics.days_of(timeframe, today)
        earlier_first, earlier_last = analytics.days_of(timeframe, today, offset_periods=1)
        repository = dependencies.analytics()
        return analytics.trends(
            timeframe,
            repository.trend_days(scope, first, last),
            repository.trend_items(scope, first, last),
            repository.trend_items(scope, earlier_first, earlier_last),
        )

    data = _reads.get(
        ("trends", scope, timeframe, today),
        12 * get_bluemarble_settings().analytics_cache_seconds,
        load,
        keep=lambda found: found["overview"]["totalTransactions"] > 0,
    )
    if category and category.strip():
        data = {**data, "category": category.strip()}
    return {"success": True, "data": data}


app = bluemarble_app(router)
handler = lambda_handler(app)
