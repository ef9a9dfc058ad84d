"""Bodies of the reputation routes (rate a seller, a seller's reputation), as the spec writes them."""

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictFloat, StrictInt, WithJsonSchema

from bluemarble_market.models.common import Identifier, StrictBody


class RateRequest(StrictBody):
    transactionId: Identifier
    # a whole number of stars (4.0 is 4, as JSON Schema counts it); logic/ratings.py refuses the
    # rest with INVALID_RATING
    rating: Annotated[StrictInt | StrictFloat, WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 5})]
    comment: str | None = Field(default=None, max_length=1000)


class Reputation(BaseModel):
    rating: float
    totalRatings: int
    totalTransactions: int
    completedTransactions: int
    failedTransactions: int
    trustScore: float
    memberSince: str | None
    badges: list[str]


class Review(BaseModel):
    rating: int
    comment: str | None = None
    createdAt: str


class SellerReputation(BaseModel):
    sellerId: str
    reputation: Reputation
    recentReviews: list[Review]


class ReputationResponse(BaseModel):
    success: Literal[True] = True
    data: SellerReputation
