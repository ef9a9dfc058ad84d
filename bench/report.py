"""The figures as tables: plain text for the terminal, Markdown for docs/performance.md."""

import os
import platform
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bench.cold_start import ColdStartReport
from bench.harness import ROOT
from bench.warm import EndpointRun

# Issue 6: every function at most 1.10x the floor that uses DynamoDB at all (FastAPI + Mangum +
# boto3 + one GetItem): a function that reads a table cannot avoid building a boto3 client.
COLD_START_GOAL = 1.10
TOP_CONTRIBUTORS = 8
COLD_START_COLUMNS = [
    "function (first request)",
    "import",
    "1st request",
    "total",
    "x floor",
    "x floor+GetItem",
    "wall",
    "moto",
]


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        widths = [max(len(str(cell)) for cell in column) for column in zip(self.headers, *self.rows, strict=True)]
        numeric = [all(_is_number(row[i]) for row in self.rows) for i in range(len(self.headers))]

        def line(cells: list[str]) -> str:
            return "  ".join(
                cell.rjust(width) if is_number else cell.ljust(width)
                for cell, width, is_number in zip(cells, widths, numeric, strict=True)
            ).rstrip()

        rule = "  ".join("-" * width for width in widths)
        body = [self.title, rule, line(self.headers), rule, *(line(row) for row in self.rows), rule]
        return "\n".join(body + self.notes)

    def markdown(self) -> str:
        numeric = [all(_is_number(row[i]) for row in self.rows) for i in range(len(self.headers))]
        lines = [
            f"**{self.title}**",
            "",
            "| " + " | ".join(self.headers) + " |",
            "|" + "|".join("---:" if is_number else "---" for is_number in numeric) + "|",
        ]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in self.rows]
        if self.notes:
            lines += ["", *(f"- {note}" for note in self.notes)]
        return "\n".join(lines)


def _is_number(cell: str) -> bool:
    try:
        float(cell.rstrip("x"))
    except ValueError:
        return cell in ("", "-")
    return True


def machine(load_at_start: float) -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {load_at_start:.1f} at start and {os.getloadavg()[0]:.1f} at the end"
    )


def cold_start_tables(report: ColdStartReport) -> list[Table]:
    floor = report.floor.median_ms("total_cpu")
    reference = report.floor_with_dynamodb.median_ms("total_cpu")
    rows = []
    over = []
    for result in report.results:
        total = result.median_ms("total_cpu")
        if not result.case.is_floor and total / reference > COLD_START_GOAL:
            over.append(f"{result.case.function_id} {total / reference:.2f}x")
        rows.append(
            [
                result.case.name,
                f"{result.median_ms('import_cpu'):.0f}",
                f"{result.median_ms('request_cpu'):.0f}",
                f"{total:.0f}",
                f"{total / floor:.2f}x",
                f"{total / reference:.2f}x",
                f"{result.median_ms('total_wall'):.0f}",
                f"{result.median_ms('moto_cpu'):.1f}",
            ]
        )
    floor_imports = [report.floor.median_ms("import_cpu"), report.floor_with_dynamodb.median_ms("import_cpu")]
    noise = abs(floor_imports[0] - floor_imports[1]) / min(floor_imports)
    notes = [
        "import = importing the handler module; 1st request = handler(event) minus moto's share; total = both;"
        " all CPU ms, median of the runs; wall = the median total in wall-clock ms; moto = CPU ms moto spent"
        " answering (it stands in for the network and is not counted)",
        f"noise gauge: both floor rows import the same module, and their import medians differ by {noise:.0%}",
        f"goal: every function <= {COLD_START_GOAL}x floor+GetItem: "
        + (f"{len(over)} of {len(report.results) - 2} over: {', '.join(over)}" if over else "all functions within it"),
    ]
    if report.unmeasured:
        notes.append(f"not measured (no first request in bench/cold_start.py): {', '.join(report.unmeasured)}")
    tables = [
        Table(
            f"Cold start: fresh interpreter, import + first request, median of {report.runs} runs (CPU ms)",
            COLD_START_COLUMNS,
            rows,
            notes,
        )
    ]

    functions = list(report.import_contributors)
    ranked: dict[str, float] = {}
    for contributors in report.import_contributors.values():
        for name, ms in contributors:
            ranked[name] = max(ranked.get(name, 0.0), ms)
    top = sorted(ranked, key=ranked.__getitem__, reverse=True)[:TOP_CONTRIBUTORS]
    by_function = {function: dict(report.import_contributors[function]) for function in functions}
    contributor_rows = [[name, *(f"{by_function[f].get(name, 0.0):.1f}" for f in functions)] for name in top]
    contributor_rows.append(
        ["all modules the floor does not import", *(f"{sum(by_function[f].values()):.1f}" for f in functions)]
    )
    tables.append(
        Table(
            "Import time beyond the floor, by package (python -X importtime self ms, one run each)",
            ["module or package", *functions],
            contributor_rows,
            [f"floor import under -X importtime: {report.floor_import_ms:.0f} ms (the profiler inflates all figures)"],
        )
    )
    return tables


def warm_table(runs: list[EndpointRun], count: int, title: str | None = None) -> Table:
    rows = [
        [
            run.name,
            f"{run.percentile_ms(50):.1f}",
            f"{run.percentile_ms(99):.1f}",
            f"{run.percentile_ms(50, without_moto=True):.1f}",
            f"{run.percentile_ms(99, without_moto=True):.1f}",
            f"{run.mean_moto_ms:.1f}",
        ]
        for run in runs
    ]
    return Table(
        f"{title or 'Warm latency through the local runtime'}, {count} requests per endpoint (ms)",
        ["endpoint", "p50", "p99", "p50 w/o moto", "p99 w/o moto", "moto (mean)"],
        rows,
        [
            "register and login are dominated by the scrypt password hash (n=2^14, r=8: 16 MiB), by design",
            "w/o moto = each request's time minus the time moto spent answering its DynamoDB and Secrets Manager calls",
        ],
    )


def dynamodb_table(runs: list[EndpointRun]) -> Table:
    rows = []
    for run in runs:
        calls = run.typical_calls
        note = f" ({run.atypical_requests} of {len(run.calls)} requests differ)" if run.atypical_requests else ""
        rows.append([run.name, str(len(calls)), " + ".join(str(call) for call in calls) + note])
    return Table(
        "DynamoDB requests per operation",
        ["operation", "requests", "DynamoDB API calls, in order (table x items)"],
        rows,
    )


def render(tables: list[Table], markdown: bool = False) -> str:
    if markdown:
        return "\n\n".join(table.markdown() for table in tables)
    return "\n\n".join(table.text() for table in tables)


def search_table(figures: dict) -> Table:
    """The 10,000-listing search run (bench/search.py) as one table: cold beside warm."""
    from bench.search import search_goals

    rows = [
        [name.replace("_", " "), str(value)] for name, value in figures.items() if not isinstance(value, dict | list)
    ]
    return Table(
        f"Marketplace search over {figures['listings']} published listings, cold and warm, through the local runtime",
        ["figure", "value"],
        rows,
        search_goals(figures),
    )
