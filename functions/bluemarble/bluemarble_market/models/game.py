"""Bodies of the game servers' routes (grants, item types, memberships, sea routes)."""

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator

from bluemarble_market.logic.money import MAX_GRANT
from bluemarble_market.models.common import Identifier, ItemDetail, Money, Quantity, StrictBody
from shared.storable import check_storable


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
