"""Warm instances: requests that arrive at once run at once, as separate Lambda instances would.

Each function has a pool of instances. An instance is a thread with its own asyncio event loop and
its own process-like state (``local.isolation``: environment, caches, log keys); it runs one
invocation at a time and stays warm for the next. An invocation takes an idle instance (the most
recently used, as Lambda tends to), or a new one when all are busy, up to the function's
``ReservedConcurrentExecutions`` or the runtime's ``max_instances``; beyond that it waits for one
(AWS would throttle). An invocation made from inside another (``lambda.invoke`` in a handler) may
exceed the limit rather than wait, so a chain of nested calls cannot deadlock.

A new deployment (``reconfigure``, new ports) retires the instances: running ones finish their
invocation, and the next invocations start new ones with the new configuration.
"""

import asyncio
import importlib
import itertools
import queue
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from local import isolation
from local.functions import FunctionSpec, LambdaContext

_STOP = object()


@dataclass
class _Work:
    event: Any
    qualifier: str | None
    future: Future


class Instance:
    """One warm sandbox of a function: a thread, an event loop, a process-like state."""

    def __init__(self, pool: "FunctionPool", number: int):
        self.pool = pool
        self.number = number
        self.state = isolation.InstanceState(pool.spec.logical_id, pool.environment())
        self.retired = False
        self._work: queue.SimpleQueue = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._serve, name=f"lambda-{pool.spec.logical_id}-{number}", daemon=True)
        self.thread.start()

    def submit(self, work: _Work) -> None:
        self._work.put(work)

    def stop(self) -> None:
        self._work.put(_STOP)

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        isolation.enter(self.state)
        try:
            while (work := self._work.get()) is not _STOP:
                try:
                    work.future.set_result(self.pool.run(work.event, work.qualifier))
                except BaseException as error:
                    work.future.set_exception(error)
                finally:
                    self.pool.release(self)
        finally:
            asyncio.set_event_loop(None)
            loop.close()


class FunctionPool:
    """The instances of one function."""

    def __init__(self, runtime: Any, spec: FunctionSpec, limit: int, hidden: set[str]):
        self.runtime = runtime
        self.spec = spec
        self.limit = max(1, spec.reserved_concurrency or limit)
        self._hidden = hidden
        self._instances: list[Instance] = []
        self._idle: list[Instance] = []
        self._numbers = itertools.count(1)
        self._condition = threading.Condition()
        self.invocations = 0

    def environment(self) -> dict[Any, Any]:
        return isolation.encoded_environment(self.spec.lambda_environment(), self._hidden - set(self.spec.environment))

    @property
    def size(self) -> int:
        """How many instances are warm or running now."""
        return len(self._instances)

    def invoke(self, event: Any, qualifier: str | None = None) -> Any:
        """Run one invocation on an instance and return what the handler returned (or raise)."""
        instance = self._acquire(nested=isolation.current() is not None)
        work = _Work(event, qualifier, Future())
        instance.submit(work)
        return work.future.result()

    def _acquire(self, nested: bool) -> Instance:
        with self._condition:
            while True:
                if self._idle:
                    return self._idle.pop()
                if len(self._instances) < self.limit or nested:
                    instance = Instance(self, next(self._numbers))
                    self._instances.append(instance)
                    return instance
                self._condition.wait()

    def release(self, instance: Instance) -> None:
        with self._condition:
            if instance.retired:
                if instance in self._instances:
                    self._instances.remove(instance)
                instance.stop()
            else:
                self._idle.append(instance)
            self._condition.notify()

    def retire(self) -> None:
        """Stop the idle instances; busy ones stop after their invocation."""
        with self._condition:
            for instance in self._instances:
                instance.retired = True
            for instance in self._idle:
                instance.stop()
                self._instances.remove(instance)
            self._idle.clear()
            self._condition.notify_all()

    def run(self, event: Any, qualifier: str | None) -> Any:
        """On an instance's thread: call the handler as Lambda does."""
        self.invocations += 1
        handler = self.runtime.handler(self.spec.logical_id)
        context = LambdaContext(self.spec.name or self.spec.logical_id, self.spec.memory, self.spec.timeout)
        context.qualifier = qualifier
        return handler(event, context)


class Handlers:
    """Handler functions imported from each function's CodeUri, once per process."""

    def __init__(self) -> None:
        self._handlers: dict[str, Callable] = {}
        self._lock = threading.Lock()

    def get(self, spec: FunctionSpec, state: isolation.InstanceState | None) -> Callable:
        handler = self._handlers.get(spec.logical_id)
        if handler is not None:
            return handler
        resolved = str(spec.code_uri.resolve())
        with self._lock:
            if resolved not in sys.path:
                sys.path.insert(0, resolved)
        module_name, attribute = spec.handler.rsplit(".", 1)
        # Import with the function's environment, as its sandbox would (module-level code may read it).
        with isolation.running_as(state):
            handler = getattr(importlib.import_module(module_name), attribute)
        self._handlers[spec.logical_id] = handler
        return handler

    def clear(self) -> None:
        self._handlers.clear()
