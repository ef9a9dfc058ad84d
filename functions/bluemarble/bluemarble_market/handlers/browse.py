"""Browsing: the spec's ``GET /listings`` (search) and ``GET /listings/{id}`` (detail), and one's
favourites. Read-only (bar the view counter), over a warm in-memory copy of the active listings.

Bad parameters are a 400 ``INVALID_REQUEST`` naming each one; an empty value (``?island=``, as
forms send) means "not given".
"""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import WithJsonSchema

from bluemarble_market import dependencies
from bluemarble_market.cache import TtlCache
from bluemarble_market.identity import READ, bluemarble_app, require
from bluemarble_market.logic import browse
from bluemarble_market.logic.analytics import days_of
from bluemarble_market.logic.errors import cursor_not_issued, field_error
from bluemarble_market.logic.listings import STATUSES, listing_view
from bluemarble_market.logic.money import MAX_PRICE, to_cents
from bluemarble_market.logic.search import SORTS
from bluemarble_market.logic.search import Query as SearchQuery
from bluemarble_market.models.common import CURSOR_PATTERN, amount, amount_schema, decimal_pattern
from bluemarble_market.models.listings import FavoritesResponse, ListingDetailResponse, ListingPageResponse
from bluemarble_market.settings import get_bluemarble_settings
from shared.app import lambda_handler
from shared.auth import Principal
from shared.errors import InvalidInput
from shared.pagination import decode_cursor, encode_cursor
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/marketplace", dependencies=[Depends(no_unknown_query_parameters)])
_reads = TtlCache()

# An amount from 0 up to the price cap, at most two decimals: the document states it as the server
# reads it (a number, or plain digits), so 0.001 or 1e2 are refused by both.
PriceParam = Annotated[
    Decimal | None,
    Query(ge=0, le=MAX_PRICE, allow_inf_nan=False),
    amount(decimal_pattern(MAX_PRICE, positive=False)),
    WithJsonSchema(amount_schema(MAX_PRICE, positive=False)),
]
Text = Annotated[str | None, Query(max_length=64)]


def _cents(value: Decimal | None, name: str) -> int | None:
    if value is None:
        return None
    try:
        return to_cents(value)
    except InvalidInput as error:
        raise field_error(name, "Must have at most 2 decimal places") from error


def _given(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


@router.get("/listings", response_model=ListingPageResponse, response_model_exclude_unset=True)
def list_listings(
    caller: Principal = Depends(require(READ)),
    category: Text = None,
    minPrice: PriceParam = None,  # noqa: N803 - the spec's names
    maxPrice: PriceParam = None,  # noqa: N803
    island: Text = None,
    sellerId: Text = None,  # noqa: N803
    status: Annotated[Literal["ACTIVE", "SOLD", "EXPIRED", "CANCELLED"], Query()] = "ACTIVE",
    sort: Annotated[Literal["newest", "price_asc", "price_desc", "ending_soon"], Query()] = "newest",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=512, pattern=CURSOR_PATTERN)] = None,
) -> Any:
    low, high = _cents(minPrice, "minPrice"), _cents(maxPrice, "maxPrice")
    # minPrice above maxPrice is a range no listing is in: an empty page, as JIGA's search answers
    query = SearchQuery(
        category=_given(category),
        island=_given(island),
        seller_id=_given(sellerId),
        min_cents=low,
        max_cents=high,
        sort=sort,
        page=page,
        limit=limit,
        cursor=_given(cursor),
    )
    assert sort in SORTS and status in STATUSES
    index = dependencies.catalogue().current() if status == "ACTIVE" else None
    found = browse.search(index, dependencies.listings(), query, status, caller.user_id, datetime.now(UTC))
    # Already in the response model's shape (unit tests hold it to ListingPageResponse); returned as
    # is, so up to 100 listings are not validated a second time on every search.
    return JSONResponse({"success": True, "data": found})


@router.get("/listings/{id}", response_model=ListingDetailResponse, response_model_exclude_unset=True)
def get_listing(id: str, caller: Principal = Depends(require(READ))) -> Any:
    now = datetime.now(UTC)
    listing = dependencies.listings().count_view(id)
    seconds = get_bluemarble_settings().analytics_cache_seconds
    counters = _reads.get(
        ("reputation", listing["sellerId"]),
        2 * seconds,
        lambda: dependencies.purchases().reputation(listing["sellerId"]),
    )
    first, last = days_of("30d", now.date())
    item_days = _reads.get(
        ("itemdays", listing["itemId"], last),
        seconds,
        lambda: dependencies.analytics().item_days(listing["itemId"], first, last),
        keep=bool,
    )
    favourite = dependencies.listings().is_favourite(id, caller.user_id)
    detail = browse.listing_detail(
        listing, dependencies.items().get(listing["itemId"]), counters, item_days, favourite, now
    )
    return {"success": True, "data": detail}


@router.get("/favorites", response_model=FavoritesResponse, response_model_exclude_unset=True)
def favourites(
    caller: Principal = Depends(require(READ)),
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=512, pattern=CURSOR_PATTERN)] = None,
) -> Any:
    """The caller's favourite listings, newest favourite first (cursor-paged)."""
    start = None
    if cursor:
        try:
            start = decode_cursor(cursor)
        except InvalidInput as error:
            raise cursor_not_issued() from error
        if start.get("gsi2pk") != {"S": f"FAVS#{caller.user_id}"}:
            raise cursor_not_issued()
    listing_ids, last = dependencies.listings().favourites_of(caller.user_id, limit, start)
    found = dependencies.listings().many(listing_ids)
    now = datetime.now(UTC)
    return {
        "success": True,
        "data": {
            "listings": [listing_view(found[i], now) for i in listing_ids if i in found],
            "nextCursor": encode_cursor(last) if last else None,
            "hasMore": last is not None,
        },
    }


app = bluemarble_app(router)
handler = lambda_handler(app)
