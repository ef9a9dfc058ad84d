"""Fixed-window rate limiting backed by DynamoDB (one atomic ``ADD`` per request).

The caller is the verified token subject when there is one, otherwise the source IP. Windows are
60 seconds; counters expire by TTL. If DynamoDB cannot be reached the request is let through and
the failure logged: a limiter outage must not become an API outage.
"""

import time
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from shared import aws
from shared.dynamo import to_value
from shared.observability import logger

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class RateLimitDecision:
    limit: int
    remaining: int
    reset_at: int  # epoch seconds when the window ends

    @property
    def allowed(self) -> bool:
        return self.remaining >= 0

    def headers(self) -> list[tuple[bytes, bytes]]:
        return [
            (b"x-ratelimit-limit", str(self.limit).encode()),
            (b"x-ratelimit-remaining", str(max(self.remaining, 0)).encode()),
            (b"x-ratelimit-reset", str(self.reset_at).encode()),
        ]


def check_rate_limit(table_name: str, api_name: str, caller: str, limit: int) -> RateLimitDecision:
    now = int(time.time())
    window_start = now - now % WINDOW_SECONDS
    reset_at = window_start + WINDOW_SECONDS
    try:
        response = aws.dynamodb().update_item(
            TableName=table_name,
            Key={"pk": {"S": f"{api_name}#{caller}#{window_start}"}},
            UpdateExpression="ADD hits :one SET expiresAt = :expires",
            ExpressionAttributeValues={":one": to_value(1), ":expires": to_value(reset_at + WINDOW_SECONDS)},
            ReturnValues="UPDATED_NEW",
        )
    except (ClientError, BotoCoreError):
        logger(api_name).warning("Rate limiter unavailable; allowing request", extra={"caller": caller})
        return RateLimitDecision(limit=limit, remaining=limit, reset_at=reset_at)
    hits = int(response["Attributes"]["hits"]["N"])
    return RateLimitDecision(limit=limit, remaining=limit - hits, reset_at=reset_at)
