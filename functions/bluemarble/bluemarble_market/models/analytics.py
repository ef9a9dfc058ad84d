"""Bodies of the analytics routes (price history, trends), as the spec writes them."""

from typing import Literal

from pydantic import BaseModel

from bluemarble_market.models.common import Money


class PriceStatistics(BaseModel):
    averagePrice: Money | None
    minPrice: Money | None
    maxPrice: Money | None
    medianPrice: Money | None
    totalVolume: int


class PricePoint(BaseModel):
    timestamp: str
    price: Money
    volume: int


class PriceHistory(BaseModel):
    itemId: str
    itemName: str
    timeframe: str
    island: str | None = None
    statistics: PriceStatistics
    pricePoints: list[PricePoint]


class PriceHistoryResponse(BaseModel):
    success: Literal[True] = True
    data: PriceHistory


class TrendOverview(BaseModel):
    totalListings: int
    totalTransactions: int
    totalVolume: Money
    averageTransactionValue: Money


class TopItem(BaseModel):
    itemId: str
    itemName: str | None
    category: str | None
    averagePrice: Money
    volume: int
    priceChange: float | None


class Trends(BaseModel):
    timeframe: str
    category: str | None = None
    overview: TrendOverview
    topItems: list[TopItem]


class TrendsResponse(BaseModel):
    success: Literal[True] = True
    data: Trends
