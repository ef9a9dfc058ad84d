"""SQS event sources: the template's queue mappings polled as Lambda's pollers do.

A mapping comes from a function's SAM ``Events: {Type: SQS}`` or an
``AWS::Lambda::EventSourceMapping`` whose ``EventSourceArn`` is a queue. Its poller receives up to
``BatchSize`` messages (default 10) and invokes the function synchronously with Lambda's SQS event
(``Records`` with ``messageId``, ``receiptHandle``, ``body``, ``attributes`` such as
``ApproximateReceiveCount``, ``messageAttributes``, ``md5OfBody``, ``eventSource``,
``eventSourceARN``, ``awsRegion``). Then, as in AWS:

* the handler returned: every message is deleted, except, with ``FunctionResponseTypes:
  [ReportBatchItemFailures]``, the ones it lists in ``batchItemFailures`` (an entry naming no
  message of the batch fails the whole batch);
* the handler raised: nothing is deleted;
* what is not deleted becomes visible again after the queue's ``VisibilityTimeout`` (on the
  runtime's clock) and is received again; once it has been received ``maxReceiveCount`` times, the
  queue's ``RedrivePolicy`` moves it to the dead-letter queue (moto does this on the next receive).

``MaximumBatchingWindowInSeconds`` holds a partial batch until the window (on the clock) closes.
One batch at a time per mapping unless ``ScalingConfig.MaximumConcurrency`` asks for more (AWS
runs several); ``FilterCriteria`` is not supported (it raises at start).
"""

import base64
import logging
import threading
from dataclasses import dataclass
from typing import Any

from local.moto_fixes import MOTO_LOCK
from local.provision import queue_url
from local.template import ACCOUNT_ID, REGION

REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures"
_wakers: dict[str, list["QueuePoller"]] = {}  # queue name -> pollers, woken when a message arrives


@dataclass
class QueueMapping:
    function_id: str
    queue_arn: str
    batch_size: int = 10
    window: float = 0.0
    report_failures: bool = False
    concurrency: int = 1
    enabled: bool = True

    @property
    def queue_name(self) -> str:
        return self.queue_arn.split(":")[5]


def _moto_queue(name: str) -> Any:
    from moto.sqs.models import sqs_backends

    return sqs_backends[ACCOUNT_ID][REGION].queues.get(name)


def message_event_record(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    """One received message as a record of Lambda's SQS event."""
    attributes = {}
    for name, value in (message.get("MessageAttributes") or {}).items():
        attribute: dict[str, Any] = {"stringListValues": [], "binaryListValues": [], "dataType": value["DataType"]}
        if "StringValue" in value:
            attribute["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            attribute["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode()
        attributes[name] = attribute
    record = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes") or {}),
        "messageAttributes": attributes,
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    }
    if message.get("MD5OfMessageAttributes"):
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def failed_message_ids(result: Any, batch_ids: list[str]) -> list[str] | None:
    """The ids a partial batch response reports; None when the response fails the whole batch."""
    if not isinstance(result, dict) or not result.get("batchItemFailures"):
        return []
    failed = []
    for failure in result["batchItemFailures"]:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not identifier or identifier not in batch_ids:
            return None
        failed.append(identifier)
    return failed


class QueuePoller:
    """One mapping's poller: receive, invoke, delete what succeeded."""

    def __init__(self, runtime: Any, mapping: QueueMapping):
        self.runtime = runtime
        self.mapping = mapping
        self.url = queue_url(mapping.queue_name)
        self.log = logging.getLogger("local.queues")
        self._lock = threading.Lock()
        self._event = threading.Event()
        self._stopped = threading.Event()
        self._generation = 0
        self._working = 0
        self._idle = [False] * mapping.concurrency
        self._window_opened: float | None = None
        self._threads = [
            threading.Thread(target=self._run, args=(index,), name=f"sqs-{mapping.function_id}", daemon=True)
            for index in range(mapping.concurrency)
        ]

    # -- clock source ---------------------------------------------------------------------------

    def next_due(self, now: float) -> float | None:
        """When a message in flight or delayed becomes deliverable, or the batching window closes."""
        moments = []
        if self._window_opened is not None:
            moments.append(self._window_opened + self.mapping.window)
        with MOTO_LOCK:
            queue = _moto_queue(self.mapping.queue_name)
            messages = list(queue._messages) if queue is not None else []
        for message in messages:
            for moment in (message.visible_at, message.delayed_until):
                if moment and moment / 1000.0 > now:
                    moments.append(moment / 1000.0)
        return min((moment for moment in moments if moment > now), default=None)

    def wake(self) -> None:
        with self._lock:
            self._generation += 1
            self._idle = [False] * len(self._idle)
        self._event.set()

    @property
    def idle(self) -> bool:
        return all(self._idle) and self._working == 0

    # -- polling --------------------------------------------------------------------------------

    def start(self) -> None:
        _wakers.setdefault(self.mapping.queue_name, []).append(self)
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._event.set()
        if self in _wakers.get(self.mapping.queue_name, []):
            _wakers[self.mapping.queue_name].remove(self)

    def _run(self, index: int) -> None:
        while not self._stopped.is_set():
            with self._lock:
                generation = self._generation
                self._event.clear()
                self._idle[index] = False
            try:
                delivered = self._poll()
            except Exception:
                self.log.exception("polling %s for %s failed", self.mapping.queue_name, self.mapping.function_id)
                delivered = False
            if delivered:
                continue
            with self._lock:
                quiet = self._generation == generation
                self._idle[index] = quiet
            if quiet:
                self._event.wait(1.0)

    def _poll(self) -> bool:
        mapping = self.mapping
        if mapping.window > 0 and not self._window_closed():
            return False
        messages = self._receive()
        self._window_opened = None
        if not messages:
            return False
        with self._lock:
            self._working += 1
        try:
            self._deliver(messages)
        finally:
            with self._lock:
                self._working -= 1
        return True

    def _window_closed(self) -> bool:
        """With a batching window: deliver a full batch at once, a partial one when the window closes."""
        with MOTO_LOCK:
            queue = _moto_queue(self.mapping.queue_name)
            ready = len(queue.messages) if queue is not None else 0
        if ready == 0:
            self._window_opened = None
            return False
        if ready >= self.mapping.batch_size:
            return True
        now = self.runtime.clock.now()
        if self._window_opened is None:
            self._window_opened = now
            self.runtime.clock.call_at(now + self.mapping.window, self.wake)
        return now >= self._window_opened + self.mapping.window

    def _receive(self) -> list[dict[str, Any]]:
        from shared import aws

        client = aws.client("sqs")
        messages: list[dict[str, Any]] = []
        while len(messages) < self.mapping.batch_size:
            received = client.receive_message(
                QueueUrl=self.url,
                MaxNumberOfMessages=min(10, self.mapping.batch_size - len(messages)),
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
                WaitTimeSeconds=0,
            ).get("Messages", [])
            messages.extend(received)
            if not received:
                break
        return messages

    def _deliver(self, messages: list[dict[str, Any]]) -> None:
        from shared import aws

        event = {"Records": [message_event_record(message, self.mapping.queue_arn) for message in messages]}
        ids = [message["MessageId"] for message in messages]
        try:
            result = self.runtime.invoke(self.mapping.function_id, event)
        except Exception as error:
            self.log.warning("%s failed a batch of %d from %s: %r", self.mapping.function_id, len(ids), self.url, error)
            return
        failed = failed_message_ids(result, ids) if self.mapping.report_failures else []
        if failed is None:
            self.log.warning("%s returned an invalid batchItemFailures: the batch returns", self.mapping.function_id)
            return
        done = [message for message in messages if message["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            entries = [
                {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                for index, message in enumerate(done[start : start + 10])
            ]
            aws.client("sqs").delete_message_batch(QueueUrl=self.url, Entries=entries)


def mappings_of(runtime: Any) -> list[QueueMapping]:
    """The queue mappings of the template: SAM ``SQS`` events and EventSourceMapping resources."""
    found = []
    for key, function in runtime.resources("AWS::Serverless::Function").items():
        for event in (function.properties.get("Events") or {}).values():
            if event.get("Type") == "SQS":
                properties = function.stack.resolver.resolve(event.get("Properties") or {})
                found.append(_mapping(key, str(properties["Queue"]), properties))
    for mapping in runtime.resources("AWS::Lambda::EventSourceMapping").values():
        properties = mapping.resolved()
        source = str(properties.get("EventSourceArn", ""))
        if source.startswith("arn:aws:sqs:"):
            from local.hooks import owner_of_function

            owner = owner_of_function(str(properties["FunctionName"]))
            if owner is None or owner[0] is not runtime:
                raise ValueError(f"{mapping.key}: FunctionName must name a function of this template")
            found.append(_mapping(owner[1], source, properties))
    return [mapping for mapping in found if mapping.enabled]


def _mapping(function_id: str, queue_arn: str, properties: dict[str, Any]) -> QueueMapping:
    if properties.get("FilterCriteria"):
        raise NotImplementedError(f"{function_id}: FilterCriteria on SQS events does not run locally")
    scaling = properties.get("ScalingConfig") or {}
    return QueueMapping(
        function_id=function_id,
        queue_arn=queue_arn,
        batch_size=int(properties.get("BatchSize", 10)),
        window=float(properties.get("MaximumBatchingWindowInSeconds", 0)),
        report_failures=REPORT_BATCH_ITEM_FAILURES in (properties.get("FunctionResponseTypes") or []),
        concurrency=int(scaling.get("MaximumConcurrency", 1)),
        enabled=str(properties.get("Enabled", True)).lower() != "false",
    )


class QueueSources:
    """Every queue mapping of one runtime."""

    def __init__(self, runtime: Any):
        self.runtime = runtime
        self.pollers: list[QueuePoller] = []

    def load(self) -> None:
        _notify_on_new_messages()
        for mapping in mappings_of(self.runtime):
            poller = QueuePoller(self.runtime, mapping)
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
            f"{poller.mapping.function_id} is polling {poller.mapping.queue_name}"
            for poller in self.pollers
            if not poller.idle
        ]


def _notify_on_new_messages() -> None:
    """Wake a queue's pollers the moment a message is added (sent, or moved by a redrive)."""
    from moto.sqs.models import Queue

    if getattr(Queue.add_message, "wakes_pollers", False):
        return
    original = Queue.add_message

    def add_message(queue: Any, message: Any) -> None:
        original(queue, message)
        for poller in list(_wakers.get(queue.name, [])):
            poller.wake()

    add_message.wakes_pollers = True  # type: ignore[attr-defined]
    Queue.add_message = add_message  # type: ignore[method-assign]
