"""The catalogue's change log is kept in ten-minute buckets (``dal/catalogue.py`` writes them,
``logic/catalogue.py`` reads them). Its own small module: every function that writes a listing's
projection needs the bucket of an instant, and none of them needs the search index."""

from datetime import UTC, datetime


def change_bucket(instant: str) -> str:
    """The ten minutes of the change log an instant falls in: ``2026-11-30T06:1``."""
    return instant[:15]


def change_buckets(until: str, span_seconds: float) -> list[str]:
    """Every bucket from ``span_seconds`` before ``until`` to ``until``, oldest first."""
    end = epoch(until)
    moment = end - span_seconds
    buckets = []
    while True:
        buckets.append(change_bucket(iso(moment)))
        if buckets[-1] == change_bucket(until):
            return list(dict.fromkeys(buckets))
        moment = min(moment + 600, end)


def iso(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(epoch_seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def epoch(instant: str) -> float:
    return datetime.fromisoformat(instant.replace("Z", "+00:00")).timestamp()
