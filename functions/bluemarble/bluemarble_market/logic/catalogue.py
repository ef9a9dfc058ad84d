"""The search function's warm copy of the catalogue, and the snapshot that starts a cold one.

* Warm: an instance keeps the index (``logic/search.py``) between invocations and, at most every
  ``refresh_seconds``, asks for the listings changed since its last look (one small Query of the
  listings' change feed, ``gsi1``: every listing write moves its key there). The look starts
  ``overlap_seconds`` early, for index propagation and writers' clocks; a newer ``updatedAt`` wins,
  so seeing a change twice is harmless.
* Cold: an instance reads the newest **snapshot** (the active listings as compact rows, zlib
  compressed, in a few 350 KB items read with one BatchGetItem) and then only the changes since the
  snapshot's watermark (the change feed is partitioned by hour: one small Query per hour since) -
  no paging through the catalogue. The change consumer
  (``handlers/changes.py``, on the table's stream) writes a new snapshot when listings changed and
  the last one is older than ``SNAPSHOT_MAX_AGE_SECONDS``: the previous snapshot plus the changes
  since it, so its cost follows the churn, not the catalogue's size. Only when no snapshot exists
  yet (a new deployment) or it is more than a week old does an instance read the whole catalogue.
* Every ``full_reload_seconds`` a warm instance starts again from the snapshot, which repairs
  anything a delta could still have missed.
* Beyond one table: past ~100,000 active listings, or for free-text relevance, the same change feed
  would feed OpenSearch instead; the API does not change.
"""

import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from bluemarble_market.logic.search import ACTIVE, CatalogueIndex, listing_of_row, row_of

CHUNK_BYTES = 350 * 1024


class CatalogueSource(Protocol):
    def load_snapshot(self) -> tuple[str, list[dict[str, Any]]] | None: ...
    def load_catalogue(self) -> list[dict[str, Any]]: ...
    def changed_since(self, instant: str) -> list[dict[str, Any]] | None: ...  # None: too far back


def iso_of(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(epoch_seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def encode_rows(rows: list[list[Any]]) -> list[bytes]:
    """Compact rows -> compressed chunks, each small enough for one DynamoDB item."""
    import json

    data = zlib.compress(json.dumps(rows, separators=(",", ":")).encode(), 6)
    return [data[start : start + CHUNK_BYTES] for start in range(0, len(data), CHUNK_BYTES)] or [b""]


def decode_rows(chunks: list[bytes]) -> list[dict[str, Any]]:
    import json

    data = b"".join(chunks)
    return [listing_of_row(row) for row in json.loads(zlib.decompress(data))] if data else []


class WarmCatalogue:
    def __init__(
        self,
        source: CatalogueSource,
        refresh_seconds: float,
        *,
        overlap_seconds: float = 10.0,
        full_reload_seconds: float = 900.0,
        clock: Callable[[], float] = time.time,
    ):
        self.source = source
        self.refresh_seconds = refresh_seconds
        self.overlap_seconds = overlap_seconds
        self.full_reload_seconds = full_reload_seconds
        self.clock = clock
        self._index: CatalogueIndex | None = None
        self._loaded_at = 0.0
        self._looked_at = 0.0
        self._next_look = 0.0
        self.loaded_from = ""  # "snapshot" or "catalogue": how the last full load began

    def current(self) -> CatalogueIndex:
        started = self.clock()
        if self._index is None or started - self._loaded_at >= self.full_reload_seconds:
            self._index, self._looked_at = self._load(started)
            self._loaded_at = started
        elif started >= self._next_look:
            changed = self.source.changed_since(iso_of(self._looked_at - self.overlap_seconds))
            if changed is None:
                self._index, self._looked_at = self._load(started)
                self._loaded_at = started
            else:
                self._index.upsert(changed)
                self._looked_at = started
        else:
            return self._index
        self._next_look = self.clock() + self.refresh_seconds
        return self._index

    def _load(self, started: float) -> tuple[CatalogueIndex, float]:
        snapshot = self.source.load_snapshot()
        if snapshot is None:
            self.loaded_from = "catalogue"
            return CatalogueIndex(self.source.load_catalogue()), started
        watermark, listings = snapshot
        since = datetime.fromisoformat(watermark.replace("Z", "+00:00")).timestamp() - self.overlap_seconds
        changed = self.source.changed_since(iso_of(since))
        if changed is None:  # the snapshot is more than a week old: the change consumer is stuck
            self.loaded_from = "catalogue"
            return CatalogueIndex(self.source.load_catalogue()), started
        self.loaded_from = "snapshot"
        index = CatalogueIndex(listings)
        index.upsert(changed)
        return index, started


def snapshot_rows(source: CatalogueSource, now: float, overlap_seconds: float = 10.0) -> tuple[str, list[list[Any]]]:
    """The rows of a new snapshot and its watermark: the previous snapshot plus what changed since
    (or the whole change feed when there is none yet). Past listings are left out."""
    watermark = iso_of(now)
    previous = source.load_snapshot()
    changed = None
    if previous is not None:
        since = datetime.fromisoformat(previous[0].replace("Z", "+00:00")).timestamp() - overlap_seconds
        changed = source.changed_since(iso_of(since))
    if previous is None or changed is None:
        index = CatalogueIndex(source.load_catalogue())
    else:
        index = CatalogueIndex(previous[1])
        index.upsert(changed)
    rows = [row_of(entry) for entry in index.entries.values() if entry.status == ACTIVE and entry.ends_at > watermark]
    return watermark, rows
