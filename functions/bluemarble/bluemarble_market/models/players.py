"""Bodies of a player's own routes (profile, wallet, inventory, notifications)."""

from typing import Any, Literal

from pydantic import BaseModel

from bluemarble_market.models.common import Money


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
