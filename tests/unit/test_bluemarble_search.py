"""The in-memory listing index, the snapshot's encoding, and the warm catalogue's refreshes."""

import random
from typing import Any

import pytest

from bluemarble_market.logic.catalogue import WarmCatalogue, decode_rows, encode_rows, iso_of, snapshot_rows
from bluemarble_market.logic.search import CatalogueIndex, Query, row_of, search_listings
from bluemarble_market.models.listings import ListingPageResponse
from shared.errors import Unprocessable

NOW = "2025-01-01T00:00:00.000Z"


def listing(number: int, **changes: Any) -> dict[str, Any]:
    base = {
        "listingId": f"l{number:05d}",
        "sellerId": f"s{number % 3}",
        "sellerName": f"Seller {number % 3}",
        "itemId": f"i{number % 5}",
        "itemName": f"Item {number % 5}",
        "itemType": ("Resource", "Tool", "Crafted Good")[number % 3],
        "island": ("Aethermoor", "Brinehold")[number % 2],
        "quantity": 10,
        "pricePerUnit": 100 + (number * 37) % 1000,
        "listingFee": 10,
        "endsAt": f"2025-02-{1 + number % 27:02d}T00:00:00.000Z",
        "createdAt": f"2024-12-{1 + number % 28:02d}T{number % 24:02d}:00:00.000Z",
        "updatedAt": f"2024-12-{1 + number % 28:02d}T{number % 24:02d}:00:00.000Z",
        "status": "ACTIVE",
        "views": number,
        "favorites": 0,
    }
    return {**base, **changes}


@pytest.fixture
def listings() -> list[dict[str, Any]]:
    return [listing(n) for n in range(300)]


def reference(listings, query: Query) -> list[str]:
    """The same search, by brute force."""
    from bluemarble_market.logic.analytics import category_key

    kept = [
        item
        for item in listings
        if item["status"] == "ACTIVE"
        and item["endsAt"] > NOW
        and (not query.category or category_key(item["itemType"]) == category_key(query.category))
        and (not query.island or item["island"].casefold() == query.island.casefold())
        and (not query.seller_id or item["sellerId"] == query.seller_id)
        and (query.min_cents is None or item["pricePerUnit"] >= query.min_cents)
        and (query.max_cents is None or item["pricePerUnit"] <= query.max_cents)
    ]
    key = {
        "newest": lambda i: (i["createdAt"], i["listingId"]),
        "price_asc": lambda i: (i["pricePerUnit"], i["listingId"]),
        "price_desc": lambda i: (i["pricePerUnit"], i["listingId"]),
        "ending_soon": lambda i: (i["endsAt"], i["listingId"]),
    }[query.sort]
    ordered = sorted(kept, key=key, reverse=query.sort in ("newest", "price_desc"))
    return [item["listingId"] for item in ordered]


@pytest.mark.parametrize("seed", range(25))
def test_the_index_answers_as_brute_force_does(listings, seed):
    rng = random.Random(seed)
    index = CatalogueIndex(listings)
    low = rng.choice([None, 200, 500])
    query = Query(
        category=rng.choice([None, "Resources", "tool", "crafted goods", "Weapons"]),
        island=rng.choice([None, "aethermoor", "Brinehold"]),
        seller_id=rng.choice([None, "s1"]),
        min_cents=low,
        max_cents=rng.choice([None, 900]) if low != 500 else None,
        sort=rng.choice(["newest", "price_asc", "price_desc", "ending_soon"]),
        limit=rng.choice([5, 20, 100]),
    )
    expected = reference(listings, query)
    walked, cursor = [], None
    for _ in range(200):
        page = index.search(Query(**{**query.__dict__, "cursor": cursor}), NOW)
        walked += [entry["id"] for entry in page["listings"]]
        assert page["pagination"]["total"] == len(expected)
        cursor = page["pagination"].get("nextCursor")
        if not cursor:
            break
    assert walked == expected
    second = index.search(Query(**{**query.__dict__, "page": 2}), NOW)
    assert [entry["id"] for entry in second["listings"]] == expected[query.limit : 2 * query.limit]
    ListingPageResponse.model_validate({"success": True, "data": second})


def test_changes_move_listings_in_and_out(listings):
    index = CatalogueIndex(listings)
    cheap = listing(7, pricePerUnit=1, updatedAt="2024-12-31T00:00:00.000Z")
    sold = listing(8, status="SOLD", updatedAt="2024-12-31T00:00:00.000Z")
    stale = listing(9, pricePerUnit=5, updatedAt="2024-11-01T00:00:00.000Z")
    assert index.upsert([cheap, sold, stale]) == 2
    first = index.search(Query(sort="price_asc", limit=1), NOW)["listings"][0]
    assert first["id"] == "l00007" and first["pricePerUnit"] == 0.01
    assert "l00008" not in index.entries
    assert index.entries["l00009"].price != 5  # an older change never overwrites a newer one


def test_listings_past_their_time_are_left_out_at_once():
    index = CatalogueIndex([listing(1, endsAt="2024-12-31T00:00:00.000Z"), listing(2)])
    assert [entry["id"] for entry in index.search(Query(), NOW)["listings"]] == ["l00002"]


def test_a_cursor_must_come_from_the_same_sort():
    index = CatalogueIndex([listing(n) for n in range(5)])
    cursor = index.search(Query(limit=2), NOW)["pagination"]["nextCursor"]
    with pytest.raises(Unprocessable, match="not issued"):
        index.search(Query(sort="price_asc", cursor=cursor), NOW)
    with pytest.raises(Unprocessable, match="not issued"):
        index.search(Query(cursor="garbage"), NOW)


def test_ended_listings_search_the_same_way():
    ended = [listing(n, status="SOLD") for n in range(5)]
    found = search_listings(ended, Query(sort="price_asc", limit=2), NOW)
    assert found["pagination"]["total"] == 5 and found["listings"][0]["status"] == "SOLD"


def test_snapshot_rows_round_trip(listings):
    index = CatalogueIndex(listings)
    rows = [row_of(entry) for entry in index.entries.values()]
    chunks = encode_rows(rows)
    assert all(len(chunk) <= 350 * 1024 for chunk in chunks)
    decoded = decode_rows(chunks)
    assert CatalogueIndex(decoded).search(Query(limit=100), NOW) == index.search(Query(limit=100), NOW)


class FakeSource:
    def __init__(self, snapshot=None, catalogue=(), changes=()):
        self.snapshot = snapshot
        self.catalogue = list(catalogue)
        self.changes = list(changes)
        self.calls: list[str] = []

    def load_snapshot(self):
        self.calls.append("snapshot")
        return self.snapshot

    def load_catalogue(self):
        self.calls.append("catalogue")
        return self.catalogue

    def changed_since(self, instant):
        self.calls.append(f"since {instant}")
        return [item for item in self.changes if item["updatedAt"] > instant]


def test_a_cold_instance_starts_from_the_snapshot_and_then_asks_only_for_changes():
    clock = [1_000.0]
    source = FakeSource(snapshot=("1970-01-01T00:16:30.000Z", [listing(1), listing(2)]))
    warm = WarmCatalogue(source, refresh_seconds=5, clock=lambda: clock[0])
    assert set(warm.current().entries) == {"l00001", "l00002"}
    assert source.calls == ["snapshot", "since 1970-01-01T00:16:20.000Z"]
    assert warm.loaded_from == "snapshot"
    warm.current()
    assert len(source.calls) == 2  # within the refresh interval: no request
    clock[0] += 6
    source.changes = [listing(3, updatedAt=iso_of(1_003))]
    assert "l00003" in warm.current().entries
    assert source.calls[-1] == f"since {iso_of(1_000 - 10)}"


def test_without_a_snapshot_a_cold_instance_reads_the_catalogue():
    source = FakeSource(catalogue=[listing(1), listing(2, status="CANCELLED")])
    warm = WarmCatalogue(source, refresh_seconds=5, clock=lambda: 10.0)
    assert set(warm.current().entries) == {"l00001"} and warm.loaded_from == "catalogue"


def test_a_new_snapshot_is_the_last_plus_what_changed_since():
    source = FakeSource(
        snapshot=("2024-12-30T00:00:00.000Z", [listing(1), listing(2)]),
        changes=[
            listing(2, status="SOLD", updatedAt="2024-12-31T00:00:00.000Z"),
            listing(3, updatedAt="2024-12-31T00:00:00.000Z"),
        ],
    )
    watermark, rows = snapshot_rows(source, now=1_735_689_600.0)  # 2025-01-01
    assert watermark == "2025-01-01T00:00:00.000Z"
    assert sorted(row[0] for row in rows) == ["l00001", "l00003"]


class StaleFeed(FakeSource):
    def changed_since(self, instant):
        self.calls.append(f"since {instant}")
        return None  # more than a week of changes: the feed says "read everything"


def test_a_snapshot_older_than_the_change_feed_reaches_is_not_trusted():
    source = StaleFeed(snapshot=("2024-01-01T00:00:00.000Z", [listing(1)]), catalogue=[listing(2)])
    warm = WarmCatalogue(source, refresh_seconds=5, clock=lambda: 10.0)
    assert set(warm.current().entries) == {"l00002"} and warm.loaded_from == "catalogue"
    _, rows = snapshot_rows(source, now=1_735_689_600.0)
    assert [row[0] for row in rows] == ["l00002"]
