"""Request and response models exactly as jiga-store.md spells them."""

import re
from functools import lru_cache
from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from shared.text import trimmed

Rank = Literal["Bronze", "Silver", "Gold", "Platinum"]
AgentType = Literal["Assistant", "Mentor", "Specialist"]
Provider = Literal["gemini", "google", "openai"]
ToolId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
Tag = trimmed(1, 30)
GameName = trimmed(1, 60)
AgentName = trimmed(3, 50)


def _integral(value: Any) -> Any:
    """JSON has one number type: ``9035.0`` is the integer 9035 (as JSON Schema says); ``2.5``
    stays a float and is refused, and so are strings and booleans (strict models)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


_WHOLE = BeforeValidator(_integral)  # after the Field constraints, so the schema keeps them
DofAmount = Annotated[int, Field(gt=0, le=1_000_000_000), _WHOLE]
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
# explicit classes rather than \S: Python's re and pydantic's Rust regex disagree on what is space
RETURN_URL_PATTERN = r"^(https://[A-Za-z0-9.-]+|http://(localhost|127\.0\.0\.1))(:[0-9]{1,5})?([/?#][^ \t\r\n\f\v]*)?$"
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"  # base64url, as shared.pagination encodes them
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
    games: list[GameName] = Field(min_length=1, max_length=20)
    focus: str = Field(min_length=1, max_length=200)
    specialistType: Literal["Trained", "Experience"]


class CreateAgentRequest(SpecModel):
    name: AgentName
    rank: Rank
    type: AgentType
    provider: Provider
    nationality: str = Field(min_length=2, max_length=50)
    language: str = Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$", description="ISO 639-1, optionally with region")
    voiceId: str = Field(min_length=1, max_length=64)
    features: Features
    toolkit: list[ToolId] = Field(max_length=20, json_schema_extra={"uniqueItems": True})
    specialization: Specialization | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"type": {"const": "Specialist"}}, "required": ["type"]},
            "then": {"required": ["specialization"], "properties": {"specialization": {"type": "object"}}},
        }
    )

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
    max_concurrent_analyses: Annotated[int, Field(ge=1, le=20), _WHOLE] | None = None
    voice_enabled: bool | None = None
    selected_voice_name: str | None = Field(default=None, min_length=1, max_length=64)
    team_messaging: TeamMessaging | None = None


class AgentConfiguration(ConfigurationOptions):
    """``PUT /agents/{id}/config``: the spec makes ``high_speed_vision`` the one required option."""

    high_speed_vision: bool


# Unknown options ("... other configuration options") hold JSON values within these bounds,
# which the document states and logic/configuration.py enforces: strings up to 1,000 characters,
# booleans, null, numbers 0 or between 1e-9 and 1e15 in magnitude, lists and objects of up to 20
# entries with keys of 1-100 characters, nested at most 3 levels below the option.
EXTRA_DEPTH = 3
EXTRA_ENTRIES = 20
EXTRA_STRING = 1000
EXTRA_KEY = 100
EXTRA_NUMBER_MIN, EXTRA_NUMBER_MAX = 1e-9, 1e15
MAX_OPTIONS = 50


def extra_value_schema(depth: int = EXTRA_DEPTH) -> dict[str, Any]:
    """The JSON schema of an unknown option's value, ``depth`` levels of lists and objects deep."""
    choices: list[dict[str, Any]] = [
        {"type": "string", "maxLength": EXTRA_STRING},
        {"type": "boolean"},
        {"type": "null"},
        {"const": 0},
        {"type": "number", "minimum": EXTRA_NUMBER_MIN, "maximum": EXTRA_NUMBER_MAX},
        {"type": "number", "minimum": -EXTRA_NUMBER_MAX, "maximum": -EXTRA_NUMBER_MIN},
    ]
    if depth > 0:
        inner = extra_value_schema(depth - 1)
        choices += [
            {"type": "array", "maxItems": EXTRA_ENTRIES, "items": inner},
            {
                "type": "object",
                "maxProperties": EXTRA_ENTRIES,
                "propertyNames": {"minLength": 1, "maxLength": EXTRA_KEY},
                "additionalProperties": inner,
            },
        ]
    return {"anyOf": choices}


def _inline_refs(schema: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _inline_refs(definitions[schema["$ref"].rsplit("/", 1)[1]], definitions)
        return {key: _inline_refs(value, definitions) for key, value in schema.items() if key != "$defs"}
    if isinstance(schema, list):
        return [_inline_refs(item, definitions) for item in schema]
    return schema


def configuration_schema(required: bool) -> dict[str, Any]:
    """The document's schema of a configuration (an agent's when ``required``, else a session's
    overrides): the spec's options, typed, and unknown options within the bounds above."""
    model = AgentConfiguration if required else ConfigurationOptions
    raw = model.model_json_schema()
    schema = _inline_refs(raw, raw.get("$defs", {}))
    schema.pop("title", None)
    schema.update(
        additionalProperties=extra_value_schema(),
        propertyNames={"minLength": 1, "maxLength": EXTRA_KEY},
        maxProperties=MAX_OPTIONS,
    )
    return schema


class UpdateConfigRequest(BaseModel):
    """``PUT /agents/{id}/config``. The configuration is read by logic/configuration.py, which
    tells wrong types (400) from values out of range (422), both ``INVALID_CONFIGURATION``."""

    model_config = ConfigDict(extra="forbid", strict=True)

    configuration: Annotated[dict[str, Any], WithJsonSchema(configuration_schema(required=True))]


class UpdateConfigResponse(BaseModel):
    agentId: str
    configuration: dict[str, Any]
    validationWarnings: list[str]
    updatedAt: str


class DayHours(SpecModel):
    """One day's opening, wall-clock ``HH:MM`` in the listing's timezone; an ``end`` at or before
    ``start`` runs past midnight (``start == end`` is open 24 hours from ``start``)."""

    start: str = Field(pattern=_CLOCK.pattern)
    end: str = Field(pattern=_CLOCK.pattern)


@lru_cache(maxsize=1)
def iana_timezones() -> list[str]:
    """Every IANA zone name this runtime knows (the tzdata package), read once when first needed."""
    return sorted(available_timezones())


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(iana_timezones())


class Availability(SpecModel):
    schedule: Literal["always", "scheduled"]
    hours: dict[Literal[DAYS], DayHours] | None = None  # type: ignore[valid-type]
    timezone: str = Field(default="UTC", json_schema_extra=lambda schema: schema.update(enum=iana_timezones()))

    @field_validator("timezone")
    @classmethod
    def iana_timezone(cls, value: str) -> str:
        if value not in _zone_names():
            raise ValueError("must be an IANA timezone such as Europe/Paris")
        return value

    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"schedule": {"const": "scheduled"}}, "required": ["schedule"]},
            "then": {"required": ["hours"], "properties": {"hours": {"type": "object", "minProperties": 1}}},
        }
    )

    @model_validator(mode="after")
    def scheduled_needs_hours(self) -> "Availability":
        if self.schedule == "scheduled" and not self.hours:
            raise ValueError("hours are required when schedule is 'scheduled'")
        return self


class Pricing(SpecModel):
    """Whole DOFs. Beyond these bounds the rules depend on the agent's rank and on each other
    (logic/agents.py ``check_pricing``): 422 ``PRICING_VALIDATION_FAILED``."""

    hourly: Annotated[int, Field(ge=1, le=1_000_000), _WHOLE]
    daily: Annotated[int, Field(ge=1, le=24_000_000), _WHOLE]
    weekly: Annotated[int, Field(ge=1, le=168_000_000), _WHOLE]


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
    dofAllocation: DofAmount = Field(
        description="DOFs; at least 5 minutes and at most 72 hours at the listing's rate (422 outside)"
    )
    startTime: str | None = Field(
        default=None,
        max_length=40,
        json_schema_extra={"format": "date-time"},
        description="ISO 8601 with a timezone; from now to 7 days ahead (422 outside)",
    )
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
    hireSessionId: str | None = Field(default=None, min_length=1, max_length=64)
    configuration: Annotated[dict[str, Any], WithJsonSchema(configuration_schema(required=False))] | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"type": {"const": "hired"}}, "required": ["type"]},
            "then": {"required": ["hireSessionId"], "properties": {"hireSessionId": {"type": "string"}}},
        }
    )

    @model_validator(mode="after")
    def hired_sessions_name_their_hire(self) -> "StartSessionRequest":
        if self.type == "hired" and not self.hireSessionId:
            raise ValueError("hireSessionId is required for hired sessions")
        return self


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
SearchValue = trimmed(1, 100)


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


SEARCH_RAW_VALUES = {"game": 40, "rank": 8, "type": 6, "specialization": 40}  # values sent per list parameter


def _listed(raw: Any, name: str) -> list[Any]:
    values = raw if isinstance(raw, list) else [raw]
    if len(values) > SEARCH_RAW_VALUES[name]:
        raise ValueError(f"at most {SEARCH_RAW_VALUES[name]} values")
    if any(isinstance(value, str) and not value.strip() for value in values):
        raise ValueError("values must not be empty")
    return values


class SearchParams(BaseModel):
    """``GET /api/v1/marketplace/search`` query parameters (spec names; prices are hourly DOFs).

    ``minPrice`` above ``maxPrice`` is an empty range (no results), not an error. An empty value of
    a scalar parameter (``?minPrice=``, as HTML forms send) means "not given"; an empty value of a
    list parameter is a 400. Booleans are ``true`` or ``false``."""

    model_config = ConfigDict(extra="ignore")

    q: str | None = Field(default=None, max_length=200)
    game: list[SearchValue] = Field(default_factory=list, max_length=200)
    rank: list[Rank] = Field(default_factory=list, max_length=8)
    type: list[AgentType] = Field(default_factory=list, max_length=6)
    minPrice: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    maxPrice: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    hasVoiceChat: bool | None = None
    hasCommentator: bool | None = None
    specialization: list[SearchValue] = Field(default_factory=list, max_length=200)
    minRating: float | None = Field(default=None, ge=1, le=5, allow_inf_nan=False)
    sortBy: SortBy = "relevance"
    page: int = Field(default=1, ge=1, le=100_000)
    limit: int = Field(default=20, ge=1, le=100)

    @field_validator("game", "specialization", mode="before")
    @classmethod
    def free_text_lists(cls, raw: Any, info: ValidationInfo) -> list[str]:
        return _split_values(_listed(raw, info.field_name), keep_whole=True)

    @field_validator("rank", "type", mode="before")
    @classmethod
    def enum_lists(cls, raw: Any, info: ValidationInfo) -> list[Any]:
        values = _split_values(_listed(raw, info.field_name), False)
        return [_CANONICAL.get(v.lower(), v) if isinstance(v, str) else v for v in values]

    @field_validator("hasVoiceChat", "hasCommentator", mode="before")
    @classmethod
    def true_or_false(cls, raw: Any) -> Any:
        if isinstance(raw, str):
            if raw.lower() not in ("true", "false"):
                raise ValueError("must be true or false")
            return raw.lower() == "true"
        return raw


def search_parameters() -> list[dict[str, Any]]:
    """The query parameters of search as the OpenAPI document states them (what SearchParams takes)."""
    empty = {"type": "string", "maxLength": 0}

    def scalar(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
        return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}

    def listed(name: str, items: dict[str, Any], description: str) -> dict[str, Any]:
        schema = {"type": "array", "maxItems": SEARCH_RAW_VALUES[name], "items": items}
        return {**scalar(name, schema, description), "style": "form", "explode": True}

    text = {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "\\S"}
    ranks, types = list(Rank.__args__), list(AgentType.__args__)  # type: ignore[attr-defined]
    return [
        scalar(
            "q",
            {"type": "string", "maxLength": 200},
            "Words that must all match (a word of 3+ letters also as a prefix)",
        ),
        listed("game", text, "Any of these games (repeat the parameter, or separate with commas)"),
        listed("rank", {"type": "string", "enum": ranks}, "Any of these ranks"),
        listed("type", {"type": "string", "enum": types}, "Any of these agent types"),
        scalar("minPrice", {"anyOf": [{"type": "number", "minimum": 0}, empty]}, "Lowest hourly price, DOFs"),
        scalar("maxPrice", {"anyOf": [{"type": "number", "minimum": 0}, empty]}, "Highest hourly price, DOFs"),
        scalar("hasVoiceChat", {"anyOf": [{"type": "boolean"}, empty]}, "Agents with (true) or without voice chat"),
        scalar(
            "hasCommentator", {"anyOf": [{"type": "boolean"}, empty]}, "Agents with (true) or without a commentator"
        ),
        listed("specialization", text, "Any of these specialization focuses or specialist types"),
        scalar(
            "minRating", {"anyOf": [{"type": "number", "minimum": 1, "maximum": 5}, empty]}, "Lowest average rating"
        ),
        scalar("sortBy", {"type": "string", "enum": list(SortBy.__args__), "default": "relevance"}, "Order"),  # type: ignore[attr-defined]
        scalar("page", {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 100_000}, empty]}, "Page, from 1"),
        scalar("limit", {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 100}, empty]}, "Results per page (20)"),
    ]


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


class PurchaseRequest(SpecModel):
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"package": {"const": "custom"}}, "required": ["package"]},
            "then": {"required": ["amount"], "properties": {"amount": {"type": "integer"}}},
            "else": {"properties": {"amount": {"type": "null"}}},
        }
    )

    package: Literal["bronze", "silver", "gold", "platinum", "custom"]
    amount: Annotated[int, Field(ge=1_000, le=1_000_000, multiple_of=100), _WHOLE] | None = Field(
        default=None, description="DOFs, for the custom package only (required there, refused for the others)"
    )
    paymentMethod: Literal["shopify", "stripe"] = "shopify"
    returnUrl: str = Field(
        max_length=2048,
        pattern=RETURN_URL_PATTERN,
        description="https, without credentials; http://localhost or 127.0.0.1 outside prod (local front ends)",
    )


class PurchaseResponse(BaseModel):
    transactionId: str
    checkoutUrl: str
    amount: float
    currency: Literal["USD"]
    dofAmount: int
    expiresAt: str


class TransferRequest(SpecModel):
    toUserId: str = Field(min_length=1, max_length=64)
    amount: Annotated[int, Field(ge=10, le=1_000_000_000), _WHOLE] = Field(
        description="DOFs; the sender pays the 10% fee out of it"
    )
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
    rating: Annotated[int, Field(ge=1, le=5), _WHOLE] = Field(description="Whole stars, 1-5")
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
