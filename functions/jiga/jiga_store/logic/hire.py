"""Hiring an agent: contract terms, escrow, metering and settlement rules.

Decisions the spec left open, named here:

* ``baseRate`` is DOFs per minute: the listing's hourly price / 60, rounded, at least 1.
  ``estimatedHours`` = dofAllocation / hourly price, to two decimals.
* ``dofAllocation`` must cover at least 5 minutes at the base rate and at most 72 hours: 422
  ``INVALID_ALLOCATION`` (a rule of the listing's price, not of the request's shape).
* ``startTime`` defaults to now; it may be up to 7 days ahead, not more than 5 minutes in the past
  (422 ``INVALID_START_TIME`` outside; 400 when it is not an ISO 8601 time with a timezone).
* An agent serves one outstanding contract at a time: a hire while another contract for the same
  agent is running or booked is 409 ``SCHEDULING_CONFLICT``. A start time outside the listing's
  schedule is 403 ``AGENT_NOT_AVAILABLE``, as are listings not ``active``; hiring one's own agent
  is 403 ``CANNOT_HIRE_OWN_AGENT``.
* The allocation moves hirer -> ``escrow:<sessionId>`` when the contract is made (the response's
  transaction). The session lifecycle then settles once: consumed DOFs are split 70% owner, 25%
  platform, 5% creator pool (owner and creator rounded down, the platform takes the rounding), and
  the rest goes back to the hirer — one ledger transaction with a fixed id, so it happens exactly
  once however often it is retried. The response's ``distribution`` is that split applied to the
  whole allocation (the most the owner can earn); the settled split depends on what was consumed.
* Metering bills activity, not connection time (API Gateway's ``$disconnect`` is best effort):
  each input the agent answers bills the time since the previous billed activity at the base
  rate, capped at one minute, and at least 10 seconds' worth. A session ends when DOFs run out,
  on ``end_session``, after 10 minutes without activity (the state machine's heartbeat timeout),
  or when the contract expires.
"""

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shared.errors import InvalidInput, Unprocessable

OWNER_SHARE, PLATFORM_SHARE, CREATOR_SHARE = 70, 25, 5
MIN_MINUTES, MAX_HOURS = 5, 72
MAX_START_AHEAD = timedelta(days=7)
MAX_START_BEHIND = timedelta(minutes=5)
BILLING_CAP_SECONDS = 60
MIN_BILLED_SECONDS = 10
IDLE_TIMEOUT_SECONDS = 600
SETTLEMENT_GRACE_SECONDS = 300


@dataclass(frozen=True)
class ContractTerms:
    base_rate: int  # DOFs per minute
    estimated_hours: float
    starts_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Distribution:
    owner: int
    platform: int
    creator: int

    @property
    def total(self) -> int:
        return self.owner + self.platform + self.creator


def base_rate(hourly_price: int) -> int:
    return max(1, round(hourly_price / 60))


def split(consumed: int) -> Distribution:
    owner = consumed * OWNER_SHARE // 100
    creator = consumed * CREATOR_SHARE // 100
    return Distribution(owner=owner, platform=consumed - owner - creator, creator=creator)


_RFC3339 = re.compile(r"^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _rfc3339(value: str) -> str:
    """An RFC 3339 time (``t``/``z`` in any case, any number of fractional digits, a leap second)
    as Python reads ISO 8601; anything else is left for ``fromisoformat`` to judge."""
    match = _RFC3339.match(value)
    if match is None:
        return value.replace("Z", "+00:00")
    day, hour, minute, second, fraction, offset = match.groups()
    fraction = (fraction or "")[:7]
    zone = "+00:00" if offset in ("Z", "z") else offset
    return f"{day}T{hour}:{minute}:{min(int(second), 59):02d}{fraction}{zone}"


def parse_start_time(value: str | None, now: datetime) -> datetime:
    if value is None:
        return now
    try:
        parsed = datetime.fromisoformat(_rfc3339(value))
    except ValueError as error:
        raise InvalidInput("startTime must be an ISO 8601 timestamp", {"startTime": value}) from error
    if parsed.tzinfo is None:
        raise InvalidInput("startTime must include a timezone (e.g. Z)", {"startTime": value})
    parsed = parsed.astimezone(UTC)
    if parsed < now - MAX_START_BEHIND or parsed > now + MAX_START_AHEAD:
        raise Unprocessable(
            "startTime must be between now and 7 days ahead", {"startTime": value}, code="INVALID_START_TIME"
        )
    return max(parsed, now)


def contract_terms(hourly_price: int, allocation: int, start: datetime) -> ContractTerms:
    rate = base_rate(hourly_price)
    if allocation < rate * MIN_MINUTES:
        raise Unprocessable(
            f"dofAllocation must cover at least {MIN_MINUTES} minutes ({rate * MIN_MINUTES} DOFs)",
            {"minimum": rate * MIN_MINUTES},
            code="INVALID_ALLOCATION",
        )
    if allocation > hourly_price * MAX_HOURS:
        raise Unprocessable(
            f"dofAllocation may cover at most {MAX_HOURS} hours ({hourly_price * MAX_HOURS} DOFs)",
            {"maximum": hourly_price * MAX_HOURS},
            code="INVALID_ALLOCATION",
        )
    minutes = math.ceil(allocation / rate)
    return ContractTerms(
        base_rate=rate,
        estimated_hours=round(allocation / hourly_price, 2),
        starts_at=start,
        expires_at=start + timedelta(minutes=minutes),
    )


def activity_charge(rate: int, seconds_since_last_activity: float) -> int:
    """DOFs for one answered input: elapsed time at the base rate, capped, with a floor."""
    billable = min(max(seconds_since_last_activity, MIN_BILLED_SECONDS), BILLING_CAP_SECONDS)
    return max(1, math.ceil(rate * billable / 60))


def estimated_minutes_remaining(remaining: int, rate: int) -> int:
    return remaining // rate if rate else 0
