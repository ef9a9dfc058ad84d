"""Health checks and the figures one instance can honestly report.

Decisions the spec leaves open:

* ``checks`` are real calls, each timed: ``database`` (a consistent GetItem on the table),
  ``storage`` (HeadBucket on the documents bucket), ``queues`` (the document and webhook queues'
  depths; ``warn`` while a dead-letter queue holds messages) and ``memory`` (this instance's peak
  resident memory against its Lambda memory size; ``warn`` past 80 %; locally it is the whole
  process's, which several functions share, so expect ``warn`` there). There
  is no cache in this design, so there is no ``cache`` check.
* ``status`` is ``healthy`` when every check passes, ``degraded`` when one warns, ``unhealthy``
  when one fails; ``GET /health`` answers 200 either way (it is a report), ``GET /health/ready``
  answers 503 ``SERVICE_UNAVAILABLE`` when a dependency (database, storage, queues) fails,
  ``GET /health/live`` 200 while the function runs.
* ``metrics`` describe this instance of the health function since it started (``uptime``): its
  requests per second, average response time and error rate, and its memory use. API-wide
  figures are in CloudWatch (the HTTP API's and each function's metrics and alarms).
"""

import contextvars
import resource
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

STARTED = time.monotonic()


class InstanceStats:
    def __init__(self) -> None:
        self.requests = 0
        self.errors = 0
        self.total_ms = 0.0

    def record(self, duration_ms: float, failed: bool) -> None:
        self.requests += 1
        self.errors += int(failed)
        self.total_ms += duration_ms

    def metrics(self, memory_percent: int) -> dict[str, Any]:
        uptime = max(time.monotonic() - STARTED, 1e-3)
        return {
            "requestsPerSecond": round(self.requests / uptime, 3),
            "averageResponseTime": round(self.total_ms / self.requests, 1) if self.requests else 0,
            "errorRate": round(self.errors / self.requests, 4) if self.requests else 0,
            "memoryUsage": memory_percent,
        }


def uptime_seconds() -> int:
    return int(time.monotonic() - STARTED)


def timed(name: str, probe: Callable[[], tuple[str, str]]) -> tuple[str, dict[str, Any]]:
    started = time.perf_counter()
    try:
        status, message = probe()
    except Exception as error:  # a check that cannot run is a failed dependency
        status, message = "fail", f"{type(error).__name__}: {error}"[:200]
    return name, {"status": status, "responseTime": round((time.perf_counter() - started) * 1000), "message": message}


def memory_check(limit_mb: int) -> dict[str, Any]:
    used_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    percent = min(100, round(used_mb * 100 / limit_mb)) if limit_mb else 0
    status = "warn" if percent > 80 else "pass"  # memory pressure degrades; it is not a dependency down
    return {
        "status": status,
        "usage": percent,
        "limit": 100,
        "usedMb": round(used_mb),
        "limitMb": limit_mb,
        "message": "Memory usage normal" if status == "pass" else "Memory usage high",
    }


def run_checks(probes: dict[str, Callable[[], tuple[str, str]]], limit_mb: int) -> dict[str, Any]:
    with ThreadPoolExecutor(max_workers=len(probes)) as pool:
        contexts = [contextvars.copy_context() for _ in probes]  # copied on the caller's thread
        results = dict(pool.map(lambda context, item: context.run(timed, *item), contexts, probes.items()))
    results["memory"] = memory_check(limit_mb)
    return results


def overall(checks: dict[str, Any]) -> str:
    statuses = {check["status"] for check in checks.values()}
    return "unhealthy" if "fail" in statuses else "degraded" if "warn" in statuses else "healthy"
