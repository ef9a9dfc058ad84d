"""Marketplace search: its query parameters and its answer."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from jiga_store.models.common import AgentType, Pricing, Rank
from shared.text import trimmed

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
