"""Bodies of the listing routes (create, edit, search, detail, favourites), as the spec writes them."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bluemarble_market.models.common import (
    OPTIONAL_ISLAND_PATTERN,
    WS,
    Identifier,
    ItemDetail,
    ListingSummary,
    Money,
    Pagination,
    Price,
    Quantity,
    StrictBody,
)

# 1-720 hours or 1-30 days, any case, as logic/listings.parse_duration reads it.
DURATION_PATTERN = rf"^[{WS}]*(([1-9]|[1-9][0-9]|[1-6][0-9]{{2}}|7[01][0-9]|720)[hH]|([1-9]|[12][0-9]|30)[dD])[{WS}]*$"


class CreateListingRequest(StrictBody):
    itemId: Identifier
    quantity: Quantity
    pricePerUnit: Price
    duration: str = Field(default="7d", max_length=8, json_schema_extra={"pattern": DURATION_PATTERN})
    island: str | None = Field(default=None, max_length=40, json_schema_extra={"pattern": OPTIONAL_ISLAND_PATTERN})


class UpdateListingRequest(StrictBody):
    # an edit changes the price, the quantity or both (a null is "no change")
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["pricePerUnit"], "properties": {"pricePerUnit": {"not": {"type": "null"}}}},
                {"required": ["quantity"], "properties": {"quantity": {"not": {"type": "null"}}}},
            ]
        }
    )

    pricePerUnit: Price | None = None
    quantity: Quantity | None = None


class ListingPage(BaseModel):
    listings: list[ListingSummary]
    pagination: Pagination


class ListingPageResponse(BaseModel):
    success: Literal[True] = True
    data: ListingPage


class ListingResponse(BaseModel):
    success: Literal[True] = True
    data: ListingSummary


class SellerReputationBrief(BaseModel):
    rating: float
    totalTransactions: int
    completedTransactions: int


class SellerBrief(BaseModel):
    id: str
    name: str
    reputation: SellerReputationBrief


class ListingPriceHistory(BaseModel):
    average7Day: Money | None
    average30Day: Money | None
    recentSales: int


class ListingDetail(BaseModel):
    id: str
    sellerId: str
    seller: SellerBrief
    item: ItemDetail
    quantity: int
    pricePerUnit: Money
    totalPrice: Money
    listingFee: Money
    island: str
    expiresAt: str
    createdAt: str
    updatedAt: str | None = None
    status: Literal["ACTIVE", "SOLD", "EXPIRED", "CANCELLED"]
    views: int
    favorites: int
    isFavorite: bool
    priceHistory: ListingPriceHistory


class ListingDetailResponse(BaseModel):
    success: Literal[True] = True
    data: ListingDetail


class ListingUpdate(BaseModel):
    id: str
    pricePerUnit: Money
    quantity: int
    totalPrice: Money
    listingFee: Money
    updatedAt: str


class ListingUpdateResponse(BaseModel):
    success: Literal[True] = True
    data: ListingUpdate


class Favorite(BaseModel):
    listingId: str
    favorited: bool
    favorites: int


class FavoriteResponse(BaseModel):
    success: Literal[True] = True
    data: Favorite


class FavoritesPage(BaseModel):
    listings: list[ListingSummary]
    nextCursor: str | None = None
    hasMore: bool


class FavoritesResponse(BaseModel):
    success: Literal[True] = True
    data: FavoritesPage
