"""Bodies of the purchase and history routes, as the spec writes them."""

from typing import Literal

from pydantic import BaseModel

from bluemarble_market.models.common import Identifier, Money, Pagination, Quantity, StrictBody


class PurchaseRequest(StrictBody):
    listingId: Identifier
    quantity: Quantity


class Purchase(BaseModel):
    transactionId: str
    listingId: str
    buyerId: str
    sellerId: str
    itemId: str
    itemName: str
    quantity: int
    pricePerUnit: Money
    totalPrice: Money
    marketplaceFee: Money
    transportCost: Money
    finalCost: Money
    fromIsland: str
    toIsland: str
    status: Literal["PENDING", "COMPLETED", "FAILED", "REFUNDED"]
    createdAt: str
    completedAt: str | None = None
    estimatedDeliveryAt: str | None = None
    refundedAt: str | None = None
    failureReason: str | None = None


class PurchaseResponse(BaseModel):
    success: Literal[True] = True
    data: Purchase


class HistoryLine(BaseModel):
    id: str
    type: Literal["buy", "sell"]
    itemName: str
    quantity: int
    totalPrice: Money
    otherParty: str
    status: Literal["PENDING", "COMPLETED", "FAILED", "REFUNDED"]
    createdAt: str
    completedAt: str | None = None


class HistoryPage(BaseModel):
    transactions: list[HistoryLine]
    pagination: Pagination


class HistoryResponse(BaseModel):
    success: Literal[True] = True
    data: HistoryPage
