"""Cosmic Tic-Tac-Toe figures for ``make bench``.

* **AI tiers**: at least 10,000 simulated games per tier between the reference player (an optimal
  move, uniformly at random among the optimal ones) and the tier, beside the spec's win rate and
  the exact rate computed over the game tree. Pure Python over the memoised solution of the 5,478
  positions: no AWS, a few seconds for all tiers.
* **Warm latency** through the local runtime (template routing, API Gateway v2 event, Mangum,
  FastAPI, moto): a move that the game goes on after (one match update), a move that ends the
  game (the ledger transaction that pays it, with the match, streaks, achievements and
  challenges), starting a match, and the reads. The spec's targets are p50/p99 100/300 ms for a
  move and 20/100 ms for a read; the aim here is a fifth of the move's.
* **DynamoDB requests** each of those makes, as recorded at the botocore layer.
* **Cold start** first requests of the Cosmic functions, measured by ``bench.cold_start`` beside
  JIGA's against the same floor.
"""

import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import httpx

from bench.cold_start import FirstRequest
from bench.harness import ROOT, DynamoDBCalls, MotoClock, log
from bench.report import Table
from bench.warm import EndpointRun, Timer

# Cosmic's code directory on the path, as Lambda puts a function's CodeUri (the tests get it from
# pyproject's pythonpath; a benchmark has no such setting)
if str(ROOT / "functions" / "cosmic") not in sys.path:
    sys.path.insert(0, str(ROOT / "functions" / "cosmic"))

from cosmic_ttt.catalogue import tiers
from cosmic_ttt.logic import engine
from tests.support.cosmic import CosmicDriver, Player, engine_board

MOVE_TARGET_MS = (100, 300)
READ_TARGET_MS = (20, 100)


# -- AI tiers --------------------------------------------------------------------------------------


def simulate_tiers(games: int, seed: int = 2025) -> Table:
    rng = random.Random(seed)
    rows = []
    worst = 0.0
    for tier in tiers().values():
        started = time.perf_counter()
        results = [engine.play_out(engine.reference_move, tier.mistake_rate, rng) for _ in range(games)]
        elapsed = time.perf_counter() - started
        wins = results.count(engine.FIRST) / games
        draws = results.count(engine.EMPTY) / games
        losses = results.count(engine.SECOND) / games
        margin = 1.96 * math.sqrt(max(wins * (1 - wins), 1e-12) / games)
        worst = max(worst, abs(wins - tier.target_win_rate) / max(margin, 1 / games))
        rows.append(
            [
                tier.tier,
                f"{tier.target_win_rate:.0%}",
                f"{engine.reference_win_rate(tier.mistake_rate):.2%}",
                f"{wins:.2%}",
                f"±{margin:.2%}",
                f"{draws:.2%}",
                f"{losses:.2%}",
                f"{tier.mistake_rate:.4f}",
                f"{games / elapsed:,.0f}",
            ]
        )
    return Table(
        f"AI tiers: the reference player against each tier, {games:,} simulated games per tier",
        ["tier", "spec win rate", "exact", "simulated", "95% CI", "draws", "player losses", "mistake rate", "games/s"],
        rows,
        [
            "reference player: an optimal move (keeping the game value), uniformly at random among the optimal ones",
            "exact = the win probability computed over the whole game tree for the tier's calibrated mistake rate",
            f"largest deviation of a simulated rate from the spec's, in 95% half-widths: {worst:.2f}"
            " (above ~2 would be suspicious)",
        ],
    )


# -- warm latency ----------------------------------------------------------------------------------


class Runs:
    """Requests timed one by one and filed by the name of what they did."""

    def __init__(self, calls: DynamoDBCalls, clock: MotoClock):
        self.timer = Timer(calls, clock)
        self.by_name: dict[str, EndpointRun] = {}

    def send(self, name: str, request: Callable[[], httpx.Response], status: int) -> httpx.Response:
        run, responses = self.timer.run(name, [request], status)
        found = self.by_name.setdefault(name, EndpointRun(name, [], [], []))
        found.latency_s += run.latency_s
        found.moto_s += run.moto_s
        found.calls += run.calls
        return responses[0]


def measure_warm(client: httpx.Client, calls: DynamoDBCalls, clock: MotoClock, count: int) -> list[EndpointRun]:
    """``count`` matches (a move goes on about three times a match and ends it once), and reads."""
    driver = CosmicDriver(client)
    runs = Runs(calls, clock)
    log(f"cosmic: {count} matches through the local runtime")
    players = [driver.veteran(currencies={"cosmic_essence": 10_000}) for _ in range(max(count // 10, 1))]
    rng = random.Random(7)
    tier_names = list(tiers())
    matches = []
    for number in range(count):
        player = players[number % len(players)]
        symbol = "ox"[number % 2]
        body = {"opponent_type": "ai", "ai_tier": tier_names[number % len(tier_names)], "symbol_choice": symbol}
        started = runs.send("start match", partial(client.post, "/v1/matches", json=body, headers=player.headers), 201)
        match = started.json()
        matches.append((player, match["match_id"]))
        board = match["board"]
        while True:
            cell = engine.reference_move(engine_board(board, symbol), rng)
            url = f"/v1/matches/{match['match_id']}/moves"
            send = partial(client.post, url, json={"row": cell // 3, "col": cell % 3}, headers=player.headers)
            answer = _move(runs, send)
            if answer["status"] != "in_progress":
                break
            board = answer["board_after_ai"]
    _reads(runs, client, players, matches)
    order = ["start match", "move (game goes on)", "move (game ends: paid)", *READS]
    return [runs.by_name[name] for name in order if name in runs.by_name]


def _move(runs: Runs, send: Callable[[], httpx.Response]) -> dict[str, Any]:
    """Time a move, and file it once its answer says whether the game ended."""
    run, responses = runs.timer.run("move", [send], 200)
    answer = responses[0].json()
    name = "move (game goes on)" if answer["status"] == "in_progress" else "move (game ends: paid)"
    found = runs.by_name.setdefault(name, EndpointRun(name, [], [], []))
    found.latency_s += run.latency_s
    found.moto_s += run.moto_s
    found.calls += run.calls
    return answer


READS = ["get wallet", "get progress", "get match", "match history", "get loadout", "daily shop", "cosmetics page"]


def _reads(runs: Runs, client: httpx.Client, players: list[Player], matches: list[tuple[Player, str]]) -> None:
    for player, match_id in matches:
        me = player.player_id
        runs.send("get wallet", partial(client.get, f"/v1/players/{me}/wallet", headers=player.headers), 200)
        runs.send("get progress", partial(client.get, f"/v1/players/{me}/progress", headers=player.headers), 200)
        runs.send("get match", partial(client.get, f"/v1/matches/{match_id}", headers=player.headers), 200)
        runs.send("match history", partial(client.get, "/v1/matches/history", headers=player.headers), 200)
        runs.send("get loadout", partial(client.get, f"/v1/players/{me}/loadout", headers=player.headers), 200)
        runs.send("daily shop", partial(client.get, "/v1/shop/daily"), 200)
        runs.send("cosmetics page", partial(client.get, "/v1/cosmetics", headers=player.headers), 200)


def targets_table(runs: list[EndpointRun]) -> Table:
    """The spec's latency targets beside what was measured (moto's share taken out)."""
    rows = []
    for run in runs:
        action = run.name.startswith(("move", "start"))
        target = MOVE_TARGET_MS if action else READ_TARGET_MS
        aim = (target[0] / 5, target[1] / 5) if action else target
        p50, p99 = run.percentile_ms(50, without_moto=True), run.percentile_ms(99, without_moto=True)
        rows.append(
            [
                run.name,
                f"{p50:.1f}",
                f"{p99:.1f}",
                f"{target[0]}/{target[1]}",
                f"{aim[0]:.0f}/{aim[1]:.0f}",
                "yes" if p50 <= aim[0] and p99 <= aim[1] else "no",
                f"{statistics.fmean(len(calls) for calls in run.calls):.1f}",
            ]
        )
    return Table(
        "Cosmic against the spec's latency targets (ms, without moto's share)",
        ["operation", "p50", "p99", "spec p50/p99", "aim", "within aim", "DynamoDB requests (mean)"],
        rows,
        [
            "aim: a fifth of the spec's target for match actions (the issue's goal), the spec's own for reads",
            "a move's DynamoDB requests vary with what it sets off; the table below shows the typical sequence",
        ],
    )


# -- cold start -----------------------------------------------------------------------------------


def first_requests(driver: CosmicDriver) -> dict[str, FirstRequest]:
    """A representative first request per Cosmic function (see bench.cold_start)."""
    player = driver.veteran(currencies={"cosmic_essence": 1_000})
    finished = driver.play(player, "void_novice", "o", seed=3)
    token = player.access_token
    me = player.player_id
    return {
        "CosmicAuthFunction": FirstRequest(
            "refresh", "POST", "/v1/auth/refresh", body={"refresh_token": player.refresh_token}
        ),
        "CosmicMatchesFunction": FirstRequest("get match", "GET", f"/v1/matches/{finished['match_id']}", token=token),
        "CosmicEconomyFunction": FirstRequest("get wallet", "GET", f"/v1/players/{me}/wallet", token=token),
        "CosmicProgressionFunction": FirstRequest("get progress", "GET", f"/v1/players/{me}/progress", token=token),
        "CosmicCosmeticsFunction": FirstRequest("get loadout", "GET", f"/v1/players/{me}/loadout", token=token),
        "CosmicTradingFunction": FirstRequest("trading status", "GET", "/v1/trading/status", token=token),
    }
