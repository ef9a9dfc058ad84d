"""Agents endpoint group: create, read, configure, publish (jiga-store.md's spelling)."""

from functools import lru_cache
from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator, model_validator

from jiga_store.models.common import (
    ALLOWED_CATEGORIES,
    CLOCK,
    DAYS,
    AgentName,
    AgentType,
    GameName,
    Pricing,
    Provider,
    Rank,
    SpecModel,
    Tag,
    ToolId,
)
from jiga_store.models.configuration import configuration_schema


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

    start: str = Field(pattern=CLOCK.pattern)
    end: str = Field(pattern=CLOCK.pattern)


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
