"""Search benchmark: warm marketplace search over 10,000 published listings, through the local runtime.

Seeds the listings straight through the DAL (agents, listings and their catalogue projections in
batches: fast, no HTTP), makes the first search ever (no snapshot exists: the instance reads every
page of the catalogue, indexes it and writes the snapshot), then changes 25 listings (hire outcomes,
which append to the change log as every projection write does) and starts new instances: each
new instance's first search reads the snapshot and the changes since it (``cold`` figures, median
of 5 new instances). Then it warms up and times ~200 searches with varied text, filters, sort
orders and pages through
``runtime.client("JigaHttpApi")`` (API Gateway event -> Mangum -> FastAPI, as in AWS), counting
the DynamoDB requests each one makes with a botocore ``before-call.dynamodb`` handler.

Goals: p95 <= 50 ms warm and <= 2 DynamoDB requests per warm search (the rate limiter's counter
and at most one catalogue refresh); a new instance's first search <= 1 s, with a number of
requests that does not grow with the catalogue (issue 11; the Python start of a new instance is
measured by bench/cold_start.py, these cold figures are its catalogue's start). Figures depend on
the machine; moto stands in for DynamoDB and is
much slower than it for some calls: a Query sorts the whole table and sizes every item (so the
cold load and a refresh take seconds here, tens of milliseconds in AWS), and the rate limiter's
UpdateItem costs several milliseconds. The figures therefore split a warm search into the search
logic (in-memory), the rate limiter, and the rest (API Gateway event, Mangum, FastAPI, JSON).

Run: ``python bench/search.py [--listings 10000] [--searches 200]``; ``run()`` returns the figures.
"""

import argparse
import gc
import random
import statistics
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT / "functions" / "jiga", ROOT / "layers" / "shared", ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

GAMES = [
    "Valorant",
    "Counter-Strike 2",
    "League of Legends",
    "Dota 2",
    "Fortnite",
    "Apex Legends",
    "Call of Duty",
    "Overwatch 2",
    "Rocket League",
    "Minecraft",
    "Elden Ring",
    "StarCraft II",
    "Street Fighter 6",
    "Tekken 8",
    "Rainbow Six Siege",
    "PUBG",
    "Hearthstone",
    "Teamfight Tactics",
    "World of Warcraft",
    "Destiny 2",
]
FOCUS = ["Aim training", "Strategy", "Positioning", "Drafting", "Economy", "Movement", "Shotcalling", "Mindset"]
VOCABULARY = """
coach coaching aim crosshair positioning rotation macro micro ranked climb tactics strategy
callouts utility economy clutch retake entry support duelist sniper flank vision ward draft
lane farm combo spacing footsies punish mindset tilt review vod replay warmup drills routine
friendly patient competitive casual beginner veteran esports tournament scrim teamwork comms
"""
WORDS = VOCABULARY.split()
NATIONALITIES = ["American", "French", "Korean", "Brazilian", "German", "Japanese", "Swedish", "Canadian"]
TIMEZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Asia/Seoul", "America/Sao_Paulo"]
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MIN_HOURLY = {"Bronze": 100, "Silver": 250, "Gold": 1_000, "Platinum": 2_500}
RANK_WEIGHTS = {"Bronze": 5, "Silver": 4, "Gold": 2, "Platinum": 1}


def _sentence(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _availability(rng: random.Random) -> dict[str, Any]:
    if rng.random() < 0.7:
        return {"schedule": "always", "timezone": "UTC"}
    hours = {}
    for day in rng.sample(DAYS, rng.randint(2, 6)):
        start = rng.randint(0, 23)
        hours[day] = {"start": f"{start:02d}:00", "end": f"{(start + rng.randint(2, 8)) % 24:02d}:30"}
    return {"schedule": "scheduled", "timezone": rng.choice(TIMEZONES), "hours": hours}


def synthetic_listing(rng: random.Random, number: int, published_at: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """An agent and its active listing, varied like a real catalogue."""
    rank = rng.choices(list(RANK_WEIGHTS), weights=list(RANK_WEIGHTS.values()))[0]
    agent_type = rng.choice(["Assistant", "Mentor", "Specialist"])
    agent_id, listing_id = f"agt_bench{number:06d}", f"lst_bench{number:06d}"
    specialization = None
    if agent_type == "Specialist" or rng.random() < 0.3:
        specialization = {
            "games": rng.sample(GAMES, rng.randint(1, 3)),
            "focus": rng.choice(FOCUS),
            "specialistType": "Trained",
        }
    configuration = {
        "provider": "gemini",
        "nationality": rng.choice(NATIONALITIES),
        "language": "en",
        "voiceId": "us_male",
        "features": {
            "hasVoiceChat": rng.random() < 0.6,
            "hasCommentator": rng.random() < 0.3,
            "hasMemory": rng.random() < 0.5,
        },
        "toolkit": ["observation"],
        **({"specialization": specialization} if specialization else {}),
    }
    agent = {
        "agentId": agent_id,
        "ownerId": f"usr_bench{number % 1000:04d}",
        "name": f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {number}",
        "rank": rank,
        "type": agent_type,
        "imageUrl": f"https://assets.jigastore.com/agents/{rank.lower()}-{agent_type.lower()}.png",
        "configuration": configuration,
        "achievements": [],
        "createdAt": published_at,
        "updatedAt": published_at,
        "version": 1,
    }
    hourly = rng.randint(MIN_HOURLY[rank], MIN_HOURLY[rank] * 8)
    hires = rng.choice([0, 0, rng.randint(1, 20), rng.randint(1, 500)])
    rated = rng.randint(0, hires)
    listing = {
        "listingId": listing_id,
        "agentId": agent_id,
        "ownerId": agent["ownerId"],
        "title": _sentence(rng, rng.randint(3, 8)).capitalize(),
        "description": _sentence(rng, rng.randint(15, 60)).capitalize() + ".",
        "tags": rng.sample(WORDS, rng.randint(1, 5)),
        "category": ["Gaming"],
        "pricing": {"hourly": hourly, "daily": hourly * 20, "weekly": hourly * 120},
        "availability": _availability(rng),
        "status": "active",
        "publishedAt": published_at,
        "totalHires": hires,
        "successfulHires": rng.randint(int(hires * 0.7), hires) if hires else 0,
        "ratingSum": round(sum(rng.uniform(2.5, 5) for _ in range(rated)), 2),
        "ratingCount": rated,
    }
    return agent, listing


def seed_listings(table_name: str, count: int, seed: int = 7) -> int:
    from jiga_store.dal.agents import AgentRepository
    from shared.errors import utc_now_iso

    rng = random.Random(seed)
    published_at = utc_now_iso()
    pairs = (synthetic_listing(rng, number, published_at) for number in range(count))
    return AgentRepository(table_name).bulk_load_published(pairs)


def search_queries(count: int, seed: int = 11) -> list[dict[str, Any]]:
    """Varied searches: free text, each filter, every sort order, later pages, bigger pages."""
    rng = random.Random(seed)
    sorts = ["relevance", "price_asc", "price_desc", "rating", "popular"]
    queries = []
    for _ in range(count):
        query: dict[str, Any] = {"sortBy": rng.choice(sorts)}
        if rng.random() < 0.5:
            query["q"] = " ".join(rng.sample(WORDS, rng.randint(1, 2)))
        if rng.random() < 0.4:
            query["game"] = rng.sample(GAMES, rng.randint(1, 2))
        if rng.random() < 0.4:
            query["rank"] = rng.sample(list(MIN_HOURLY), rng.randint(1, 2))
        if rng.random() < 0.2:
            query["type"] = rng.choice(["Assistant", "Mentor", "Specialist"])
        if rng.random() < 0.3:
            query["minPrice"] = rng.choice([0, 200, 500, 1_000])
            query["maxPrice"] = query["minPrice"] + rng.choice([500, 2_000, 10_000])
        if rng.random() < 0.3:
            query["hasVoiceChat"] = rng.choice(["true", "false"])
        if rng.random() < 0.15:
            query["hasCommentator"] = "true"
        if rng.random() < 0.15:
            query["specialization"] = rng.choice(FOCUS)
        if rng.random() < 0.2:
            query["minRating"] = rng.choice([3, 4, 4.5])
        query["page"] = rng.choice([1, 1, 1, 2, 5])
        query["limit"] = rng.choice([10, 20, 20, 50, 100])
        queries.append(query)
    return queries


def change_listings(table_name: str, count: int) -> int:
    """Finish a hire on ``count`` listings (their projections and the change log move)."""
    from jiga_store.dal.catalogue import CatalogueRepository

    repository = CatalogueRepository(table_name)
    for number in range(count):
        repository.record_hire_outcome(f"lst_bench{number:06d}", 4, True)
    return count


def new_instance_first_search(runtime: Any, client: Any, calls: Any, query: dict[str, Any]) -> tuple:
    """A new instance's first search: (ms, DynamoDB requests, their operations in order, CPU ms of
    the whole process: moto's share included, other jobs on the machine excluded)."""
    runtime.pools["JigaMarketplaceFunction"].retire()  # the next search starts a new instance
    # A new Lambda instance is a new process: it does not pay for collecting the retired
    # instance's index (a million objects), which here would otherwise land inside its request.
    gc.collect()
    started, cpu_started = time.perf_counter(), time.process_time()
    with calls.recording() as made:
        response = client.get("/api/v1/marketplace/search", params=query)
    elapsed = (time.perf_counter() - started) * 1000
    cpu_ms = (time.process_time() - cpu_started) * 1000
    assert response.status_code == 200, response.text
    operations = [call.operation for call in made]
    assert "Query" not in operations, operations  # it started from the snapshot, not a full load
    return elapsed, len(made), operations, cpu_ms


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))], 1)


class StageTimer:
    """Times one function (by patching the module attribute its caller looks up) per request."""

    def __init__(self, module: Any, name: str):
        self.module, self.name, self.original = module, name, getattr(module, name)
        self.elapsed_ms = 0.0

    def __enter__(self) -> "StageTimer":
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.elapsed_ms += (time.perf_counter() - started) * 1000

        setattr(self.module, self.name, timed)
        return self

    def __exit__(self, *_: Any) -> None:
        setattr(self.module, self.name, self.original)

    def take(self) -> float:
        taken, self.elapsed_ms = self.elapsed_ms, 0.0
        return taken


def run(listings: int = 10_000, searches: int = 200, warmup: int = 50) -> dict[str, Any]:
    from bench.harness import DynamoDBCalls
    from jiga_store.logic import marketplace
    from local.runtime import LocalRuntime
    from shared import app

    runtime = LocalRuntime(parameter_overrides={"RateLimitPerMinute": "1000000"}).start()
    calls = DynamoDBCalls()
    try:
        calls.install()
        started = time.perf_counter()
        seeded = seed_listings(runtime.physical_id("JigaTable"), listings)
        seed_seconds = time.perf_counter() - started
        with runtime.client("JigaHttpApi") as client:
            started = time.perf_counter()
            with calls.recording() as made:
                first = client.get("/api/v1/marketplace/search", params={"q": uuid.uuid4().hex})
            first_ms = (time.perf_counter() - started) * 1000
            assert first.status_code == 200, first.text
            first_requests = len(made)
            changed = change_listings(runtime.physical_id("JigaTable"), min(25, seeded))
            cold = [new_instance_first_search(runtime, client, calls, query) for query in search_queries(5, seed=5)]
            for query in search_queries(warmup, seed=3):
                client.get("/api/v1/marketplace/search", params=query)

            latencies, in_search, in_limiter, requests, totals = [], [], [], [], []
            operations: Counter[str] = Counter()
            refreshes = []
            with (
                StageTimer(marketplace, "search_marketplace") as search_stage,
                StageTimer(app, "check_rate_limit") as limiter_stage,
            ):
                for query in search_queries(searches):
                    started = time.perf_counter()
                    with calls.recording() as recorded:
                        response = client.get("/api/v1/marketplace/search", params=query)
                    latency = (time.perf_counter() - started) * 1000
                    assert response.status_code == 200, response.text
                    made = Counter(call.operation for call in recorded)
                    latencies.append(latency)
                    in_search.append(search_stage.take())
                    in_limiter.append(limiter_stage.take())
                    requests.append(sum(made.values()))
                    operations.update(made)
                    totals.append(response.json()["pagination"]["total"])
                    if made.get("Query"):
                        refreshes.append(round(latency, 1))
    finally:
        runtime.stop()
    cold_ms = [ms for ms, _, _, _ in cold]
    cold_cpu_ms = [cpu for _, _, _, cpu in cold]
    return {
        "listings": seeded,
        "seed_seconds": round(seed_seconds, 1),
        "first_search_ever_ms (no snapshot yet: reads every page, writes the snapshot)": round(first_ms, 1),
        "first_search_ever_dynamodb_requests": first_requests,
        "listings changed after the snapshot": changed,
        "cold_search_p50_ms (a new instance's first search: snapshot + changes)": round(statistics.median(cold_ms), 1),
        "cold_search_max_ms": round(max(cold_ms), 1),
        "cold_search_each_ms": ", ".join(f"{ms:.0f}" for ms in cold_ms),
        "cold_search_cpu_p50_ms (CPU time: what other jobs on the machine do not inflate)": round(
            statistics.median(cold_cpu_ms), 1
        ),
        "cold_search_dynamodb_requests": max(requests for _, requests, _, _ in cold),
        "cold_search_dynamodb_operations": " + ".join(cold[0][2]),
        "warm_searches": len(latencies),
        "warm_p50_ms": _percentile(latencies, 0.5),
        "warm_p95_ms": _percentile(latencies, 0.95),
        "warm_p99_ms": _percentile(latencies, 0.99),
        "warm_max_ms": round(max(latencies), 1),
        "search_logic_p50_ms": _percentile(in_search, 0.5),
        "search_logic_p95_ms": _percentile(in_search, 0.95),
        "rate_limiter_p50_ms": _percentile(in_limiter, 0.5),
        "rate_limiter_p95_ms": _percentile(in_limiter, 0.95),
        "dynamodb_requests_per_warm_search_max": max(requests),
        "dynamodb_requests_per_warm_search_mean": round(statistics.mean(requests), 2),
        "dynamodb_operations": dict(operations),
        "catalogue_refreshes_ms": refreshes,
        "median_matches": statistics.median(totals),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=10_000)
    parser.add_argument("--searches", type=int, default=200)
    arguments = parser.parse_args()
    figures = run(arguments.listings, arguments.searches)
    width = max(len(name) for name in figures)
    print("marketplace search")
    for name, value in figures.items():
        print(f"  {name:<{width}}  {value}")
    for line in search_goals(figures):
        print(f"  {line}")


def search_goals(figures: dict[str, Any]) -> list[str]:
    warm = figures["warm_p95_ms"] <= 50 and figures["dynamodb_requests_per_warm_search_max"] <= 2
    cold = figures["cold_search_max_ms"] <= 1000
    return [
        f"goal: p95 <= 50 ms and <= 2 DynamoDB requests per warm search: {'met' if warm else 'NOT met'}",
        f"goal: a new instance's first search <= 1 s (issue 11): {'met' if cold else 'NOT met'}",
    ]


if __name__ == "__main__":
    main()
