"""The search snapshot: a new instance starts from it and the changes since, and finds exactly
what an instance that read the whole catalogue finds."""

import random
from datetime import UTC, datetime
from typing import Any

import pytest

from jiga_store.logic.catalogue import WarmCatalogue, decode_snapshot, encode_snapshot
from jiga_store.logic.change_log import change_bucket, change_buckets
from jiga_store.logic.marketplace import CatalogueIndex, search
from jiga_store.models.search import SearchParams
from tests.unit.test_marketplace_search import ASSETS, NOW, FakeCatalogue, FakeClock, projection

WORDS = [
    *("sniper", "coach", "rotation", "macro", "ranked", "clutch"),
    *("utility", "vision", "draft", "warmup", "tilt", "scrim"),
]
GAMES = ["Valorant", "Dota 2", "Éclair Arena", "Warhammer 40,000"]


def catalogue(count: int, seed: int = 3) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [
        projection(
            f"lst_{n:04d}",
            name=f"{rng.choice(WORDS).title()} {n}",
            title=" ".join(rng.sample(WORDS, 3)),
            description=" ".join(rng.sample(WORDS, 6)),
            tags=rng.sample(WORDS, 2),
            games=rng.sample(GAMES, rng.randint(0, 2)),
            rank=rng.choice(["Bronze", "Silver", "Gold", "Platinum"]),
            hasVoiceChat=rng.random() < 0.5,
            pricing={"hourly": rng.randint(100, 9_000), "daily": 1, "weekly": 1},
            totalHires=(hires := rng.randint(0, 30)),
            successfulHires=rng.randint(0, hires),
            ratingSum=(count_ := rng.randint(0, hires)) * rng.uniform(1, 5),
            ratingCount=count_,
            recentReviews=[{"rating": 5, "comment": "great", "createdAt": "2024-01-02T00:00:00.000Z"}][: count_ > 0],
        )
        for n in range(count)
    ]


QUERIES = [
    {},
    {"q": "sniper"},
    {"q": "coa rot"},
    {"q": "eclair"},
    {"game": ["Warhammer 40,000"]},
    {"rank": ["Gold", "Platinum"], "sortBy": "price_desc"},
    {"minRating": 3, "sortBy": "rating", "limit": 50},
    {"hasVoiceChat": True, "minPrice": 500, "maxPrice": 4_000, "sortBy": "popular", "page": 2},
]


def results(index: CatalogueIndex, query: dict[str, Any]) -> dict[str, Any]:
    return search(index, SearchParams.model_validate(query), NOW, ASSETS)


def from_bytes(index: CatalogueIndex) -> CatalogueIndex:
    snapshot = decode_snapshot(encode_snapshot(index, "2024-01-15T10:00:00.000Z"))
    assert snapshot is not None
    return CatalogueIndex.from_snapshot(snapshot.entries, snapshot.postings)


@pytest.mark.parametrize("query", QUERIES)
def test_an_index_read_back_from_its_snapshot_answers_every_search_the_same(query):
    items = catalogue(300)
    original = CatalogueIndex(items)
    assert results(from_bytes(original), query) == results(original, query)


def test_changes_applied_after_a_snapshot_behave_as_on_a_full_index():
    items = catalogue(120)
    restored, full = from_bytes(CatalogueIndex(items)), CatalogueIndex(items)
    changes = [
        {**items[0], "title": "brand new words", "updatedAt": "2024-02-01T00:00:00.000Z"},
        {**items[1], "status": "suspended", "updatedAt": "2024-02-01T00:00:00.000Z"},
        projection("lst_new", title="sniper fresh", updatedAt="2024-02-01T00:00:00.000Z"),
    ]
    assert restored.upsert(changes) == full.upsert(changes) == 3
    for query in [*QUERIES, {"q": "brand"}, {"q": items[0]["title"].split()[0]}]:
        assert results(restored, query) == results(full, query)


def test_a_snapshot_from_other_code_or_corrupt_bytes_is_not_used():
    assert decode_snapshot(b"not zlib") is None
    import json
    import zlib

    assert decode_snapshot(zlib.compress(json.dumps({"format": 1, "fields": ["other"]}).encode())) is None


class FakeSnapshots:
    def __init__(self, source: FakeCatalogue):
        self.source = source
        self.stored: tuple[dict[str, Any], bytes] | None = None
        self.calls: list[str] = []

    def snapshot_head(self):
        self.calls.append("head")
        return self.stored[0] if self.stored else None

    def read_start(self, until: str, span_seconds: float):
        self.calls.append("head and change log")
        log: dict[str, list[str]] = {}
        for item in self.source.items:
            log.setdefault(change_bucket(item["updatedAt"]), []).append(item["listingId"])
        return (self.stored[0] if self.stored else None), log

    def read_snapshot(self, head, listing_ids: list[str]):
        self.calls.append(f"snapshot and {len(listing_ids)} projections")
        return self.stored[1], [item for item in self.source.items if item["listingId"] in listing_ids]

    def write_snapshot(self, payload: bytes, taken_at: str, listings: int) -> bool:
        self.calls.append("write")
        self.stored = ({"takenAt": taken_at, "listings": listings}, payload)
        return True


def test_the_first_instance_writes_a_snapshot_and_the_next_starts_from_it_plus_the_changes():
    start = datetime(2024, 1, 15, 10, 0, tzinfo=UTC).timestamp()
    source = FakeCatalogue(catalogue(50))
    snapshots = FakeSnapshots(source)
    clock = FakeClock(start)
    first = WarmCatalogue(source, refresh_seconds=5, snapshots=snapshots, clock=clock)
    assert len(first.current()) == 50 and first.started_from == "full load"
    assert snapshots.calls == ["head and change log", "head", "write"] and source.calls == [("all", None)]

    # a listing is published after the snapshot; a new instance starts two minutes later
    source.items.append(projection("lst_late", title="late sniper", updatedAt="2024-01-15T10:01:00.000Z"))
    clock.now += 120
    snapshots.calls.clear()
    second = WarmCatalogue(source, refresh_seconds=5, snapshots=snapshots, clock=clock)
    index = second.current()
    assert second.started_from == "snapshot"
    # of the change log, only the buckets since the snapshot count: the late listing
    assert snapshots.calls == ["head and change log", "snapshot and 1 projections"]
    assert source.calls == [("all", None)]  # the whole catalogue was read once, by the first instance
    assert [r["listingId"] for r in results(index, {"q": "late"})["results"]] == ["lst_late"]

    # five minutes after the snapshot, with a change seen, an instance refreshes the snapshot once
    clock.now += 200
    source.items.append(projection("lst_later", updatedAt="2024-01-15T10:05:10.000Z"))
    snapshots.calls.clear()
    second.current()
    assert snapshots.calls == ["head", "write"]
    clock.now += 6
    snapshots.calls.clear()
    second.current()
    assert snapshots.calls == []


def test_change_buckets_cover_the_span_in_ten_minute_steps():
    assert change_buckets("2024-01-15T10:05:00.000Z", 1_810) == [
        "2024-01-15T09:3",
        "2024-01-15T09:4",
        "2024-01-15T09:5",
        "2024-01-15T10:0",
    ]
