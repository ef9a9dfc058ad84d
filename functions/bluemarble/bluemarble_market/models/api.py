"""Request and response bodies exactly as the spec writes them (camelCase), plus this stack's own
routes (auth, players, game servers). Responses are ``{"success": true, "data": ...}``.

Money fields are JSON numbers with at most two decimal places; requests may also send them as
strings (``"5.50"``). Quantities are whole numbers (``5``, not ``5.0`` or ``"5"``).
"""

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, StrictFloat, StrictInt, field_validator

from bluemarble_market.logic.money import MAX_GRANT, MAX_PRICE, MAX_QUANTITY
from shared.identity import is_valid_email, normalise_email
from shared.storable import check_storable

Quantity = Annotated[int, Strict(), Field(gt=0, le=MAX_QUANTITY)]
Price = Annotated[Decimal, Field(gt=0, le=MAX_PRICE, decimal_places=2, allow_inf_nan=False)]
Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Money = float


class StrictBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# -- auth ------------------------------------------------------------------------------------------


class RegisterRequest(StrictBody):
    email: str = Field(min_length=3, max_length=254, json_schema_extra={"format": "email"})
    password: str = Field(min_length=8, max_length=128)
    displayName: str | None = Field(default=None, min_length=1, max_length=40)
    homeIsland: str | None = Field(default=None, max_length=40)

    @field_validator("email")
    @classmethod
    def valid_email(cls, value: str) -> str:
        if not is_valid_email(value):
            raise ValueError("must be a valid email address")
        return normalise_email(value)


class LoginRequest(StrictBody):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=128)


class RefreshRequest(StrictBody):
    refreshToken: str = Field(min_length=1, max_length=256)


class ClientCredentialsRequest(StrictBody):
    clientId: str = Field(min_length=1, max_length=64)
    clientSecret: str = Field(min_length=1, max_length=256)


class PlayerSummary(BaseModel):
    id: str
    name: str
    homeIsland: str | None = None
    userType: str


class TokenData(BaseModel):
    accessToken: str
    tokenType: Literal["Bearer"] = "Bearer"
    expiresIn: int
    refreshToken: str | None = None
    permissions: list[str]
    player: PlayerSummary


class TokenResponse(BaseModel):
    success: Literal[True] = True
    data: TokenData


class MessageResponse(BaseModel):
    success: Literal[True] = True
    message: str


# -- listings --------------------------------------------------------------------------------------


class CreateListingRequest(StrictBody):
    itemId: Identifier
    quantity: Quantity
    pricePerUnit: Price
    duration: str = Field(default="7d", max_length=8)
    island: str | None = Field(default=None, max_length=40)


class UpdateListingRequest(StrictBody):
    pricePerUnit: Price | None = None
    quantity: Quantity | None = None


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


class Pagination(BaseModel):
    page: int | None = None
    limit: int
    total: int
    pages: int
    hasMore: bool
    nextCursor: str | None = None


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


class ItemDetail(BaseModel):
    id: str
    name: str
    type: str
    description: str
    quality: str | None = None
    attributes: dict[str, Any]


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


# -- transactions ------------------------------------------------------------------------------------


class PurchaseRequest(StrictBody):
    listingId: Identifier
    quantity: Quantity


class Purchase(BaseModel):
    transactionId: str
    listingId: str
    buyerId: str
    sellerId: str
    itemId: str
    itemName: str
    quantity: int
    pricePerUnit: Money
    totalPrice: Money
    marketplaceFee: Money
    transportCost: Money
    finalCost: Money
    fromIsland: str
    toIsland: str
    status: Literal["PENDING", "COMPLETED", "FAILED", "REFUNDED"]
    createdAt: str
    completedAt: str | None = None
    estimatedDeliveryAt: str | None = None
    refundedAt: str | None = None
    failureReason: str | None = None


class PurchaseResponse(BaseModel):
    success: Literal[True] = True
    data: Purchase


class HistoryLine(BaseModel):
    id: str
    type: Literal["buy", "sell"]
    itemName: str
    quantity: int
    totalPrice: Money
    otherParty: str
    status: Literal["PENDING", "COMPLETED", "FAILED", "REFUNDED"]
    createdAt: str
    completedAt: str | None = None


class HistoryPage(BaseModel):
    transactions: list[HistoryLine]
    pagination: Pagination


class HistoryResponse(BaseModel):
    success: Literal[True] = True
    data: HistoryPage


# -- analytics ---------------------------------------------------------------------------------------


class PriceStatistics(BaseModel):
    averagePrice: Money | None
    minPrice: Money | None
    maxPrice: Money | None
    medianPrice: Money | None
    totalVolume: int


class PricePoint(BaseModel):
    timestamp: str
    price: Money
    volume: int


class PriceHistory(BaseModel):
    itemId: str
    itemName: str
    timeframe: str
    island: str | None = None
    statistics: PriceStatistics
    pricePoints: list[PricePoint]


class PriceHistoryResponse(BaseModel):
    success: Literal[True] = True
    data: PriceHistory


class TrendOverview(BaseModel):
    totalListings: int
    totalTransactions: int
    totalVolume: Money
    averageTransactionValue: Money


class TopItem(BaseModel):
    itemId: str
    itemName: str | None
    category: str | None
    averagePrice: Money
    volume: int
    priceChange: float | None


class Trends(BaseModel):
    timeframe: str
    category: str | None = None
    overview: TrendOverview
    topItems: list[TopItem]


class TrendsResponse(BaseModel):
    success: Literal[True] = True
    data: Trends


# -- reputation ----------------------------------------------------------------------------------------


class RateRequest(StrictBody):
    transactionId: Identifier
    rating: StrictInt | StrictFloat
    comment: str | None = Field(default=None, max_length=1000)


class Reputation(BaseModel):
    rating: float
    totalRatings: int
    totalTransactions: int
    completedTransactions: int
    failedTransactions: int
    trustScore: float
    memberSince: str | None
    badges: list[str]


class Review(BaseModel):
    rating: int
    comment: str | None = None
    createdAt: str


class SellerReputation(BaseModel):
    sellerId: str
    reputation: Reputation
    recentReviews: list[Review]


class ReputationResponse(BaseModel):
    success: Literal[True] = True
    data: SellerReputation


# -- players --------------------------------------------------------------------------------------------


class Profile(BaseModel):
    id: str
    name: str
    email: str
    homeIsland: str
    userType: str
    memberSince: str


class ProfileResponse(BaseModel):
    success: Literal[True] = True
    data: Profile


class WalletEntry(BaseModel):
    transactionId: str
    amount: Money
    balanceAfter: Money | None
    description: str
    kind: str | None
    createdAt: str


class Wallet(BaseModel):
    balance: Money
    currency: str
    entries: list[WalletEntry]
    nextCursor: str | None
    hasMore: bool


class WalletResponse(BaseModel):
    success: Literal[True] = True
    data: Wallet


class HeldItem(BaseModel):
    itemId: str
    itemName: str | None
    itemType: str | None
    quantity: int


class IslandInventory(BaseModel):
    island: str
    items: list[HeldItem]
    capacity: int
    used: int
    free: int


class Inventory(BaseModel):
    playerId: str
    islands: list[IslandInventory]


class InventoryResponse(BaseModel):
    success: Literal[True] = True
    data: Inventory


class Notification(BaseModel):
    id: str
    type: str
    data: dict[str, Any]
    createdAt: str


class NotificationsResponse(BaseModel):
    success: Literal[True] = True
    data: list[Notification]


# -- game servers -------------------------------------------------------------------------------------------


class GrantLine(StrictBody):
    itemId: Identifier
    island: str = Field(min_length=1, max_length=40)
    quantity: Quantity


class GrantRequest(StrictBody):
    playerId: Identifier
    grantId: Identifier | None = None
    coin: Annotated[Decimal, Field(ge=0, le=MAX_GRANT, decimal_places=2, allow_inf_nan=False)] | None = None
    items: list[GrantLine] = Field(default_factory=list, max_length=20)
    reason: str = Field(min_length=1, max_length=200)


class Grant(BaseModel):
    grantId: str
    playerId: str
    coin: Money
    items: list[dict[str, Any]]
    reason: str
    createdAt: str


class GrantResponse(BaseModel):
    success: Literal[True] = True
    data: Grant


class ItemDefinitionRequest(StrictBody):
    name: str = Field(min_length=1, max_length=80)
    type: str = Field(min_length=1, max_length=40)
    description: str = Field(default="", max_length=500)
    quality: str | None = Field(default=None, max_length=40)
    attributes: dict[str, Any] = Field(default_factory=dict)

    @field_validator("attributes")
    @classmethod
    def storable(cls, value: dict[str, Any]) -> dict[str, Any]:
        check_storable(value, "attributes", max_bytes=8 * 1024)
        return value


class ItemDefinitionResponse(BaseModel):
    success: Literal[True] = True
    data: ItemDetail


class MembershipRequest(StrictBody):
    userType: Literal["standard", "premium"]


class Membership(BaseModel):
    playerId: str
    userType: str


class MembershipResponse(BaseModel):
    success: Literal[True] = True
    data: Membership


class RouteStatusRequest(StrictBody):
    status: Literal["open", "closed"]
    reason: str | None = Field(default=None, max_length=200)


class RouteStatus(BaseModel):
    islands: list[str]
    status: str
    reason: str | None = None
    updatedAt: str


class RouteStatusResponse(BaseModel):
    success: Literal[True] = True
    data: RouteStatus
