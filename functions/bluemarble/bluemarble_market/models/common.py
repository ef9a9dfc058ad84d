"""What several endpoint groups share: strict request bodies, money and id types, pagination, a listing."""

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict

from bluemarble_market.logic.money import MAX_PRICE, MAX_QUANTITY

Quantity = Annotated[int, Strict(), Field(gt=0, le=MAX_QUANTITY)]
Price = Annotated[Decimal, Field(gt=0, le=MAX_PRICE, decimal_places=2, allow_inf_nan=False)]
Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Money = float


class StrictBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MessageResponse(BaseModel):
    success: Literal[True] = True
    message: str


class Pagination(BaseModel):
    page: int | None = None
    limit: int
    total: int
    pages: int
    hasMore: bool
    nextCursor: str | None = None


class ListingSummary(BaseModel):
    id: str
    sellerId: str
    sellerName: str
    itemId: str
    itemName: str
    itemType: str
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


class ItemDetail(BaseModel):
    id: str
    name: str
    type: str
    description: str
    quality: str | None = None
    attributes: dict[str, Any]
