"""Request and response models exactly as jiga-store.md spells them."""

import re
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

Rank = Literal["Bronze", "Silver", "Gold", "Platinum"]
AgentType = Literal["Assistant", "Mentor", "Specialist"]
Provider = Literal["gemini", "google", "openai"]
ToolId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
DofAmount = Annotated[int, Field(gt=0, le=1_000_000_000)]
ALLOWED_CATEGORIES = (
    "Gaming",
    "Mentors",
    "Assistants",
    "Specialists",
    "Coaching",
    "Esports",
    "Casual",
    "Competitive",
    "Streaming",
    "Education",
)
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class SpecModel(BaseModel):
    """Request bodies as the spec types them: strict, so ``"hasMemory": 0`` or ``"amount": "5"``
    is a 400 rather than silently coerced; unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True)


class Features(SpecModel):
    hasVoiceChat: bool
    hasCommentator: bool
    hasMemory: bool


class Specialization(SpecModel):
    games: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]] = Field(
        min_length=1, max_length=20
    )
    focus: str = Field(min_length=1, max_length=200)
    specialistType: Literal["Trained", "Experience"]


class CreateAgentRequest(SpecModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=50)]
    rank: Rank
    type: AgentType
    provider: Provider
    nationality: str = Field(min_length=2, max_length=50)
    language: str = Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$", description="ISO 639-1, optionally with region")
    voiceId: str = Field(min_length=1, max_length=64)
    features: Features
    toolkit: list[ToolId] = Field(max_length=20)
    specialization: Specialization | None = None

    @model_validator(mode="after")
    def specialists_need_a_specialization(self) -> "CreateAgentRequest":
        if self.type == "Specialist" and self.specialization is None:
            raise ValueError("specialization is required for Specialist agents")
        if len(set(self.toolkit)) != len(self.toolkit):
            raise ValueError("toolkit must not repeat a tool")
        return self


class MarketplaceStatus(BaseModel):
    isPublished: bool
    isHirable: bool


class AgentResponse(BaseModel):
    id: str
    ownerId: str
    name: str
    rank: str
    type: str
    imageUrl: str
    configuration: dict[str, Any]
    marketplaceStatus: MarketplaceStatus
    createdAt: str
    updatedAt: str


class TeamMessaging(SpecModel):
    enabled: bool
    propagation_mode: Literal["real_time", "broadcast", "targeted"]


class ConfigurationOptions(BaseModel):
    """The runtime options of an agent, each optional (a session's overrides); unknown keys are
    kept ("... other configuration options") once they pass ``check_storable``.

    Strict, like the spec bodies: ``"yes"``, ``1`` or ``"false"`` for a boolean and ``"5"`` for a
    number are wrong types (400), never converted; an int is a number (``5`` for ``target_fps``)."""

    model_config = ConfigDict(extra="allow", strict=True)

    high_speed_vision: bool | None = None
    high_speed_mode: Literal["ultra_fast", "balanced", "quality_focused"] | None = None
    target_fps: float | None = Field(default=None, ge=1.0, le=10.0)
    analysis_interval: float | None = Field(default=None, ge=0.1, le=2.0)
    max_concurrent_analyses: int | None = Field(default=None, ge=1, le=20)
    voice_enabled: bool | None = None
    selected_voice_name: str | None = Field(default=None, min_length=1, max_length=64)
    team_messaging: TeamMessaging | None = None


class AgentConfiguration(ConfigurationOptions):
    """``PUT /agents/{id}/config``: the spec makes ``high_speed_vision`` the one required option."""

    high_speed_vision: bool


class UpdateConfigResponse(BaseModel):
    agentId: str
    configuration: dict[str, Any]
    validationWarnings: list[str]
    updatedAt: str


class DayHours(SpecModel):
    start: str
    end: str

    @model_validator(mode="after")
    def clock_times(self) -> "DayHours":
        if not _CLOCK.match(self.start) or not _CLOCK.match(self.end):
            raise ValueError("start and end must be HH:MM (24-hour)")
        if self.start == self.end:
            raise ValueError("start and end must differ")
        return self


class Availability(SpecModel):
    schedule: Literal["always", "scheduled"]
    hours: dict[Literal[DAYS], DayHours] | None = None  # type: ignore[valid-type]
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def iana_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError("must be an IANA timezone such as Europe/Paris") from error
        return value

    @model_validator(mode="after")
    def scheduled_needs_hours(self) -> "Availability":
        if self.schedule == "scheduled" and not self.hours:
            raise ValueError("hours are required when schedule is 'scheduled'")
        return self


class Pricing(SpecModel):
    hourly: int
    daily: int
    weekly: int


class Listing(SpecModel):
    title: str = Field(min_length=1, max_length=100)
    description: str = Field(min_length=1, max_length=1000)
    tags: list[Tag] = Field(default_factory=list, max_length=10)
    category: list[Literal[ALLOWED_CATEGORIES]] = Field(min_length=1, max_length=5)  # type: ignore[valid-type]
    pricing: Pricing
    availability: Availability = Field(default_factory=lambda: Availability(schedule="always"))


class PublishRequest(SpecModel):
    listing: Listing


class PublishResponse(BaseModel):
    agentId: str
    listingId: str
    marketplaceUrl: str
    status: Literal["active", "pending_review"]
    publishedAt: str


class GrantRequest(SpecModel):
    userId: str = Field(min_length=1, max_length=64)
    amount: DofAmount
    reason: str = Field(min_length=1, max_length=200)


class GrantResponse(BaseModel):
    transactionId: str
    userId: str
    amount: int
    newBalance: int
    createdAt: str


class WalletEntry(BaseModel):
    transactionId: str
    amount: int
    balanceBefore: int | None = None
    balanceAfter: int | None = None
    description: str
    kind: str | None = None
    createdAt: str


class WalletPagination(BaseModel):
    limit: int
    nextCursor: str | None
    hasMore: bool


class WalletResponse(BaseModel):
    userId: str
    balance: int
    currency: Literal["DOF"] = "DOF"
    history: list[WalletEntry]
    pagination: WalletPagination


class HireConfiguration(SpecModel):
    """Session-specific overrides a hirer may set ("limited configuration options")."""

    high_speed_vision: bool | None = None
    voice_enabled: bool | None = None


class HireRequest(SpecModel):
    dofAllocation: DofAmount
    startTime: str | None = Field(default=None, max_length=40)
    configuration: HireConfiguration | None = None
    message: str | None = Field(default=None, max_length=500)


class HireContract(BaseModel):
    dofAllocated: int
    estimatedHours: float
    baseRate: int
    startedAt: str


class Distribution(BaseModel):
    owner: int
    platform: int
    creator: int


class HireTransaction(BaseModel):
    id: str
    status: Literal["completed"]
    dofAmount: int
    distribution: Distribution


class HireResponse(BaseModel):
    sessionId: str
    agentId: str
    contract: HireContract
    transaction: HireTransaction
    accessToken: str
    sessionUrl: str


class StartSessionRequest(SpecModel):
    agentId: str = Field(min_length=1, max_length=64)
    type: Literal["owned", "hired", "trial"]
    hireSessionId: str | None = Field(default=None, max_length=64)
    configuration: dict[str, Any] | None = None


class SessionConnection(BaseModel):
    websocketUrl: str
    token: str
    protocols: list[str]


class SessionDofs(BaseModel):
    allocated: int
    consumed: int
    remaining: int


class StartSessionResponse(BaseModel):
    sessionId: str
    agentId: str
    type: str
    status: Literal["active"]
    connection: SessionConnection
    dof: SessionDofs
    expiresAt: str


class SessionResponse(BaseModel):
    sessionId: str
    agentId: str
    type: str
    status: str
    dof: SessionDofs
    rate: int
    startedAt: str
    expiresAt: str
    listingId: str | None = None
    endedReason: str | None = None
    endedAt: str | None = None
    settlement: dict[str, Any] | None = None


# -- marketplace search ------------------------------------------------------------------------

SortBy = Literal["relevance", "price_asc", "price_desc", "rating", "popular"]
SEARCH_LIST_FIELDS = ("game", "rank", "type", "specialization")
_CANONICAL = {value.lower(): value for value in (*Rank.__args__, *AgentType.__args__)}  # type: ignore[attr-defined]
SearchValue = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


def _split_values(raw: Any, keep_whole: bool) -> list[str]:
    """Repeated parameters and comma-separated values both give lists (``?game=a&game=b,c``).

    For free-text values (games, specializations) the unsplit value is kept as one more
    alternative, so a game whose name holds a comma ("Warhammer 40,000") still matches.
    """
    values = raw if isinstance(raw, list) else [raw]
    found: list[str] = []
    for value in values:
        if not isinstance(value, str):
            found.append(value)
            continue
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if keep_whole and len(parts) > 1:
            parts.append(value.strip())
        for part in parts:
            if part not in found:
                found.append(part)
    return found


class SearchParams(BaseModel):
    """``GET /api/v1/marketplace/search`` query parameters (spec names; prices are hourly DOFs)."""

    model_config = ConfigDict(extra="ignore")

    q: str | None = Field(default=None, max_length=200)
    game: list[SearchValue] = Field(default_factory=list, max_length=40)
    rank: list[Rank] = Field(default_factory=list, max_length=8)
    type: list[AgentType] = Field(default_factory=list, max_length=6)
    minPrice: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    maxPrice: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    hasVoiceChat: bool | None = None
    hasCommentator: bool | None = None
    specialization: list[SearchValue] = Field(default_factory=list, max_length=40)
    minRating: float | None = Field(default=None, ge=1, le=5, allow_inf_nan=False)
    sortBy: SortBy = "relevance"
    page: int = Field(default=1, ge=1, le=100_000)
    limit: int = Field(default=20, ge=1, le=100)

    @field_validator("game", "specialization", mode="before")
    @classmethod
    def free_text_lists(cls, raw: Any) -> list[str]:
        return _split_values(raw, keep_whole=True)

    @field_validator("rank", "type", mode="before")
    @classmethod
    def enum_lists(cls, raw: Any) -> list[Any]:
        return [_CANONICAL.get(v.lower(), v) if isinstance(v, str) else v for v in _split_values(raw, False)]

    @field_validator("maxPrice")
    @classmethod
    def price_range_is_ordered(cls, value: float | None, info: ValidationInfo) -> float | None:
        low = info.data.get("minPrice")
        if value is not None and low is not None and low > value:
            raise ValueError("maxPrice must not be less than minPrice")
        return value


class SearchAgent(BaseModel):
    name: str
    imageUrl: str
    rank: str
    type: str
    nationality: str


class ListingStats(BaseModel):
    rating: float
    totalHires: int
    successRate: float


class Badge(BaseModel):
    name: str
    imageUrl: str
    specializations: list[str]


class ListingAvailability(BaseModel):
    isAvailable: bool
    nextAvailable: str | None


class ReviewSummary(BaseModel):
    rating: int
    comment: str | None
    createdAt: str


class SearchResult(BaseModel):
    listingId: str
    agentId: str
    agent: SearchAgent
    title: str
    description: str
    pricing: Pricing
    stats: ListingStats
    badges: list[Badge]
    availability: ListingAvailability
    recentReviews: list[ReviewSummary]  # beyond the spec: the three newest (logic/reviews.py)


class SearchPagination(BaseModel):
    page: int
    limit: int
    total: int
    hasMore: bool


class SearchFacets(BaseModel):
    games: dict[str, int]
    ranks: dict[str, int]
    priceRanges: dict[str, int]


class SearchResponse(BaseModel):
    results: list[SearchResult]
    pagination: SearchPagination
    facets: SearchFacets


WholeNumber = Annotated[int, Field(strict=True)]


class PurchaseRequest(SpecModel):
    package: Literal["bronze", "silver", "gold", "platinum", "custom"]
    amount: WholeNumber | None = None  # DOFs, custom packages only (rules in logic/purchases.py)
    paymentMethod: Literal["shopify", "stripe"] = "shopify"
    returnUrl: str = Field(min_length=1, max_length=2048)


class PurchaseResponse(BaseModel):
    transactionId: str
    checkoutUrl: str
    amount: float
    currency: Literal["USD"]
    dofAmount: int
    expiresAt: str


class TransferRequest(SpecModel):
    toUserId: str = Field(min_length=1, max_length=64)
    amount: WholeNumber  # DOFs; range checked in logic/transfers.py (400 "Invalid transfer amount")
    note: str | None = Field(default=None, max_length=280)


class TransferParty(BaseModel):
    userId: str
    previousBalance: int
    newBalance: int


class TransferResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    transactionId: str
    from_: TransferParty = Field(alias="from")
    to: TransferParty
    fee: int
    completedAt: str


# -- reviews (beyond the spec: logic/reviews.py) ----------------------------------------------


class ReviewRequest(SpecModel):
    rating: int = Field(ge=1, le=5, description="Whole stars, 1-5")
    comment: str | None = Field(default=None, max_length=1000)


class Review(BaseModel):
    reviewId: str
    sessionId: str
    listingId: str
    agentId: str
    rating: int
    comment: str | None
    createdAt: str


class ReviewStats(BaseModel):
    rating: float
    ratingCount: int
    totalHires: int
    successRate: float


class ListingReviews(BaseModel):
    listingId: str
    stats: ReviewStats
    reviews: list[Review]
    pagination: WalletPagination
