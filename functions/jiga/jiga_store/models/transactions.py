"""Transactions endpoint group: DOF purchases and transfers."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from jiga_store.models.common import RETURN_URL_PATTERN, WHOLE, SpecModel


class PurchaseRequest(SpecModel):
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"package": {"const": "custom"}}, "required": ["package"]},
            "then": {"required": ["amount"], "properties": {"amount": {"type": "integer"}}},
            "else": {"properties": {"amount": {"type": "null"}}},
        }
    )

    package: Literal["bronze", "silver", "gold", "platinum", "custom"]
    amount: Annotated[int, Field(ge=1_000, le=1_000_000, multiple_of=100), WHOLE] | None = Field(
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
    amount: Annotated[int, Field(ge=10, le=1_000_000_000), WHOLE] = Field(
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
