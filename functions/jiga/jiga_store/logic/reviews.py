"""Ratings and reviews: the hirer rates a finished hire once, and search follows.

Decisions the spec left open:

* **Who and when**: the hirer of a ``hired`` session, once it is settled, within 30 days of
  settlement, once per hire (``POST /api/v1/sessions/{sessionId}/review``: 201; a second review
  409 ``ALREADY_REVIEWED``). The agent's owner may read the session but not review it (403
  ``NOT_SESSION_HIRER``); anyone else gets 404 ``SESSION_NOT_FOUND``, as for GET. A hire still
  running is 409 ``HIRE_NOT_COMPLETED``; a hire that consumed nothing (the hirer never used the
  agent), owned and trial sessions, and a closed window are 422 ``REVIEW_NOT_ALLOWED``.
* **What**: ``rating`` a whole number of stars 1-5; ``comment`` optional, at most 1,000 characters
  (blank means none). A review cannot be edited or deleted through the API.
* **Where it shows**: the listing's ``stats.rating`` (the average, 2 decimals) at once in search
  (``minRating`` and ``sortBy=rating`` use it: a Bayesian average, see logic/marketplace.py); the
  three newest reviews in each search result (``recentReviews``, comments shortened to 280
  characters); all of them, newest first, at ``GET /api/v1/marketplace/{listingId}/reviews``
  (public, cursor-paged). The owner hears of it as a ``review_received`` event.
* **What counts as a success** (``stats.successRate`` = successful / finished hires, 0-1): a hire
  succeeds when the hirer used the agent (DOFs were consumed before the session ended) and did
  not rate it 1 or 2 stars. Settlement counts it when it consumed anything; a 1- or 2-star review
  later takes that back in the same transaction as the review.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from jiga_store.dal.sessions import SETTLED
from jiga_store.models.domain import StaleRead
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable, utc_now_iso
from shared.pagination import CursorPage

REVIEW_WINDOW = timedelta(days=30)
RECENT_REVIEWS = 3
RECENT_COMMENT_CHARS = 280
FAILED_BELOW = 3  # 1 and 2 stars mark the hire as not a success
MAX_ATTEMPTS = 4


class SessionLookup(Protocol):
    def get(self, session_id: str) -> dict[str, Any] | None: ...


class ReviewStore(Protocol):
    def projection(self, listing_id: str) -> dict[str, Any] | None: ...
    def add(
        self,
        review: dict[str, Any],
        projection: dict[str, Any],
        recent: list[dict[str, Any]],
        failed_hire: bool,
        now: str,
    ) -> None: ...
    def page(self, listing_id: str, limit: int, cursor: str | None) -> CursorPage[dict[str, Any]]: ...


@dataclass
class Reviews:
    sessions: SessionLookup
    store: ReviewStore
    notify_owner: Callable[[str, str, dict[str, Any]], Any]  # (user id, event type, data)


def session_not_found(session_id: str) -> NotFound:
    return NotFound(f"Session {session_id} not found", {"sessionId": session_id}, code="SESSION_NOT_FOUND")


def listing_not_found(listing_id: str) -> NotFound:
    return NotFound(f"Listing {listing_id} not found", {"listingId": listing_id}, code="LISTING_NOT_FOUND")


def check_reviewable(session: dict[str, Any] | None, session_id: str, caller_id: str, now: datetime) -> dict:
    if session is None or caller_id not in (session["userId"], session["ownerId"]):
        raise session_not_found(session_id)
    if session["userId"] != caller_id:
        raise Forbidden("Only the hirer can review a hire", {"sessionId": session_id}, code="NOT_SESSION_HIRER")
    if session["type"] != "hired" or not session.get("listingId"):
        raise Unprocessable("Only hires can be reviewed", {"sessionId": session_id}, code="REVIEW_NOT_ALLOWED")
    if session["status"] != SETTLED:
        raise Conflict(
            "The hire has not finished yet; review it once it has ended",
            {"sessionId": session_id, "status": session["status"]},
            code="HIRE_NOT_COMPLETED",
        )
    settlement = session.get("settlement") or {}
    if not settlement.get("consumed"):
        raise Unprocessable(
            "This hire was never used, so there is nothing to review",
            {"sessionId": session_id},
            code="REVIEW_NOT_ALLOWED",
        )
    settled_at = datetime.fromisoformat(settlement["settledAt"].replace("Z", "+00:00"))
    if now - settled_at > REVIEW_WINDOW:
        raise Unprocessable(
            "Hires can be reviewed for 30 days after they end", {"sessionId": session_id}, code="REVIEW_NOT_ALLOWED"
        )
    return session


def recent_reviews(current: list[dict[str, Any]] | None, review: dict[str, Any]) -> list[dict[str, Any]]:
    """The newest reviews a search result shows, this one first."""
    comment = review.get("comment")
    if comment and len(comment) > RECENT_COMMENT_CHARS:
        comment = comment[: RECENT_COMMENT_CHARS - 1].rstrip() + "…"
    shown = {"rating": review["rating"], "comment": comment, "createdAt": review["createdAt"]}
    return [shown, *(current or [])][:RECENT_REVIEWS]


def review_hire(reviews: Reviews, caller_id: str, session_id: str, rating: int, comment: str | None) -> dict:
    now = datetime.now(UTC)
    session = check_reviewable(reviews.sessions.get(session_id), session_id, caller_id, now)
    listing_id = session["listingId"]
    review = {
        "reviewId": f"rev_{session_id.removeprefix('ses_')}",
        "sessionId": session_id,
        "listingId": listing_id,
        "agentId": session["agentId"],
        "rating": rating,
        "comment": (comment or "").strip() or None,
        "createdAt": utc_now_iso(),
    }
    for _attempt in range(MAX_ATTEMPTS):
        projection = reviews.store.projection(listing_id)
        if projection is None:
            raise listing_not_found(listing_id)
        try:
            reviews.store.add(
                review,
                projection,
                recent_reviews(projection.get("recentReviews"), review),
                rating < FAILED_BELOW,
                utc_now_iso(),
            )
        except StaleRead:
            continue  # another review of this listing landed between our read and our write
        break
    else:
        raise Conflict("The listing is busy; please retry", {"listingId": listing_id}, code="CONCURRENT_MODIFICATION")
    reviews.notify_owner(
        session["ownerId"],
        "review_received",
        {"agentId": session["agentId"], "listingId": listing_id, "sessionId": session_id, "rating": rating},
    )
    return review


def review_view(item: dict[str, Any]) -> dict[str, Any]:
    return {
        key: item.get(key)
        for key in ("reviewId", "sessionId", "listingId", "agentId", "rating", "comment", "createdAt")
    }


def listing_reviews(store: ReviewStore, listing_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
    """A listing's stats and reviews, newest first; an unknown or unlisted listing is 404."""
    projection = store.projection(listing_id)
    if projection is None or projection.get("status") != "active":
        raise listing_not_found(listing_id)
    page = store.page(listing_id, limit, cursor)
    count, total = int(projection.get("ratingCount", 0)), int(projection.get("totalHires", 0))
    return {
        "listingId": listing_id,
        "stats": {
            "rating": round(float(projection.get("ratingSum", 0)) / count, 2) if count else 0.0,
            "ratingCount": count,
            "totalHires": total,
            "successRate": round(int(projection.get("successfulHires", 0)) / total, 4) if total else 0.0,
        },
        "reviews": [review_view(item) for item in page.items],
        "pagination": {"limit": limit, "nextCursor": page.next_cursor, "hasMore": page.next_cursor is not None},
    }
