"""Wallet endpoint group: the caller's balance and history, and operator grants."""

from typing import Literal

from pydantic import BaseModel, Field

from jiga_store.models.common import DofAmount, SpecModel, WalletPagination


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


class WalletResponse(BaseModel):
    userId: str
    balance: int
    currency: Literal["DOF"] = "DOF"
    history: list[WalletEntry]
    pagination: WalletPagination
