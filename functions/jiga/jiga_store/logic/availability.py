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


Window = tuple[datetime, datetime]


def windows_near(availability: dict[str, Any] | None, now: datetime) -> list[Window] | None:
    """The schedule's UTC windows from the day before ``now`` to nine days after it, in order.

    ``None`` means always available. The list stays valid for the rest of ``now``'s UTC day, so
    a caller may keep it and ask ``availability_in`` many times.
    """
    if not availability or availability.get("schedule", "always") == "always":
        return None
    hours = availability.get("hours") or {}
    zone = ZoneInfo(availability.get("timezone") or "UTC")
    today = now.astimezone(zone).date()
    windows = []
    for offset in range(-1, 10):
        day = today + timedelta(days=offset)
        opening = hours.get(DAYS[day.weekday()])
        if not opening:
            continue
        start, end = _clock(opening["start"]), _clock(opening["end"])
        end_day = day if end > start else day + timedelta(days=1)
        # Compared in UTC: aware datetimes sharing a tzinfo compare by wall clock, which would be
        # wrong across a DST change.
        start_utc = datetime.combine(day, start, tzinfo=zone).astimezone(UTC)
        end_utc = datetime.combine(end_day, end, tzinfo=zone).astimezone(UTC)
        if end_utc > start_utc:
            windows.append((start_utc, end_utc))
    return windows


def availability_in(windows: list[Window] | None, now: datetime) -> AvailabilityNow:
    now = now.astimezone(UTC)
    if windows is None:
        return AvailabilityNow(True, now)
    upcoming = None
    for start, end in windows:
        if start <= now < end:
            return AvailabilityNow(True, now)
        if start > now and (upcoming is None or start < upcoming):
            upcoming = start
    return AvailabilityNow(False, upcoming)


def availability_at(availability: dict[str, Any] | None, now: datetime) -> AvailabilityNow:
    """Whether the listing is available at ``now`` (an aware datetime) and when it next is."""
    return availability_in(windows_near(availability, now), now)
