"""The catalogue a search instance keeps warm, and the snapshot a new instance starts from.

Warm: the first search of an instance builds the index (logic/marketplace.py); later searches ask
only for the projections that changed since the instance's previous look, at most once per
``CATALOGUE_REFRESH_SECONDS``, and a full reload every 15 minutes repairs any change a delta
could have missed.

Cold: reading and indexing every projection (about a dozen 1 MB Query pages at 10,000 listings,
one after the other, then a second of indexing) would make every new instance's first search
slow, more so as the catalogue grows. So search instances keep a **snapshot** in the table: the
index's entries and word lists, compact JSON compressed with zlib (10,000 listings are about
2 MB), in 350 KB items, and every projection write adds its listing to a change log in its own
transaction (``dal/catalogue.py``). A new instance makes two BatchGetItem requests whatever the
catalogue's size (the snapshot's head with the last hour of the change log, then the snapshot's
chunks with the projections changed since it) and builds its index in bulk from ready word
lists, without analysing any text.

Decisions:

* The snapshot is written by search instances, which hold the whole index in memory anyway:
  when an instance's view has changed and the current snapshot is older than
  ``snapshot_every_seconds`` (5 minutes), it writes a new one during that search (serialising
  10,000 listings takes a few hundred milliseconds, once per 5 minutes across all instances: a
  conditional put of the snapshot's head lets only the newest win). The first instance ever
  (no snapshot yet) loads the whole catalogue and writes the first snapshot.
* A snapshot records the instant of the look its index reflects; a new instance asks for changes
  from ``overlap_seconds`` before it (writers' clocks), as a warm delta does. Snapshots older
  than an hour are not topped up from the change log (too many buckets): that instance asks the
  catalogue index for the changes instead, one Query. One missing, unreadable or written by
  another version of the code makes the instance load everything, as before.
* Snapshot chunks expire after 7 days (DynamoDB TTL); a catalogue searched less often than that
  starts its next instance from a full load, which writes a new snapshot.
"""

import gc
import json
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import Any, Protocol

from jiga_store.logic.change_log import change_bucket, epoch, iso
from jiga_store.logic.marketplace import CatalogueEntry, CatalogueIndex
from shared.observability import logger

SNAPSHOT_FORMAT = 1
ROW_FIELDS = tuple(
    field.name for field in fields(CatalogueEntry) if field.init and field.name != "slot" and field.name[0] != "_"
)
CHANGE_LOG_SPAN_SECONDS = 3600


class CatalogueSource(Protocol):
    def load_all(self) -> list[dict[str, Any]]: ...
    def load_changed_since(self, instant: str) -> list[dict[str, Any]]: ...


class SnapshotStore(Protocol):
    def snapshot_head(self) -> dict[str, Any] | None: ...
    def read_start(self, until: str, span_seconds: float) -> tuple[dict[str, Any] | None, dict[str, list[str]]]: ...
    def read_snapshot(self, head: dict[str, Any], listing_ids: list[str]) -> tuple[bytes | None, list[dict]]: ...
    def write_snapshot(self, payload: bytes, taken_at: str, listings: int) -> bool: ...


# -- the snapshot's bytes ---------------------------------------------------------------------


def encode_snapshot(index: CatalogueIndex, taken_at: str) -> bytes:
    """The index's entries (as rows in ``ROW_FIELDS`` order) and word lists, compressed."""
    entries = list(index.entries.values())
    position = {entry.listing_id: slot for slot, entry in enumerate(entries)}
    postings = {
        word: [[position[listing_id] for listing_id in found], list(found.values())]
        for word, found in index._postings.items()
    }
    document = {
        "format": SNAPSHOT_FORMAT,
        "fields": ROW_FIELDS,
        "takenAt": taken_at,
        "rows": [[getattr(entry, name) for name in ROW_FIELDS] for entry in entries],
        "postings": postings,
    }
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False, default=list)
    return zlib.compress(text.encode(), 6)


@dataclass
class Snapshot:
    taken_at: str
    entries: list[CatalogueEntry]
    postings: dict[str, tuple[list[int], list[float]]]


def decode_snapshot(payload: bytes) -> Snapshot | None:
    """The snapshot, or None when it cannot be used (corrupt, or written by other code)."""
    try:
        document = json.loads(zlib.decompress(payload))
        if document.get("format") != SNAPSHOT_FORMAT or tuple(document.get("fields", ())) != ROW_FIELDS:
            return None
        entries = []
        for row in document["rows"]:
            entry = CatalogueEntry(*row)
            entry.game_spellings = tuple(tuple(pair) for pair in entry.game_spellings)
            entry.specializations_folded = frozenset(entry.specializations_folded)
            entries.append(entry)
        postings = {word: (slots, weights) for word, (slots, weights) in document["postings"].items()}
        return Snapshot(document["takenAt"], entries, postings)
    except (zlib.error, ValueError, TypeError, KeyError):
        logger("jiga").warning("Unusable catalogue snapshot; loading the whole catalogue")
        return None


# -- the instance's catalogue -------------------------------------------------------------------


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Build many long-lived objects without the cyclic collector rescanning them as they come
    (several full collections of a growing heap, for objects that are all kept)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class WarmCatalogue:
    """The catalogue index a function instance keeps between invocations.

    A delta starts ``overlap_seconds`` before the previous look began (GSI propagation, writers'
    clocks); the next look is due ``refresh_seconds`` after the previous one ended, so a slow
    backend cannot make every search refresh. Without ``snapshots`` an instance starts from a full
    load, as it did before snapshots existed.
    """

    def __init__(
        self,
        source: CatalogueSource,
        refresh_seconds: float,
        *,
        snapshots: SnapshotStore | None = None,
        snapshot_every_seconds: float = 300.0,
        overlap_seconds: float = 10.0,
        full_reload_seconds: float = 900.0,
        clock: Callable[[], float] = time.time,
    ):
        self.source = source
        self.snapshots = snapshots
        self.refresh_seconds = refresh_seconds
        self.snapshot_every_seconds = snapshot_every_seconds
        self.overlap_seconds = overlap_seconds
        self.full_reload_seconds = full_reload_seconds
        self.clock = clock
        self._index: CatalogueIndex | None = None
        self._loaded_at = 0.0  # when the last full load (or snapshot load) began
        self._looked_at = 0.0  # when the last look (full or delta) began
        self._next_look = 0.0
        self._snapshot_taken_at: float | None = None  # the newest snapshot this instance knows of
        self._changed_since_snapshot = False
        self.started_from = ""  # "snapshot" or "full load": how this instance began (for benchmarks)

    def current(self) -> CatalogueIndex:
        started = self.clock()
        if self._index is None:
            self._index = self._from_snapshot(started)
            if self._index is None:
                self._index = CatalogueIndex(self.source.load_all()).prepare()
                self._changed_since_snapshot = True
                self.started_from = "full load"
            self._loaded_at = self._looked_at = started
        elif started - self._loaded_at >= self.full_reload_seconds:
            changed = self._index.upsert(self.source.load_all())  # only what differs is re-indexed
            self._changed_since_snapshot |= changed > 0
            self._loaded_at = self._looked_at = started
        elif started >= self._next_look:
            changed = self._index.upsert(self.source.load_changed_since(iso(self._looked_at - self.overlap_seconds)))
            self._changed_since_snapshot |= changed > 0
            self._looked_at = started
        else:
            return self._index
        self._keep_snapshot_fresh()
        self._next_look = self.clock() + self.refresh_seconds
        return self._index

    def _from_snapshot(self, started: float) -> CatalogueIndex | None:
        if self.snapshots is None:
            return None
        span = CHANGE_LOG_SPAN_SECONDS + self.overlap_seconds
        head, log = self.snapshots.read_start(iso(started), span)
        if head is None:
            return None
        taken_at = epoch(head["takenAt"])
        since = iso(taken_at - self.overlap_seconds)
        from_log = started - taken_at <= CHANGE_LOG_SPAN_SECONDS
        changed = [listing_id for bucket, ids in log.items() if bucket >= change_bucket(since) for listing_id in ids]
        payload, projections = self.snapshots.read_snapshot(head, changed if from_log else [])
        with _collector_paused():  # ~100,000 new objects, none of them garbage yet
            snapshot = decode_snapshot(payload) if payload else None
            if snapshot is None:
                return None
            index = CatalogueIndex.from_snapshot(snapshot.entries, snapshot.postings)
        if not from_log:  # older than the log this instance reads: ask the catalogue index instead
            projections = self.source.load_changed_since(since)
        index.upsert(projections)
        self._snapshot_taken_at = taken_at
        self._changed_since_snapshot = bool(projections)
        self.started_from = "snapshot"
        return index

    def _keep_snapshot_fresh(self) -> None:
        """Write a snapshot when this instance's view is newer than the current one by enough."""
        if self.snapshots is None or self._index is None or not self._changed_since_snapshot:
            return
        if (
            self._snapshot_taken_at is not None
            and self._looked_at - self._snapshot_taken_at < self.snapshot_every_seconds
        ):
            return
        head = self.snapshots.snapshot_head()  # another instance may have written one since
        if head is not None:
            self._snapshot_taken_at = max(self._snapshot_taken_at or 0.0, epoch(head["takenAt"]))
            if self._looked_at - self._snapshot_taken_at < self.snapshot_every_seconds:
                return
        taken_at = iso(self._looked_at)
        try:
            written = self.snapshots.write_snapshot(encode_snapshot(self._index, taken_at), taken_at, len(self._index))
        except Exception:  # a snapshot is an optimisation: the search still answers
            logger("jiga").exception("Could not write the catalogue snapshot")
            return
        if not written:  # a newer snapshot won the race; it holds at least what this one would
            logger("jiga").info("A newer catalogue snapshot was written meanwhile")
        self._snapshot_taken_at = self._looked_at
        self._changed_since_snapshot = False
