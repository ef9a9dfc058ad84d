"""What every benchmark needs: a started local runtime, two probes that tell our work apart from
the harness's, and one fix to moto.

* ``DynamoDBCalls`` records each DynamoDB API call a request makes (one ``before-parameter-build``
  event per call, whatever moto answers), with the number of items a batch or transaction holds.
* ``MotoClock`` adds up the time spent inside moto answering requests. Moto stands in for the
  network round trip to DynamoDB and Secrets Manager; it is not our code, so figures are also
  given without it.
"""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter, thread_time
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LAYER_PATH = ROOT / "layers" / "shared"
# The limiter still makes its UpdateItem on every request; it just never throttles a benchmark.
RUNTIME_OVERRIDES = {"RateLimitPerMinute": "1000000"}


def log(message: str) -> None:
    """Progress on stderr, so stdout holds only the figures."""
    print(message, file=sys.stderr, flush=True)


def add_layer_to_path() -> None:
    """The shared layer is on Lambda's path (/opt/python); put it on ours before the runtime starts."""
    if str(LAYER_PATH) not in sys.path:
        sys.path.insert(0, str(LAYER_PATH))


def start_runtime() -> Any:
    add_layer_to_path()
    from local.runtime import LocalRuntime

    return LocalRuntime(parameter_overrides=dict(RUNTIME_OVERRIDES)).start()


@dataclass(frozen=True)
class DynamoDBCall:
    operation: str
    items: tuple[tuple[str, int], ...]  # (table, items) it touches: transaction items, batch keys

    def __str__(self) -> str:
        if "Transact" in self.operation or "Batch" in self.operation:
            return f"{self.operation}({', '.join(f'{table} x{count}' for table, count in self.items)})"
        return f"{self.operation}({self.items[0][0]})"


def _items_in(params: dict[str, Any]) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = {}
    if "TransactItems" in params:
        for item in params["TransactItems"]:
            table = next(iter(item.values()))["TableName"]
            counts[table] = counts.get(table, 0) + 1
    elif "RequestItems" in params:
        for table, request in params["RequestItems"].items():
            counts[table] = len(request["Keys"]) if isinstance(request, dict) else len(request)
    else:
        counts[params.get("TableName", "?")] = 1
    return tuple(counts.items())


class DynamoDBCalls:
    """Records DynamoDB API calls made while ``recording()`` is active."""

    def __init__(self) -> None:
        self._calls: list[DynamoDBCall] | None = None

    def install(self) -> None:
        """Register on boto3's default session, then drop cached clients so new ones inherit it."""
        import boto3

        from shared import aws

        boto3._get_default_session().events.register("before-parameter-build.dynamodb", self._on_call)
        aws.reset_clients()

    def _on_call(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if self._calls is not None:
            self._calls.append(DynamoDBCall(model.name, _items_in(params)))

    @contextmanager
    def recording(self) -> Iterator[list[DynamoDBCall]]:
        self._calls = calls = []
        try:
            yield calls
        finally:
            self._calls = None


class MotoClock:
    """Accumulates the time moto spends answering AWS requests: wall time, and CPU time of the
    calling thread (moto answers in the thread that sends the request)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.cpu_seconds = 0.0

    def install(self) -> "MotoClock":
        from moto.core.models import botocore_stubber

        answer = botocore_stubber.process_request

        def timed(request: Any) -> Any:
            started, started_cpu = perf_counter(), thread_time()
            try:
                return answer(request)
            finally:
                self.seconds += perf_counter() - started
                self.cpu_seconds += thread_time() - started_cpu

        botocore_stubber.process_request = timed
        return self
