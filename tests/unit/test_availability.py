"""Listing availability from a weekly schedule in the listing's IANA timezone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from jiga_store.logic.availability import availability_at


def at(text: str, zone: str = "UTC") -> datetime:
    """A local wall-clock instant, e.g. at("2024-03-11 09:00", "Europe/Paris")."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def scheduled(zone: str, **hours: tuple[str, str]) -> dict:
    return {
        "schedule": "scheduled",
        "timezone": zone,
        "hours": {day: {"start": start, "end": end} for day, (start, end) in hours.items()},
    }


def test_always_is_available_now():
    now = utc("2024-01-15 10:30:00")
    result = availability_at({"schedule": "always", "timezone": "UTC"}, now)
    assert result.is_available
    assert result.as_api() == {"isAvailable": True, "nextAvailable": "2024-01-15T10:30:00Z"}


def test_inside_a_window_in_the_listing_timezone_is_available():
    # Monday 2024-01-15 10:00 in Paris is 09:00 UTC
    schedule = scheduled("Europe/Paris", monday=("09:00", "17:00"))
    assert availability_at(schedule, at("2024-01-15 10:00", "Europe/Paris")).is_available
    # 08:30 UTC is 09:30 in Paris: inside, although 08:30 would be outside in UTC
    assert availability_at(schedule, utc("2024-01-15 08:30")).is_available


def test_after_the_window_the_next_one_is_a_week_later_in_utc():
    schedule = scheduled("Europe/Paris", monday=("09:00", "17:00"))
    result = availability_at(schedule, at("2024-01-15 17:00", "Europe/Paris"))  # end is exclusive
    assert not result.is_available
    assert result.as_api()["nextAvailable"] == "2024-01-22T08:00:00Z"


def test_before_the_window_next_available_is_its_start_today():
    schedule = scheduled("America/New_York", wednesday=("18:00", "22:00"))
    result = availability_at(schedule, at("2024-01-17 12:00", "America/New_York"))
    assert not result.is_available
    assert result.as_api()["nextAvailable"] == "2024-01-17T23:00:00Z"


def test_overnight_window_runs_into_the_next_day():
    schedule = scheduled("UTC", monday=("22:00", "02:00"))
    assert availability_at(schedule, utc("2024-01-15 23:00")).is_available  # Monday night
    assert availability_at(schedule, utc("2024-01-16 01:59")).is_available  # Tuesday, no hours of its own
    after = availability_at(schedule, utc("2024-01-16 02:00"))
    assert not after.is_available
    assert after.as_api()["nextAvailable"] == "2024-01-22T22:00:00Z"
    before = availability_at(schedule, utc("2024-01-15 21:59"))
    assert before.as_api()["nextAvailable"] == "2024-01-15T22:00:00Z"


def test_window_ending_at_midnight_ends_at_the_start_of_the_next_day():
    schedule = scheduled("UTC", friday=("18:00", "00:00"))
    assert availability_at(schedule, utc("2024-01-19 23:59")).is_available
    assert not availability_at(schedule, utc("2024-01-20 00:00")).is_available


def test_days_without_hours_are_closed_and_skipped():
    schedule = scheduled("Asia/Tokyo", friday=("20:00", "23:00"))
    # Saturday noon in Tokyo: closed until next Friday 20:00 JST (11:00 UTC)
    result = availability_at(schedule, at("2024-01-20 12:00", "Asia/Tokyo"))
    assert not result.is_available
    assert result.as_api()["nextAvailable"] == "2024-01-26T11:00:00Z"


def test_local_day_differs_from_the_utc_day():
    # Sunday 23:30 UTC is Monday 08:30 in Tokyo
    schedule = scheduled("Asia/Tokyo", monday=("08:00", "10:00"))
    assert availability_at(schedule, utc("2024-01-14 23:30")).is_available


def test_spring_forward_keeps_wall_clock_hours():
    schedule = scheduled("America/New_York", monday=("09:00", "17:00"))
    # Saturday before the change (EST, UTC-5): the next window opens Monday 09:00 EDT = 13:00 UTC
    result = availability_at(schedule, at("2024-03-09 12:00", "America/New_York"))
    assert result.as_api()["nextAvailable"] == "2024-03-11T13:00:00Z"


def test_spring_forward_night_window_is_an_hour_shorter():
    # 2024-03-10: 02:00 EST jumps to 03:00 EDT; 01:00-05:00 local is 06:00-09:00 UTC
    schedule = scheduled("America/New_York", sunday=("01:00", "05:00"))
    assert availability_at(schedule, utc("2024-03-10 06:00")).is_available
    assert availability_at(schedule, utc("2024-03-10 08:59")).is_available
    assert not availability_at(schedule, utc("2024-03-10 09:00")).is_available


def test_window_starting_in_the_spring_forward_gap_starts_after_the_gap():
    schedule = scheduled("America/New_York", sunday=("02:30", "06:00"))
    result = availability_at(schedule, utc("2024-03-10 06:00"))  # 01:00 EST
    assert not result.is_available
    assert result.as_api()["nextAvailable"] == "2024-03-10T07:30:00Z"  # 03:30 EDT


def test_fall_back_night_window_is_an_hour_longer():
    # 2024-11-03: 02:00 EDT falls back to 01:00 EST; 00:00-03:00 local is 04:00-08:00 UTC
    schedule = scheduled("America/New_York", sunday=("00:00", "03:00"))
    assert availability_at(schedule, utc("2024-11-03 07:30")).is_available
    assert not availability_at(schedule, utc("2024-11-03 08:00")).is_available


def test_missing_availability_means_always():
    now = utc("2024-01-15 10:30")
    assert availability_at(None, now).is_available


def test_schedule_without_any_hours_is_never_available():
    result = availability_at({"schedule": "scheduled", "timezone": "UTC", "hours": {}}, utc("2024-01-15 10:30"))
    assert result.as_api() == {"isAvailable": False, "nextAvailable": None}
