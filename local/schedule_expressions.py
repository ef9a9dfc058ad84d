"""EventBridge schedule expressions: ``rate(...)``, ``cron(...)`` and Scheduler's ``at(...)``.

``next_fire(expression, after, start, timezone)`` gives the first moment strictly after ``after``
at which a schedule fires. Rates count from ``start`` (when the schedule was created, or its
``StartDate``). Crons have six fields (minutes hours day-of-month month day-of-week year) with
``*``, ``?``, ranges, lists, steps, ``L`` in day-of-month and names (``JAN``, ``MON``); day-of-week
numbers run 1 (Sunday) to 7, as in AWS. ``W`` and ``#`` raise ``NotImplementedError``. ``at()`` is
a local time in the schedule's ``ScheduleExpressionTimezone`` (UTC by default).
"""

import calendar
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}
_MONTHS = {name: index for index, name in enumerate(calendar.month_abbr) if name}
_DAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}


def _values(field: str, low: int, high: int, names: dict[str, int] | None = None) -> set[int] | None:
    """The numbers a cron field allows (None for ``*``/``?``: anything)."""
    if field in ("*", "?"):
        return None
    allowed: set[int] = set()
    for part in field.upper().split(","):
        for name, number in (names or {}).items():
            part = part.replace(name.upper(), str(number))
        if "#" in part or part.endswith("W"):
            raise NotImplementedError(f"cron field {field}: W and # do not run locally")
        step = 1
        if "/" in part:
            part, step_text = part.split("/")
            step = int(step_text)
        if part in ("*", ""):
            first, last = low, high
        elif "-" in part:
            first, last = (int(value) for value in part.split("-"))
        else:
            first = int(part)
            last = high if step > 1 else first
        allowed.update(range(first, last + 1, step))
    return allowed


class Cron:
    def __init__(self, text: str):
        fields = text.split()
        if len(fields) != 6:
            raise ValueError(f"cron({text}) needs six fields: minutes hours day-of-month month day-of-week year")
        minutes, hours, days, months, weekdays, years = fields
        self.last_day = days.upper() == "L"
        self.minutes = _values(minutes, 0, 59)
        self.hours = _values(hours, 0, 23)
        self.days = None if self.last_day else _values(days, 1, 31)
        self.months = _values(months, 1, 12, {name.upper(): number for name, number in _MONTHS.items()})
        self.weekdays = _values(weekdays, 1, 7, _DAYS)
        self.years = _values(years, 1970, 2199)

    def _day_matches(self, day: datetime) -> bool:
        if self.months is not None and day.month not in self.months:
            return False
        if self.years is not None and day.year not in self.years:
            return False
        if self.last_day and day.day != calendar.monthrange(day.year, day.month)[1]:
            return False
        if self.days is not None and day.day not in self.days:
            return False
        weekday = (day.isoweekday() % 7) + 1  # Sunday 1 ... Saturday 7
        return self.weekdays is None or weekday in self.weekdays

    def next_after(self, after: datetime) -> datetime | None:
        """The first matching minute strictly after ``after`` (a timezone-aware datetime)."""
        start = (after + timedelta(minutes=1)).replace(second=0, microsecond=0)
        day = start.replace(hour=0, minute=0)
        for _ in range(366 * 5):
            if self._day_matches(day):
                for hour in sorted(self.hours if self.hours is not None else range(24)):
                    for minute in sorted(self.minutes if self.minutes is not None else range(60)):
                        moment = day.replace(hour=hour, minute=minute)
                        if moment >= start:
                            return moment
            day = (day + timedelta(days=1)).replace(hour=0, minute=0)
        return None


def rate_seconds(text: str) -> float:
    match = re.fullmatch(r"\s*(\d+)\s+(\w+)\s*", text)
    if not match or match.group(2) not in _UNITS:
        raise ValueError(f"rate({text}): expected 'rate(<n> minute|minutes|hour|hours|day|days)'")
    return int(match.group(1)) * _UNITS[match.group(2)]


def parse_at(text: str, timezone: str = "UTC") -> float:
    moment = datetime.strptime(text.strip(), "%Y-%m-%dT%H:%M:%S")
    return moment.replace(tzinfo=ZoneInfo(timezone)).timestamp()


def next_fire(expression: str, after: float, start: float, timezone: str = "UTC") -> float | None:
    """The first moment (epoch seconds) strictly after ``after`` at which the schedule fires."""
    match = re.fullmatch(r"\s*(rate|cron|at)\((.*)\)\s*", expression)
    if not match:
        raise ValueError(f"Unsupported schedule expression {expression!r}")
    kind, argument = match.groups()
    if kind == "at":
        moment = parse_at(argument, timezone)
        return moment if moment > after else None
    if kind == "rate":
        period = rate_seconds(argument)
        periods = max(int((after - start) // period) + 1, 1)
        return start + periods * period
    zone = ZoneInfo(timezone) if timezone else UTC
    found = Cron(argument).next_after(datetime.fromtimestamp(after, zone))
    return found.timestamp() if found else None
