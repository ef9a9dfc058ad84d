"""Asynchronous invocations (``InvocationType="Event"``, S3 notifications, schedules), as Lambda
runs them: queued, retried after a function error, then sent to the failure destination.

* Retries: ``EventInvokeConfig.MaximumRetryAttempts`` (0-2, default 2), the first one minute after
  the failure and the second two minutes after that, on the runtime's clock (``clock.advance``
  runs them in tests). An event older than ``MaximumEventAgeInSeconds`` (default 6 hours) is not
  retried.
* After the last attempt: ``EventInvokeConfig.DestinationConfig.OnFailure`` gets an invocation
  record (``requestContext.condition: RetriesExhausted``, ``requestPayload``, ``responsePayload``),
  or else ``DeadLetterQueue`` gets the event itself (with ``RequestID``/``ErrorCode``/
  ``ErrorMessage`` attributes). ``OnSuccess`` gets a record of each success. Destinations may be
  SQS queues, SNS topics, functions or EventBridge buses.
"""

import json
import logging
import threading
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from local import clock as clocks
from local.functions import FunctionSpec

RETRY_DELAYS = (60.0, 120.0)
DEFAULT_MAX_AGE = 6 * 3600


@dataclass
class AsyncEvent:
    function_id: str
    payload: Any
    qualifier: str | None
    queued_at: float
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    attempts: int = 0


class AsyncInvoker:
    def __init__(self, runtime: Any):
        self.runtime = runtime
        self.log = logging.getLogger("local.async")
        self._busy = 0
        self._condition = threading.Condition()
        self.records: list[dict[str, Any]] = []  # every final outcome, newest last (for tests)

    @property
    def idle(self) -> bool:
        return self._busy == 0

    def invoke(self, function_id: str, payload: Any, qualifier: str | None = None) -> str:
        """Queue an event for the function; returns the request id. Runs on its own thread."""
        event = AsyncEvent(function_id, payload, qualifier, self.runtime.clock.now())
        self._start(event)
        return event.request_id

    def _start(self, event: AsyncEvent) -> None:
        with self._condition:
            self._busy += 1
        threading.Thread(target=self._attempt, args=(event,), name=f"async-{event.function_id}", daemon=True).start()

    def _attempt(self, event: AsyncEvent) -> None:
        try:
            event.attempts += 1
            spec = self.runtime.functions[event.function_id]
            try:
                result = self.runtime.invoke(event.function_id, event.payload, qualifier=event.qualifier)
            except Exception as error:
                self._failed(spec, event, error)
            else:
                self._succeeded(spec, event, result)
        except Exception:
            self.log.exception("asynchronous invocation of %s could not be handled", event.function_id)
        finally:
            with self._condition:
                self._busy -= 1
                self._condition.notify_all()

    def _failed(self, spec: FunctionSpec, event: AsyncEvent, error: Exception) -> None:
        config = spec.event_invoke
        retries = int(config.get("MaximumRetryAttempts", 2))
        max_age = float(config.get("MaximumEventAgeInSeconds", DEFAULT_MAX_AGE))
        clock = self.runtime.clock
        if event.attempts <= retries:
            when = clock.now() + RETRY_DELAYS[min(event.attempts - 1, len(RETRY_DELAYS) - 1)]
            if when - event.queued_at <= max_age:
                clock.call_at(when, lambda: self._start(event))
                return
        response = {
            "errorMessage": str(error),
            "errorType": type(error).__name__,
            "stackTrace": traceback.format_tb(error.__traceback__),
        }
        record = self._record(spec, event, "RetriesExhausted", response, function_error=True)
        self.records.append(record)
        on_failure = (config.get("DestinationConfig") or {}).get("OnFailure") or {}
        if on_failure.get("Destination"):
            self.runtime.send_to(on_failure["Destination"], record)
        elif spec.dead_letter_queue.get("TargetArn"):
            attributes = {
                "RequestID": event.request_id,
                "ErrorCode": "200",
                "ErrorMessage": str(error)[:256],
            }
            self.runtime.send_to(spec.dead_letter_queue["TargetArn"], event.payload, attributes)
        else:
            self.log.warning(
                "asynchronous invocation of %s failed %d times and has no destination: %s",
                spec.logical_id,
                event.attempts,
                error,
            )

    def _succeeded(self, spec: FunctionSpec, event: AsyncEvent, result: Any) -> None:
        record = self._record(spec, event, "Success", result, function_error=False)
        self.records.append(record)
        on_success = (spec.event_invoke.get("DestinationConfig") or {}).get("OnSuccess") or {}
        if on_success.get("Destination"):
            self.runtime.send_to(on_success["Destination"], record)

    @staticmethod
    def _record(spec: FunctionSpec, event: AsyncEvent, condition: str, response: Any, function_error: bool) -> dict:
        qualifier = event.qualifier or "$LATEST"
        record: dict[str, Any] = {
            "version": "1.0",
            "timestamp": datetime.fromtimestamp(clocks.now(), UTC).isoformat(timespec="milliseconds"),
            "requestContext": {
                "requestId": event.request_id,
                "functionArn": f"{spec.arn}:{qualifier}",
                "condition": condition,
                "approximateInvokeCount": event.attempts,
            },
            "requestPayload": event.payload,
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST"},
            "responsePayload": response,
        }
        if function_error:
            record["responseContext"]["functionError"] = "Unhandled"
        try:
            json.dumps(record)
        except (TypeError, ValueError):
            record["responsePayload"] = str(response)
        return record
