"""Hire endpoint group: hiring a listed agent."""

from typing import Literal

from pydantic import BaseModel, Field

from jiga_store.models.common import DofAmount, SpecModel


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
