"""BlueMarble benchmark: search over 10,000 active listings (warm, and a new instance's first),
a listing's detail, same-island purchases, and a sustained and a burst purchase load, all through
the local runtime (API Gateway event -> the template's function -> Mangum -> FastAPI), with the
DynamoDB requests each call makes and the books checked afterwards.

* Listings are seeded straight into the table (BatchWriteItem); the table's stream then reaches the
  change consumer as in AWS, and once it has settled, the consumer's snapshot step runs, so a new
  search instance starts from a snapshot as it would in steady state.
* "First search of a new instance": the runtime retires the browse function's instances (a new
  deployment), so the next search builds its index from the snapshot and the changes since. The
  modules are already imported (the import is the cold-start table's business, bench/cold_start.py).
* The sustained run sends 1,000 purchases a minute (one every 60 ms, 80% same island, 20% across
  the sea) for ``sustain_seconds``; the burst sends 100 in one second. Afterwards every
  BlueMarble ledger account is added up: coin and each item type must sum to zero, nothing may be
  negative, each listing's lock must equal its remaining quantity, every purchase must have
  settled. Violations are counted, not asserted: a benchmark reports.

Run: ``python -m bench.bluemarble [--listings 10000] [--sustain 60]``; ``run()`` returns the figures.
"""

import argparse
import contextlib
import os
import random
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT / "functions" / "bluemarble", ROOT / "layers" / "shared", ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

OVERRIDES = {"RateLimitPerMinute": "1000000", "BlueMarbleRateLimitScale": "100000"}
CATEGORIES = ["Resource", "Tool", "Crafted Good", "Food", "Gemstone", "Weapon"]
ISLANDS = ["Aethermoor", "Brinehold", "Cinderreach", "Duskmere", "Emberfall"]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))], 1) if ordered else 0.0


def seed_listings(table: str, count: int, seed: int = 7) -> list[str]:
    """``count`` active listings of varied items, islands, prices and ends (written directly), last
    changed over the past week, as a live catalogue's are."""
    from bluemarble_market.dal.listings import index_keys
    from shared import aws
    from shared.dynamo import to_item

    rng = random.Random(seed)
    now = datetime.now(UTC)
    ids, batch = [], []
    for number in range(count):
        listing_id = str(uuid.UUID(int=rng.getrandbits(128)))
        category = rng.choice(CATEGORIES)
        day = 1 + rng.randrange(28)
        changed = (now - timedelta(minutes=rng.randrange(2, 7 * 24 * 60))).isoformat(timespec="milliseconds")
        changed = changed.replace("+00:00", "Z")
        listing = {
            "listingId": listing_id,
            "sellerId": f"usr_benchseller{number % 500:04d}",
            "sellerName": f"Seller {number % 500}",
            "itemId": f"bench-item-{number % 400:03d}",
            "itemName": f"{category} {number % 400}",
            "itemType": category,
            "island": rng.choice(ISLANDS),
            "quantity": rng.randint(1, 500),
            "pricePerUnit": rng.randint(1, 500_000),
            "listingFee": 100,
            "endsAt": f"2099-01-{day:02d}T{rng.randrange(24):02d}:00:00.000Z",
            "createdAt": changed,
            "updatedAt": changed,
            "status": "ACTIVE",
            "views": 0,
            "favorites": 0,
            "version": 1,
        }
        ids.append(listing_id)
        batch.append(
            {
                "PutRequest": {
                    "Item": to_item({"pk": f"LISTING#{listing_id}", "sk": "LISTING", **listing, **index_keys(listing)})
                }
            }
        )
        if len(batch) == 25 or number == count - 1:
            request = {table: batch}
            while request:
                request = aws.dynamodb().batch_write_item(RequestItems=request).get("UnprocessedItems") or None
            batch = []
    return ids


def search_params(count: int, seed: int = 11) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        query: dict[str, Any] = {"sort": rng.choice(["newest", "price_asc", "price_desc", "ending_soon"])}
        if rng.random() < 0.5:
            query["category"] = rng.choice(CATEGORIES) + rng.choice(["", "s"])
        if rng.random() < 0.4:
            query["island"] = rng.choice(ISLANDS)
        if rng.random() < 0.3:
            query["minPrice"] = rng.choice([0, 10, 100, 1000])
            query["maxPrice"] = query["minPrice"] + rng.choice([50, 500, 5000])
        if rng.random() < 0.1:
            query["sellerId"] = f"usr_benchseller{rng.randrange(500):04d}"
        query["page"] = rng.choice([1, 1, 1, 2, 5])
        query["limit"] = rng.choice([20, 20, 50, 100])
        queries.append(query)
    return queries


class Timed:
    """Latencies (ms) and DynamoDB requests of sequential calls."""

    def __init__(self, calls: Any):
        self.calls = calls
        self.latencies: list[float] = []
        self.requests: list[int] = []
        self.operations: Counter[str] = Counter()

    def call(self, send: Any) -> Any:
        started = time.perf_counter()
        with self.calls.recording() as made:
            response = send()
        self.latencies.append((time.perf_counter() - started) * 1000)
        self.requests.append(len(made))
        self.operations.update(call.operation for call in made)
        return response

    def figures(self, name: str) -> dict[str, Any]:
        return {
            f"{name}_calls": len(self.latencies),
            f"{name}_p50_ms": percentile(self.latencies, 0.5),
            f"{name}_p95_ms": percentile(self.latencies, 0.95),
            f"{name}_dynamodb_requests_mean": round(statistics.mean(self.requests), 1) if self.requests else 0,
            f"{name}_dynamodb_requests_max": max(self.requests, default=0),
        }


def run(
    listings: int = 10_000, searches: int = 200, sequential: int = 100, sustain_seconds: int = 60
) -> dict[str, Any]:
    from bench.harness import DynamoDBCalls, MotoClock, log
    from local.runtime import LocalRuntime
    from local.seed import seed_operators
    from shared import aws
    from tests.support.bluemarble import (
        IRON_ORE,
        BlueMarbleDriver,
        conservation_problems,
        ledger_balances,
    )

    runtime = LocalRuntime(parameter_overrides=dict(OVERRIDES), states_time_scale=0).start()
    calls = DynamoDBCalls()
    moto = MotoClock()
    figures: dict[str, Any] = {}
    try:
        calls.install()
        moto.install()
        seed_operators(runtime)
        table = runtime.physical_id("BlueMarbleTable")
        log(f"bluemarble: seeding {listings} listings, then letting the change consumer settle")
        started = time.perf_counter()
        listing_ids = seed_listings(table, listings)
        runtime.drain(timeout=3600)
        with runtime.function_environment("BlueMarbleChangesFunction"):
            from bluemarble_market import dependencies
            from bluemarble_market.handlers import changes

            # The seeded listings carry past change times (a week's worth), which a change feed
            # never sees after the fact: the snapshot is built afresh, as on a new deployment.
            aws.dynamodb().delete_item(TableName=table, Key={"pk": {"S": "CATALOGUE"}, "sk": {"S": "SNAPSHOT"}})
            changes.refresh_snapshot(force=True)
            pointer = dependencies.catalogue_store().pointer()
        figures["listings"] = listings
        figures["seed_and_settle_seconds"] = round(time.perf_counter() - started, 1)
        figures["snapshot_listings"] = pointer["count"]
        figures["snapshot_kb"] = round(pointer["bytes"] / 1024, 1)
        figures["snapshot_chunks"] = pointer["chunks"]

        with runtime.client("BlueMarbleHttpApi") as client:
            driver = BlueMarbleDriver(client)
            viewer = driver.funded()
            # A new instance's first search: snapshot + changes since, then the search itself.
            runtime.reconfigure()
            first = Timed(calls)
            in_moto = moto.seconds
            response = first.call(lambda: client.get("/api/marketplace/listings", headers=viewer.headers))
            assert response.status_code == 200 and response.json()["data"]["pagination"]["total"] >= listings
            figures["first_search_new_instance_ms"] = round(first.latencies[0], 1)
            figures["first_search_in_moto_ms"] = round((moto.seconds - in_moto) * 1000, 1)
            figures["first_search_dynamodb_requests"] = dict(first.operations)
            with runtime.function_environment("BlueMarbleBrowseFunction"):
                figures.update(_cold_load(moto))

            log("bluemarble: warm searches")
            for params in search_params(50, seed=3):
                client.get("/api/marketplace/listings", params=params, headers=viewer.headers)
            warm = Timed(calls)
            for params in search_params(searches):
                response = warm.call(
                    lambda p=params: client.get("/api/marketplace/listings", params=p, headers=viewer.headers)
                )
                assert response.status_code == 200, response.text
            figures.update(warm.figures("warm_search"))
            figures["warm_search_p99_ms"] = percentile(warm.latencies, 0.99)
            figures["warm_search_operations"] = dict(warm.operations)
            with runtime.function_environment("BlueMarbleBrowseFunction"):
                figures.update(_search_logic(searches))

            log("bluemarble: listing details")
            rng = random.Random(5)
            detail = Timed(calls)
            for _ in range(sequential):
                listing_id = rng.choice(listing_ids)
                detail.call(lambda i=listing_id: client.get(f"/api/marketplace/listings/{i}", headers=viewer.headers))
            figures.update(detail.figures("listing_detail"))

            log("bluemarble: purchases")
            sellers = [driver.funded(items=[(IRON_ORE, 5_000)]) for _ in range(20)]
            market_listings = [driver.list_item(s, IRON_ORE, 5_000, "1.00")["id"] for s in sellers]
            buyers = [driver.funded(rng.choice(["Aethermoor"] * 4 + ["Brinehold"]), coin="1000.00") for _ in range(80)]
            same_island = [b for b in buyers if b.island == "Aethermoor"]
            single = Timed(calls)
            for number in range(sequential):
                buyer = same_island[number % len(same_island)]
                response = single.call(lambda b=buyer: driver.buy(b, rng.choice(market_listings), 1))
                assert response.status_code == 201, response.text
            figures.update(single.figures("purchase_same_island"))
            figures["purchase_same_island_operations"] = dict(single.operations)

            log(f"bluemarble: {sustain_seconds} s at 1,000 purchases a minute, then a burst of 100 in a second")
            figures.update(
                _load(driver, buyers, market_listings, per_second=1000 / 60, seconds=sustain_seconds, name="sustained")
            )
            figures.update(_load(driver, buyers, market_listings, per_second=100, seconds=1, name="burst"))
            runtime.drain(timeout=600)
            figures.update(_settled(driver, buyers))
        problems = conservation_problems(ledger_balances(runtime))
        problems += _lock_problems(runtime, market_listings)
        figures["invariant_violations"] = len(problems)
        if problems:
            figures["first_violations"] = problems[:5]
    finally:
        runtime.stop()
    return figures


def _cold_load(moto: Any) -> dict[str, Any]:
    """What a new instance's index costs, step by step: the snapshot (one GetItem and one
    BatchGetItem), decompressing and indexing it, and the changes since (one Query per hour)."""
    from bluemarble_market import dependencies
    from bluemarble_market.logic.catalogue import iso_of
    from bluemarble_market.logic.search import CatalogueIndex

    store = dependencies.catalogue_store()
    started, in_moto = time.perf_counter(), moto.seconds
    watermark, listings = store.load_snapshot()
    read_ms, read_moto_ms = (time.perf_counter() - started) * 1000, (moto.seconds - in_moto) * 1000
    started = time.perf_counter()
    index = CatalogueIndex(listings)
    index_ms = (time.perf_counter() - started) * 1000
    started, in_moto = time.perf_counter(), moto.seconds
    since = datetime.fromisoformat(watermark.replace("Z", "+00:00")).timestamp() - 10
    changed = store.changed_since(iso_of(since)) or []
    index.upsert(changed)
    delta_ms, delta_moto_ms = (time.perf_counter() - started) * 1000, (moto.seconds - in_moto) * 1000
    return {
        "cold_snapshot_read_ms": round(read_ms, 1),
        "cold_snapshot_read_in_moto_ms": round(read_moto_ms, 1),
        "cold_index_build_ms": round(index_ms, 1),
        "cold_changes_since_ms": round(delta_ms, 1),
        "cold_changes_since_in_moto_ms": round(delta_moto_ms, 1),
        "cold_changes_applied": len(changed),
        "cold_load_without_moto_ms": round(read_ms - read_moto_ms + index_ms + delta_ms - delta_moto_ms, 1),
    }


def _search_logic(searches: int) -> dict[str, Any]:
    """The in-memory search alone (what a warm search costs besides HTTP, the limiter and JSON)."""
    from bluemarble_market import dependencies
    from bluemarble_market.logic.search import Query

    index = dependencies.catalogue().current()
    samples = []
    for params in search_params(searches):
        query = Query(
            category=params.get("category"),
            island=params.get("island"),
            seller_id=params.get("sellerId"),
            min_cents=params["minPrice"] * 100 if "minPrice" in params else None,
            max_cents=params["maxPrice"] * 100 if "maxPrice" in params else None,
            sort=params["sort"],
            page=params["page"],
            limit=params["limit"],
        )
        started = time.perf_counter()
        index.search(query, "2030-01-01T00:00:00.000Z")
        samples.append((time.perf_counter() - started) * 1000)
    return {"search_logic_p50_ms": percentile(samples, 0.5), "search_logic_p95_ms": percentile(samples, 0.95)}


def _load(
    driver: Any, buyers: list[Any], listings: list[str], per_second: float, seconds: float, name: str
) -> dict[str, Any]:
    """Purchases sent on a fixed schedule from a pool of threads; latencies and outcomes."""
    total = round(per_second * seconds)
    rng = random.Random(17)
    plan = [(rng.choice(buyers), rng.choice(listings)) for _ in range(total)]
    latencies: list[float] = []
    outcomes: Counter[int] = Counter()
    lock = threading.Lock()
    started = time.perf_counter()

    def send(number: int) -> None:
        due = started + number / per_second
        time.sleep(max(0.0, due - time.perf_counter()))
        buyer, listing_id = plan[number]
        began = time.perf_counter()
        response = driver.buy(buyer, listing_id, 1)
        with lock:
            latencies.append((time.perf_counter() - began) * 1000)
            outcomes[response.status_code] += 1

    with ThreadPoolExecutor(max_workers=64) as pool:
        list(pool.map(send, range(total)))
    elapsed = time.perf_counter() - started
    return {
        f"{name}_purchases": total,
        f"{name}_seconds": round(elapsed, 1),
        f"{name}_achieved_per_minute": round(total / elapsed * 60),
        f"{name}_p50_ms": percentile(latencies, 0.5),
        f"{name}_p95_ms": percentile(latencies, 0.95),
        f"{name}_statuses": dict(outcomes),
    }


def _settled(driver: Any, buyers: list[Any]) -> dict[str, Any]:
    statuses: Counter[str] = Counter()
    for buyer in buyers:
        response = driver.client.get("/api/marketplace/transactions", params={"limit": 100}, headers=buyer.headers)
        for line in response.json()["data"]["transactions"]:
            statuses[line["status"]] += 1
    return {"purchase_statuses_after": dict(statuses)}


def _lock_problems(runtime: Any, listing_ids: list[str]) -> list[str]:
    from tests.support.bluemarble import IRON_ORE, ledger_balances, table_item

    balances = ledger_balances(runtime)
    problems = []
    for listing_id in listing_ids:
        quantity = table_item(runtime, f"LISTING#{listing_id}", "LISTING")["quantity"]
        locked = balances.get(f"lock:{listing_id}:ITEM.{IRON_ORE}", 0)
        if locked != quantity:
            problems.append(f"listing {listing_id}: lock {locked} != quantity {quantity}")
    return problems


def table(figures: dict[str, Any]) -> Any:
    """The figures as one table for ``make bench`` (bench/report.py renders it)."""
    from bench.report import Table

    rows = [[name.replace("_", " "), str(value)] for name, value in figures.items()]
    goals = [
        f"warm search p95 {figures['warm_search_p95_ms']} ms (goal 50 ms in-process; spec 750 ms)",
        f"new instance's first search {figures['first_search_new_instance_ms']} ms (goal 1,000 ms)",
        f"listing detail p95 {figures['listing_detail_p95_ms']} ms (spec 300 ms)",
        f"same-island purchase p95 {figures['purchase_same_island_p95_ms']} ms (spec 3,000 ms)",
        f"invariant violations after the load: {figures['invariant_violations']}",
    ]
    return Table(
        f"BlueMarble over {figures['listings']} active listings, through the local runtime",
        ["figure", "value"],
        rows,
        goals,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=10_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--sequential", type=int, default=100)
    parser.add_argument("--sustain", type=int, default=60, help="seconds at 1,000 purchases a minute")
    arguments = parser.parse_args()
    # stdout is for the figures: Powertools prints metrics locally (every 100 values); drop them.
    with open(os.devnull, "w") as discard, contextlib.redirect_stdout(discard):
        figures = run(arguments.listings, arguments.searches, arguments.sequential, arguments.sustain)
    width = max(len(name) for name in figures)
    for name, value in figures.items():
        print(f"  {name:<{width}}  {value}")


if __name__ == "__main__":
    main()
