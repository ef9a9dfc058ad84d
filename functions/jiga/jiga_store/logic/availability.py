"""When a listing can be hired, from its schedule and IANA timezone (pure; no clock of its own).

A listing's ``availability`` is ``{"schedule": "always"}`` or ``{"schedule": "scheduled",
"hours": {"monday": {"start": "09:00", "end": "17:00"}, ...}, "timezone": "Europe/Paris"}``.
The rules the spec leaves open:

* hours are wall-clock times in the listing's timezone; a window is ``[start, end)``;
* an ``end`` at or before ``start`` runs past midnight into the next day (``22:00``-``02:00`` on
  Monday is Monday 22:00 to Tuesday 02:00; ``18:00``-``00:00`` ends at midnight);
* a day without hours is closed (a window from the previous evening may still run into it);
* daylight-saving time follows the zone: a window keeps its wall-clock times, so it is an hour
  shorter or longer in UTC on the change night; a time inside the spring-forward gap is read with
  the offset before the change (02:30 when clocks jump 02:00->03:00 is 03:30 on the new clock),
  and an ambiguous time in the autumn overlap means its first occurrence;
* ``nextAvailable`` is the current instant when available now, otherwise the start of the next
  window, in UTC (ISO 8601 with ``Z``); ``None`` only for a schedule with no hours at all.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class AvailabilityNow:
    is_available: bool
    next_available: datetime | None

    def as_api(self) -> dict[str, Any]:
        return {"isAvailable": self.is_available, "nextAvailable": iso_utc(self.next_available)}


def iso_utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _windows_around(hours: dict[str, Any], zone: ZoneInfo, local_day: datetime) -> list[tuple[datetime, datetime]]:
    """UTC windows of the days from yesterday (its overnight spill) to eight days ahead."""
    windows = []
    for offset in range(-1, 9):
        day = local_day.date() + timedelta(days=offset)
        opening = hours.get(DAYS[day.weekday()])
        if not opening:
            continue
        start, end = _clock(opening["start"]), _clock(opening["end"])
        end_day = day if end > start else day + timedelta(days=1)
        start_utc = datetime.combine(day, start, tzinfo=zone).astimezone(UTC)
        end_utc = datetime.combine(end_day, end, tzinfo=zone).astimezone(UTC)
        if end_utc > start_utc:
            windows.append((start_utc, end_utc))
    return windows


def availability_at(availability: dict[str, Any] | None, now: datetime) -> AvailabilityNow:
    """Whether the listing is available at ``now`` (an aware datetime) and when it next is."""
    now = now.astimezone(UTC)
    if not availability or availability.get("schedule", "always") == "always":
        return AvailabilityNow(True, now)
    hours = availability.get("hours") or {}
    zone = ZoneInfo(availability.get("timezone") or "UTC")
    upcoming = None
    # Comparisons happen in UTC: aware datetimes sharing a tzinfo compare by wall clock, which
    # would be wrong across a DST change.
    for start, end in _windows_around(hours, zone, now.astimezone(zone)):
        if start <= now < end:
            return AvailabilityNow(True, now)
        if start > now and (upcoming is None or start < upcoming):
            upcoming = start
    return AvailabilityNow(False, upcoming)
