"""Rate limiting backed by DynamoDB: one atomic ``UpdateItem`` per request.

Each API says, per endpoint group and per caller, which ``RateLimit`` applies (``create_app(...,
rate_limit=...)``): requests per minute, an optional burst (the most requests in any one second),
and a category that keeps separate counters (Cosmic's auth, match, read and write limits; Loqua's
per-endpoint limits), and optionally a cap on requests in flight (``shared.concurrency``). The rule
may depend on the caller (BlueMarble's user types).

The caller is the verified token subject when there is one, otherwise the source IP. Counters live
in fixed 60-second windows: one item per (API, category, caller, window) holds the minute's hits
and one counter per second, so a single ``ADD`` answers both the minute and the burst question.
Counters expire by TTL. If DynamoDB cannot be reached the request is let through and the failure
logged: a limiter outage must not become an API outage.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from shared import aws
from shared.dynamo import to_value
from shared.observability import logger

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class RateLimit:
    per_minute: int
    burst: int | None = None  # the most requests in any one second; None: no cap below the minute's
    category: str = "default"
    concurrent: int | None = None  # the most requests in flight at once (shared.concurrency); None: no cap


@dataclass(frozen=True)
class RateLimitDecision:
    limit: int
    remaining: int
    reset_at: int  # epoch seconds when the minute's window ends
    retry_after: int = 0  # seconds to wait when refused (1 for a burst, the window's rest otherwise)

    @property
    def allowed(self) -> bool:
        return self.retry_after == 0

    def headers(self) -> list[tuple[bytes, bytes]]:
        return [
            (b"x-ratelimit-limit", str(self.limit).encode()),
            (b"x-ratelimit-remaining", str(max(self.remaining, 0)).encode()),
            (b"x-ratelimit-reset", str(self.reset_at).encode()),
        ]


RateLimitRule = Callable[..., RateLimit | None]  # (principal or None[, method=...]) -> the limit, None for none


def check_rate_limit(
    table_name: str, api_name: str, caller: str, limit: RateLimit, now: float | None = None
) -> RateLimitDecision:
    moment = int(time.time() if now is None else now)
    window_start = moment - moment % WINDOW_SECONDS
    reset_at = window_start + WINDOW_SECONDS
    second = f"s{moment % WINDOW_SECONDS}"
    try:
        response = aws.dynamodb().update_item(
            TableName=table_name,
            Key={"pk": {"S": f"{api_name}#{limit.category}#{caller}#{window_start}"}},
            UpdateExpression="ADD hits :one, #second :one SET expiresAt = :expires",
            ExpressionAttributeNames={"#second": second},
            ExpressionAttributeValues={":one": to_value(1), ":expires": to_value(reset_at + WINDOW_SECONDS)},
            ReturnValues="UPDATED_NEW",
        )
    except (ClientError, BotoCoreError):
        logger(api_name).warning("Rate limiter unavailable; allowing request", extra={"caller": caller})
        return RateLimitDecision(limit=limit.per_minute, remaining=limit.per_minute, reset_at=reset_at)
    hits = int(response["Attributes"]["hits"]["N"])
    in_second = int(response["Attributes"][second]["N"])
    remaining = limit.per_minute - hits
    retry_after = 0
    if remaining < 0:
        retry_after = max(reset_at - moment, 1)
    elif limit.burst is not None and in_second > limit.burst:
        retry_after = 1
    return RateLimitDecision(limit.per_minute, remaining, reset_at, retry_after)
