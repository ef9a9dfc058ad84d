"""Hire terms, metering and the 70/25/5 split (pure rules, no AWS)."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiga_store.logic import hire
from shared.errors import InvalidInput, Unprocessable

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@given(st.integers(min_value=0, max_value=10**12))
def test_the_split_never_creates_or_loses_a_dof(consumed):
    shares = hire.split(consumed)
    assert shares.total == consumed
    assert shares.owner == consumed * 70 // 100
    assert shares.creator == consumed * 5 // 100
    assert shares.platform >= consumed * 25 // 100  # the platform absorbs rounding


def test_split_of_the_spec_example():
    assert hire.split(100_000) == hire.Distribution(owner=70_000, platform=25_000, creator=5_000)


def test_base_rate_is_hourly_price_per_minute_and_at_least_one():
    assert hire.base_rate(15_000) == 250
    assert hire.base_rate(30) == 1


def test_contract_terms_estimate_hours_and_expiry():
    terms = hire.contract_terms(hourly_price=5_000, allocation=100_000, start=NOW)
    assert terms.estimated_hours == 20.0
    assert terms.base_rate == 83
    assert terms.expires_at == NOW + timedelta(minutes=1205)  # ceil(100000 / 83)


@pytest.mark.parametrize("allocation", [1, 83 * 5 - 1, 5_000 * 72 + 1])
def test_allocations_outside_five_minutes_to_72_hours_are_unprocessable(allocation):
    with pytest.raises(Unprocessable):
        hire.contract_terms(hourly_price=5_000, allocation=allocation, start=NOW)


def test_start_time_defaults_to_now_and_must_be_within_a_week():
    assert hire.parse_start_time(None, NOW) == NOW
    assert hire.parse_start_time("2026-11-23T12:00:00Z", NOW) == NOW + timedelta(days=1)
    assert hire.parse_start_time("2026-11-22T11:58:00Z", NOW) == NOW  # a little clock skew is now
    assert hire.parse_start_time("2026-11-23t12:00:00.123456789z", NOW).hour == 12  # any RFC 3339
    for bad in ("tomorrow", "2026-11-22T12:00:00"):  # not a time with a zone: the shape is wrong
        with pytest.raises(InvalidInput):
            hire.parse_start_time(bad, NOW)
    for too_far in ("2026-12-01T12:00:00Z", "2026-11-22T11:00:00Z"):  # a fine time, outside the window
        with pytest.raises(Unprocessable):
            hire.parse_start_time(too_far, NOW)


def test_activity_is_billed_between_ten_seconds_and_one_minute():
    assert hire.activity_charge(rate=60, seconds_since_last_activity=0) == 10
    assert hire.activity_charge(rate=60, seconds_since_last_activity=30) == 30
    assert hire.activity_charge(rate=60, seconds_since_last_activity=3_600) == 60
    assert hire.activity_charge(rate=1, seconds_since_last_activity=0) == 1
