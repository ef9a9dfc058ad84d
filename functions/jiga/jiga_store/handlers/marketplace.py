"""Marketplace endpoint group: search, and a listing's reviews (hire has its own function).

Search is public: anyone may browse the catalogue without a token, as on every storefront (and
as the spec's k6 load test does). A token that is sent must be valid (401 otherwise). Anonymous
callers are rate-limited by source IP, signed-in callers by user.

Array parameters may be repeated (``?game=a&game=b``), comma-separated (``?game=a,b``) or
written with brackets (``?game[]=a``, as qs/axios send them). Bad parameters are a 400
``INVALID_INPUT`` listing each problem.
"""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.datastructures import QueryParams

from jiga_store import dependencies
from jiga_store.identity import jiga_app
from jiga_store.logic import marketplace as logic
from jiga_store.logic.reviews import listing_reviews
from jiga_store.models.common import CURSOR_PATTERN
from jiga_store.models.reviews import ListingReviews
from jiga_store.models.search import SEARCH_LIST_FIELDS, SearchParams, SearchResponse, search_parameters
from jiga_store.settings import get_jiga_settings
from shared.app import lambda_handler
from shared.auth import Principal, optional_principal
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/v1/marketplace", dependencies=[Depends(no_unknown_query_parameters)])


def search_params(query: QueryParams) -> SearchParams:
    raw: dict[str, Any] = {}
    for name in SearchParams.model_fields:
        if name in SEARCH_LIST_FIELDS:
            values = query.getlist(name) + query.getlist(f"{name}[]")
            if values:
                raw[name] = values
        elif query.get(name):  # an empty value (``?minPrice=``, as forms send) means "not given"
            raw[name] = query[name]
    try:
        return SearchParams.model_validate(raw)
    except ValidationError as error:
        # Rendered by the app's one validation handler: 400 INVALID_INPUT with field details.
        raise RequestValidationError(error.errors(include_url=False, include_context=False)) from error


@router.get("/search", response_model=SearchResponse, openapi_extra={"parameters": search_parameters()})
def search(request: Request, caller: Principal | None = Depends(optional_principal)) -> Any:
    # ``caller`` is None for anonymous visitors; the dependency refuses an invalid token.
    params = search_params(request.query_params)
    found = logic.search_marketplace(
        dependencies.catalogue(), params, datetime.now(UTC), get_jiga_settings().asset_base_url
    )
    # Already in the response model's shape (a unit test holds it to SearchResponse); returned
    # as is, so up to 100 results are not validated a second time on every search.
    return JSONResponse(found)


@router.get("/{listingId}/reviews", response_model=ListingReviews)
def reviews(
    listingId: str,  # noqa: N803 - spec style
    caller: Principal | None = Depends(optional_principal),
    limit: int = Query(default=20, ge=1, le=100),
    cursor: str | None = Query(default=None, max_length=2048, pattern=CURSOR_PATTERN),
) -> Any:
    """A listing's rating and its reviews, newest first (public, like search)."""
    return listing_reviews(dependencies.review_store(), listingId, limit, cursor)


app = jiga_app(router)
handler = lambda_handler(app)
