"""Reviews (beyond the spec: logic/reviews.py): a hirer's review of a session, and a listing's."""

from typing import Annotated

from pydantic import BaseModel, Field

from jiga_store.models.common import WHOLE, SpecModel, WalletPagination


class ReviewRequest(SpecModel):
    rating: Annotated[int, Field(ge=1, le=5), WHOLE] = Field(description="Whole stars, 1-5")
    comment: str | None = Field(default=None, max_length=1000)


class Review(BaseModel):
    reviewId: str
    sessionId: str
    listingId: str
    agentId: str
    rating: int
    comment: str | None
    createdAt: str


class ReviewStats(BaseModel):
    rating: float
    ratingCount: int
    totalHires: int
    successRate: float


class ListingReviews(BaseModel):
    listingId: str
    stats: ReviewStats
    reviews: list[Review]
    pagination: WalletPagination
