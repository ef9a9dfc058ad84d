"""Seller reputation: ratings, completed and failed sales, a trust score and badges.

Decisions the spec leaves open, named here:

* ``rating`` is the mean of the stars buyers gave (one decimal; 0 with no ratings).
  ``completedTransactions`` counts the seller's delivered sales, ``failedTransactions`` those
  refunded because delivery failed, ``totalTransactions`` both (a pending sale counts once it ends).
  All counters change in the same ledger transaction as the sale they count.
* ``trustScore`` (0-100, one decimal) = 60% rating + 40% reliability, each smoothed so a handful
  of sales cannot max it out: rating part = (sum of stars + 3 x 5 phantom "3" ratings) / (count + 5)
  / 5; reliability = (completed + 1) / (completed + failed + 2). A new seller scores 56.0.
* Badges: ``Trusted Seller`` (trust score >= 90 with 10+ completed sales), ``Top Rated`` (rating >=
  4.8 over 20+ ratings), ``Veteran Trader`` (100+ completed sales), ``Fast Shipper`` (25+ completed
  sales and none failed), ``New Seller`` (fewer than 5 finished sales).
* ``memberSince`` is the player's registration time; ``recentReviews`` the 10 newest.
* Reputation reads are cached 10 minutes per instance, as the spec's caching strategy says.
"""

from typing import Any

PHANTOM_RATINGS, PHANTOM_STARS = 5, 3
RECENT_REVIEWS = 10


def summary(counters: dict[str, Any] | None) -> dict[str, Any]:
    counters = counters or {}
    rating_sum = int(counters.get("ratingSum", 0))
    ratings = int(counters.get("ratingCount", 0))
    completed = int(counters.get("completedTransactions", 0))
    failed = int(counters.get("failedTransactions", 0))
    rating = round(rating_sum / ratings, 1) if ratings else 0.0
    smoothed_rating = (rating_sum + PHANTOM_RATINGS * PHANTOM_STARS) / (ratings + PHANTOM_RATINGS) / 5
    reliability = (completed + 1) / (completed + failed + 2)
    trust = round(100 * (0.6 * smoothed_rating + 0.4 * reliability), 1)
    badges = []
    if trust >= 90 and completed >= 10:
        badges.append("Trusted Seller")
    if ratings >= 20 and rating_sum / ratings >= 4.8:
        badges.append("Top Rated")
    if completed >= 100:
        badges.append("Veteran Trader")
    if completed >= 25 and failed == 0:
        badges.append("Fast Shipper")
    if completed + failed < 5:
        badges.append("New Seller")
    return {
        "rating": rating,
        "totalRatings": ratings,
        "totalTransactions": completed + failed,
        "completedTransactions": completed,
        "failedTransactions": failed,
        "trustScore": trust,
        "badges": badges,
    }
