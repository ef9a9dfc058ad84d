"""Bodies of the game servers' routes (grants, item types, memberships, sea routes)."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, WithJsonSchema, field_validator

from bluemarble_market.models.common import (
    ISLAND_PATTERN,
    GrantCoin,
    Identifier,
    ItemDetail,
    Money,
    Quantity,
    StrictBody,
)
from shared.freeform import FreeformBounds
from shared.storable import check_storable
from shared.text import trimmed


class GrantLine(StrictBody):
    itemId: Identifier
    island: str = Field(min_length=1, max_length=40, json_schema_extra={"pattern": ISLAND_PATTERN})
    quantity: Quantity


class GrantRequest(StrictBody):
    playerId: Identifier
    grantId: Identifier | None = None
    coin: GrantCoin | None = None
    items: list[GrantLine] = Field(default_factory=list, max_length=20)
    reason: trimmed(1, 200)


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


ATTRIBUTES = FreeformBounds()


class ItemDefinitionRequest(StrictBody):
    name: trimmed(1, 80)
    type: trimmed(1, 40)
    description: str = Field(default="", max_length=500)
    quality: str | None = Field(default=None, max_length=40)
    # Free-form, within the bounds the document states (shared.freeform), and at most 8 KiB.
    attributes: Annotated[dict[str, Any], WithJsonSchema(ATTRIBUTES.object_schema())] = Field(
        default_factory=dict, description="At most 8 KiB as JSON"
    )

    @field_validator("attributes")
    @classmethod
    def bounded(cls, value: dict[str, Any]) -> dict[str, Any]:
        if problem := ATTRIBUTES.object_problem(value):
            raise ValueError(problem)
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
