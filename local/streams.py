"""DynamoDB Streams event sources: a table's stream read in order and handed to its consumer.

A mapping comes from a function's SAM ``Events: {Type: DynamoDB, Properties: {Stream, BatchSize,
StartingPosition, ...}}`` or an ``AWS::Lambda::EventSourceMapping`` on a stream ARN (the table
needs a ``StreamSpecification``; ``!GetAtt Table.StreamArn`` is its ARN). moto records the stream
(one shard per table); the poller reads it through the DynamoDB Streams API, in order, up to
``BatchSize`` records (default 100), and invokes the function synchronously with Lambda's event
(``Records[]`` with ``eventID``, ``eventName`` INSERT/MODIFY/REMOVE, ``dynamodb`` with ``Keys``,
``NewImage``/``OldImage``, ``SequenceNumber``, ``ApproximateCreationDateTime``;
``eventSourceARN``). As in AWS:

* a batch that succeeds moves the checkpoint past it;
* with ``FunctionResponseTypes: [ReportBatchItemFailures]``, the checkpoint moves to just before
  the lowest ``itemIdentifier`` (a sequence number) reported, and the batch is retried from there;
* a batch that fails is retried, in order, blocking the shard, after 1, 2, 4... seconds (at most
  60) on the runtime's clock; after ``MaximumRetryAttempts`` (default: until it succeeds) it is
  skipped and ``DestinationConfig.OnFailure`` gets a record of it. ``BisectBatchOnFunctionError``
  halves the batch on each failure.

``StartingPosition: LATEST`` starts after the records present at start; ``TRIM_HORIZON`` from the
first. Not supported: ``TumblingWindowInSeconds``, ``FilterCriteria``, ``ParallelizationFactor``
(one batch at a time per shard), record age limits.
"""

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from local.functions import FUNCTION
from local.queues import REPORT_BATCH_ITEM_FAILURES
from local.template import REGION

_wakers: dict[str, list["StreamPoller"]] = {}  # table name -> pollers


@dataclass
class StreamMapping:
    function_id: str
    stream_arn: str
    batch_size: int = 100
    starting_position: str = "TRIM_HORIZON"
    report_failures: bool = False
    maximum_retries: int = -1
    bisect: bool = False
    on_failure: str | None = None
    enabled: bool = True

    @property
    def table_name(self) -> str:
        return self.stream_arn.split(":table/", 1)[1].split("/stream/", 1)[0]


def stream_event_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A record from GetRecords as a record of Lambda's DynamoDB event."""
    dynamodb = dict(record["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
    return {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": record.get("awsRegion", REGION),
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }


class StreamPoller:
    def __init__(self, runtime: Any, mapping: StreamMapping):
        self.runtime = runtime
        self.mapping = mapping
        self.log = logging.getLogger("local.streams")
        self._lock = threading.Lock()
        self._event = threading.Event()
        self._stopped = threading.Event()
        self._generation = 0
        self._idle = False
        self._checkpoint: str | None = None  # last sequence number handled
        self._failures = 0
        self._retry_at: float | None = None
        self._shard_id = ""
        self._thread = threading.Thread(target=self._run, name=f"stream-{mapping.function_id}", daemon=True)

    # -- clock source ---------------------------------------------------------------------------

    def next_due(self, now: float) -> float | None:
        return self._retry_at if self._retry_at is not None and self._retry_at > now else None

    def wake(self) -> None:
        with self._lock:
            self._generation += 1
            self._idle = False
        self._event.set()

    @property
    def idle(self) -> bool:
        return self._idle

    # -- polling --------------------------------------------------------------------------------

    def start(self) -> None:
        from shared import aws

        client = aws.client("dynamodbstreams")
        shards = client.describe_stream(StreamArn=self.mapping.stream_arn)["StreamDescription"]["Shards"]
        self._shard_id = shards[0]["ShardId"]
        if self.mapping.starting_position == "LATEST":
            records = self._read(None, 10_000)
            self._checkpoint = records[-1]["dynamodb"]["SequenceNumber"] if records else None
        _wakers.setdefault(self.mapping.table_name, []).append(self)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._event.set()
        if self in _wakers.get(self.mapping.table_name, []):
            _wakers[self.mapping.table_name].remove(self)

    def _read(self, after: str | None, limit: int) -> list[dict[str, Any]]:
        from shared import aws

        client = aws.client("dynamodbstreams")
        position = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after} if after else {}
        iterator = client.get_shard_iterator(
            StreamArn=self.mapping.stream_arn,
            ShardId=self._shard_id,
            **(position or {"ShardIteratorType": "TRIM_HORIZON"}),
        )["ShardIterator"]
        return client.get_records(ShardIterator=iterator, Limit=limit)["Records"]

    def _run(self) -> None:
        while not self._stopped.is_set():
            with self._lock:
                generation = self._generation
                self._event.clear()
                self._idle = False
            try:
                progressed = self._poll()
            except Exception:
                self.log.exception("reading %s for %s failed", self.mapping.stream_arn, self.mapping.function_id)
                progressed = False
            if progressed:
                continue
            with self._lock:
                quiet = self._generation == generation
                self._idle = quiet
            if quiet:
                self._event.wait(1.0)

    def _poll(self) -> bool:
        if self._retry_at is not None and self.runtime.clock.now() < self._retry_at:
            return False
        size = self.mapping.batch_size
        if self.mapping.bisect and self._failures:
            size = max(1, size >> self._failures)
        records = self._read(self._checkpoint, size)
        if not records:
            return False
        self._retry_at = None
        event = {"Records": [stream_event_record(record, self.mapping.stream_arn) for record in records]}
        sequence_numbers = [record["dynamodb"]["SequenceNumber"] for record in records]
        try:
            result = self.runtime.invoke(self.mapping.function_id, event)
        except Exception as error:
            self.log.warning("%s failed a stream batch: %r", self.mapping.function_id, error)
            self._failed(records)
            return True
        failed = self._reported(result, sequence_numbers) if self.mapping.report_failures else []
        if failed is None or failed:
            first = sequence_numbers.index(min(failed, key=int)) if failed else 0
            if first > 0:
                self._checkpoint = sequence_numbers[first - 1]
            self._failed(records[first:])
            return True
        self._checkpoint = sequence_numbers[-1]
        self._failures = 0
        return True

    @staticmethod
    def _reported(result: Any, sequence_numbers: list[str]) -> list[str] | None:
        if not isinstance(result, dict) or not result.get("batchItemFailures"):
            return []
        failed = []
        for failure in result["batchItemFailures"]:
            identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
            if identifier not in sequence_numbers:
                return None
            failed.append(identifier)
        return failed

    def _failed(self, records: list[dict[str, Any]]) -> None:
        self._failures += 1
        retries = self.mapping.maximum_retries
        if retries >= 0 and self._failures > retries:
            self._skip(records)
            return
        clock = self.runtime.clock
        self._retry_at = clock.now() + min(2 ** (self._failures - 1), 60)
        clock.call_at(self._retry_at, self.wake)

    def _skip(self, records: list[dict[str, Any]]) -> None:
        numbers = [record["dynamodb"]["SequenceNumber"] for record in records]
        self._checkpoint = numbers[-1]
        attempts, self._failures = self._failures, 0
        if self.mapping.on_failure:
            now = datetime.fromtimestamp(self.runtime.clock.now(), UTC).isoformat(timespec="milliseconds")
            self.runtime.send_to(
                self.mapping.on_failure,
                {
                    "requestContext": {
                        "requestId": numbers[0],
                        "functionArn": self.runtime.functions[self.mapping.function_id].arn,
                        "condition": "RetryAttemptsExhausted",
                        "approximateInvokeCount": attempts,
                    },
                    "timestamp": now,
                    "DDBStreamBatchInfo": {
                        "shardId": self._shard_id,
                        "startSequenceNumber": numbers[0],
                        "endSequenceNumber": numbers[-1],
                        "batchSize": len(numbers),
                        "streamArn": self.mapping.stream_arn,
                    },
                },
            )


def mappings_of(runtime: Any) -> list[StreamMapping]:
    found = []
    for key, function in runtime.resources(FUNCTION).items():
        for event in (function.properties.get("Events") or {}).values():
            if event.get("Type") == "DynamoDB":
                properties = function.stack.resolver.resolve(event.get("Properties") or {})
                found.append(_mapping(key, str(properties["Stream"]), properties))
    for resource in runtime.resources("AWS::Lambda::EventSourceMapping").values():
        properties = resource.resolved()
        if ":dynamodb:" in str(properties.get("EventSourceArn", "")):
            from local.hooks import owner_of_function

            owner = owner_of_function(str(properties["FunctionName"]))
            if owner is None or owner[0] is not runtime:
                raise ValueError(f"{resource.key}: FunctionName must name a function of this template")
            found.append(_mapping(owner[1], str(properties["EventSourceArn"]), properties))
    return [mapping for mapping in found if mapping.enabled]


def _mapping(function_id: str, stream_arn: str, properties: dict[str, Any]) -> StreamMapping:
    for unsupported in ("TumblingWindowInSeconds", "FilterCriteria"):
        if properties.get(unsupported):
            raise NotImplementedError(f"{function_id}: {unsupported} on stream events does not run locally")
    on_failure = ((properties.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
    return StreamMapping(
        function_id=function_id,
        stream_arn=stream_arn,
        batch_size=int(properties.get("BatchSize", 100)),
        starting_position=str(properties.get("StartingPosition", "TRIM_HORIZON")),
        report_failures=REPORT_BATCH_ITEM_FAILURES in (properties.get("FunctionResponseTypes") or []),
        maximum_retries=int(properties.get("MaximumRetryAttempts", -1)),
        bisect=str(properties.get("BisectBatchOnFunctionError", False)).lower() == "true",
        on_failure=on_failure,
        enabled=str(properties.get("Enabled", True)).lower() != "false",
    )


class StreamSources:
    def __init__(self, runtime: Any):
        self.runtime = runtime
        self.pollers: list[StreamPoller] = []

    def load(self) -> None:
        _notify_on_new_records()
        for mapping in mappings_of(self.runtime):
            poller = StreamPoller(self.runtime, mapping)
            self.pollers.append(poller)
            self.runtime.clock.add_source(poller)
            poller.start()

    def stop(self) -> None:
        for poller in self.pollers:
            poller.stop()
            self.runtime.clock.remove_source(poller)
        self.pollers.clear()

    def busy(self) -> list[str]:
        return [
            f"{poller.mapping.function_id} is reading {poller.mapping.table_name}'s stream"
            for poller in self.pollers
            if not poller.idle
        ]


def _notify_on_new_records() -> None:
    from moto.dynamodb.models.table import StreamShard

    if getattr(StreamShard.add, "wakes_pollers", False):
        return
    original = StreamShard.add

    def add(shard: Any, old: Any, new: Any) -> None:
        original(shard, old, new)
        for poller in list(_wakers.get(shard.table.name, [])):
            poller.wake()

    add.wakes_pollers = True  # type: ignore[attr-defined]
    StreamShard.add = add  # type: ignore[method-assign]
