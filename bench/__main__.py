"""``make bench``: print the performance figures; ``--update-docs`` also writes them into
docs/performance.md (between its ``bench:begin`` and ``bench:end`` markers)."""

import argparse
import contextlib
import os
import time
import warnings

from bench.cold_start import measure_cold_starts
from bench.harness import ROOT, DynamoDBCalls, MotoClock, log, start_runtime
from bench.live import measure_live
from bench.report import Table, cold_start_tables, dynamodb_table, machine, render, search_table, warm_table
from bench.warm import measure_idempotent_calls, measure_warm

DOCS = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="cold starts per function (median reported)")
    parser.add_argument("--requests", type=int, default=200, help="warm requests per endpoint")
    parser.add_argument("--skip-cold", action="store_true", help="only the warm figures and request counts")
    parser.add_argument("--only-cold", action="store_true", help="only the cold starts of every function")
    parser.add_argument("--live", type=int, default=30, help="hires and live sessions measured")
    parser.add_argument("--listings", type=int, default=10_000, help="published listings for the search figures")
    parser.add_argument("--skip-search", action="store_true", help="leave out the 10,000-listing search run")
    parser.add_argument("--skip-realestate", action="store_true", help="leave out the Real Estate figures")
    parser.add_argument("--only-realestate", action="store_true", help="only the Real Estate figures")
    parser.add_argument(
        "--realestate-records", type=int, default=10_000, help="conversations and leads per organisation"
    )
    parser.add_argument("--loqua", type=int, default=100, help="learners for the Loqua figures (0: leave them out)")
    parser.add_argument("--cosmic-games", type=int, default=10_000, help="simulated games per Cosmic AI tier")
    parser.add_argument("--cosmic-matches", type=int, default=60, help="Cosmic matches played through the runtime")
    parser.add_argument(
        "--skip-bluemarble", action="store_true", help="leave out the BlueMarble run (bench/bluemarble.py)"
    )
    parser.add_argument(
        "--bluemarble-sustain", type=int, default=60, help="seconds of BlueMarble purchases at 1,000/min"
    )
    parser.add_argument("--update-docs", action="store_true", help=f"write the figures into {DOCS.relative_to(ROOT)}")
    options = parser.parse_args()
    started, load = time.perf_counter(), os.getloadavg()[0]

    # stdout is for the figures: the functions' own output (logs; with metrics disabled locally,
    # Powertools keeps metrics and prints them every 100 values, and warns on flush) is dropped.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    with open(os.devnull, "w") as discard, contextlib.redirect_stdout(discard):
        tables = _measure(options)
    header = f"Measured {machine(load)}; took {time.perf_counter() - started:.0f} s"
    print(header, render(tables), sep="\n\n")
    if options.update_docs:
        _update_docs(f"{header}\n\n{render(tables, markdown=True)}")
        log(f"figures written to {DOCS.relative_to(ROOT)}")


def _measure(options: argparse.Namespace) -> list[Table]:
    runtime = start_runtime()
    from bench import cosmic
    from local.seed import seed_operators
    from tests.support.cosmic import CosmicDriver
    from tests.support.jiga import JigaDriver

    calls = DynamoDBCalls()
    calls.install()
    clock = MotoClock().install()
    seed_operators(runtime)
    runtime.reconfigure(CosmicRateLimitScale="100000")  # the limiter still writes; it never throttles
    tables = []
    if options.only_realestate:
        try:
            return _realestate(runtime, calls, clock, options)
        finally:
            runtime.stop()
    try:
        if not options.skip_realestate and not options.only_cold:
            tables += _realestate(runtime, calls, clock, options)
        with runtime.client("JigaHttpApi") as client, runtime.client("CosmicHttpApi") as cosmic_client:
            driver = JigaDriver(client)
            if not options.skip_cold:
                more = cosmic.first_requests(CosmicDriver(cosmic_client))
                tables += cold_start_tables(measure_cold_starts(runtime, driver, options.runs, more))
            if options.only_cold:
                return tables
            warm = measure_warm(driver, calls, clock, options.requests)
            idempotent = measure_idempotent_calls(driver, calls, clock)
            live = measure_live(runtime, driver, calls, clock, options.live)
            cosmic_warm = cosmic.measure_warm(cosmic_client, calls, clock, options.cosmic_matches)
        if options.loqua:
            from bench.loqua import measure_loqua

            loqua = measure_loqua(runtime, calls, clock, options.loqua)
    finally:
        runtime.stop()
    tables += [
        warm_table(warm, options.requests),
        warm_table(live, options.live, title="Hire and live sessions"),
        dynamodb_table(warm + idempotent + live[:2]),
    ]
    if options.loqua:
        tables += loqua
    log(f"cosmic: {options.cosmic_games:,} simulated games per AI tier")
    tables += [
        cosmic.simulate_tiers(options.cosmic_games),
        warm_table(cosmic_warm, options.cosmic_matches, title="Cosmic matches and reads (requests per match)"),
        cosmic.targets_table(cosmic_warm),
        dynamodb_table(cosmic_warm),
    ]
    if not options.skip_search:
        from bench import search

        log(f"search: seeding {options.listings} listings (slow: moto sorts the table on every Query)")
        tables.append(search_table(search.run(listings=options.listings)))
    if not options.skip_bluemarble:
        from bench import bluemarble

        figures = bluemarble.run(listings=options.listings, sustain_seconds=options.bluemarble_sustain)
        tables.append(bluemarble.table(figures))
    return tables


def _realestate(runtime, calls: DynamoDBCalls, clock: MotoClock, options: argparse.Namespace) -> list[Table]:
    from bench import realestate

    return realestate.run(runtime, calls, clock, options.requests, options.realestate_records)


def _update_docs(figures: str) -> None:
    text = DOCS.read_text()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{DOCS} has no {BEGIN} ... {END} section to fill")
    before, rest = text.split(BEGIN, 1)
    _, after = rest.split(END, 1)
    DOCS.write_text(f"{before}{BEGIN}\n{figures}\n{END}{after}")


if __name__ == "__main__":
    main()
