"""The runtime's clock: when schedules fire, SQS messages become visible again, batching windows
close and asynchronous retries run.

In real mode (``make dev``) its time is the real time plus an offset that ``advance(seconds)``
adds to, and a ticker thread wakes the event sources as their next moment comes. In manual mode
(tests) its time stands still where it started and moves only by ``advance(seconds)``, which walks
it forward from one due moment to the next, wakes the sources at each and waits until everything
they started has finished (see ``LocalRuntime.drain``) before taking the next step: a test gets
the same outcome every run, however slowly a loaded machine runs it (a visibility timeout cannot
lapse between two lines of a test). For the same reason an SQS receive with ``WaitTimeSeconds``
does not wait on a manual clock: it answers at once with what is visible.

Handlers still read the real time (``time.time()``, ``datetime.now()``): only the runtime's event
sources follow this clock. A function fired by a schedule after ``advance(3600)`` runs an hour
"early" by its own watch; the scheduled time is in its event (``time`` of an EventBridge event,
``<aws.scheduler.scheduled-time>`` in a Scheduler input).

moto's SQS reads this clock too (visibility timeouts, delays, retention), so a message that failed
comes back after ``advance(VisibilityTimeout)``. One clock serves every runtime of a process, as
one moto does.
"""

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

_EPSILON = 0.001  # moto compares visibility with ">": step just past the due moment


class ClockSource(Protocol):
    """Something that has work at moments of the clock (a poller, the scheduler, timers)."""

    def next_due(self, now: float) -> float | None:
        """The next moment after ``now`` at which this source has something to do, if any."""

    def wake(self) -> None:
        """Do (or start doing) whatever is due now."""


class Clock:
    def __init__(self, manual: bool = False):
        self.manual = manual
        self._started = time.time()
        self._offset = 0.0
        self._sources: list[ClockSource] = []
        self._settlers: list[Callable[[], None]] = []
        self._timers: list[tuple[float, int, Callable[[], None]]] = []
        self._sequence = itertools.count()
        self._lock = threading.RLock()
        self._advancing = threading.Lock()
        self._changed = threading.Event()
        self._stopped = threading.Event()
        self._ticker: threading.Thread | None = None

    @property
    def mode(self) -> str:
        return "manual" if self.manual else "real"

    def now(self) -> float:
        """Seconds since the epoch on this clock."""
        return (self._started if self.manual else time.time()) + self._offset

    # -- what runs on it --------------------------------------------------------------------------

    def add_source(self, source: ClockSource) -> None:
        with self._lock:
            self._sources.append(source)
        self._changed.set()

    def remove_source(self, source: ClockSource) -> None:
        with self._lock:
            if source in self._sources:
                self._sources.remove(source)

    def add_settler(self, settle: Callable[[], None]) -> None:
        """``settle()`` waits until a runtime has nothing left to do at the current moment."""
        with self._lock:
            self._settlers.append(settle)

    def remove_settler(self, settle: Callable[[], None]) -> None:
        with self._lock:
            if settle in self._settlers:
                self._settlers.remove(settle)

    def call_at(self, when: float, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the clock reaches ``when`` (on the ticker, or within ``advance``)."""
        with self._lock:
            heapq.heappush(self._timers, (when, next(self._sequence), callback))
        self._changed.set()

    def next_due(self) -> float | None:
        now = self.now()
        with self._lock:
            sources = list(self._sources)
            moments = [self._timers[0][0]] if self._timers else []
        for source in sources:
            moment = source.next_due(now)
            if moment is not None:
                moments.append(moment)
        return min(moments, default=None)

    def _wake(self) -> None:
        now = self.now()
        due = []
        with self._lock:
            while self._timers and self._timers[0][0] <= now:
                due.append(heapq.heappop(self._timers)[2])
            sources = list(self._sources)
        for callback in due:
            callback()
        for source in sources:
            source.wake()

    def _settle(self) -> None:
        with self._lock:
            settlers = list(self._settlers)
        for settle in settlers:
            settle()

    # -- moving it ------------------------------------------------------------------------------

    def advance(self, seconds: float) -> None:
        """Move the clock forward, firing what falls due on the way, in order, each step settled
        before the next. Works in real mode too (the ticker then carries on from the new time)."""
        if seconds < 0:
            raise ValueError("the clock does not go back")
        with self._advancing:
            target = self.now() + seconds
            self._step()
            while (due := self.next_due()) is not None and due <= target:
                self._offset += max(due - self.now(), 0) + _EPSILON
                self._step()
            self._offset += max(target - self.now(), 0)
            self._step()
        self._changed.set()

    def _step(self) -> None:
        self._wake()
        self._settle()

    # -- real mode ------------------------------------------------------------------------------

    def start(self) -> None:
        if self.manual or self._ticker is not None:
            return
        self._stopped.clear()
        self._ticker = threading.Thread(target=self._tick, name="local-clock", daemon=True)
        self._ticker.start()

    def stop(self) -> None:
        self._stopped.set()
        self._changed.set()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
            self._ticker = None

    def _tick(self) -> None:
        while not self._stopped.is_set():
            due = self.next_due()
            wait = 1.0 if due is None else min(max(due - self.now(), 0) + _EPSILON, 1.0)
            self._changed.wait(wait)
            self._changed.clear()
            if self._stopped.is_set():
                return
            try:
                self._wake()
            except Exception:  # a source's failure must not stop the clock
                logging.getLogger("local.clock").exception("an event source failed on the clock")


_process_clock: Clock | None = None
_users = 0
_clock_lock = threading.Lock()


def acquire(mode: str | None) -> Clock:
    """The process's clock (made on first use, shared by every runtime of the process). ``mode`` is
    ``"real"`` or ``"manual"``; None joins the running clock, whatever its mode (else real)."""
    global _process_clock, _users
    if mode not in (None, "real", "manual"):
        raise ValueError(f"clock must be 'real' or 'manual', not {mode!r}")
    with _clock_lock:
        if _process_clock is None:
            _process_clock = Clock(manual=mode == "manual")
            _patch_moto_time()
        elif mode is not None and _process_clock.mode != mode:
            raise ValueError(
                f"another runtime of this process runs on a {_process_clock.mode} clock; "
                "runtimes that share moto share one clock"
            )
        _users += 1
        _process_clock.start()
        return _process_clock


def release(clock: Clock) -> None:
    global _process_clock, _users
    with _clock_lock:
        _users -= 1
        if _users <= 0 and _process_clock is clock:
            clock.stop()
            _process_clock = None
            _users = 0


def now() -> float:
    return _process_clock.now() if _process_clock is not None else time.time()


def _patch_moto_time() -> None:
    """moto's SQS keeps visibility timeouts, delays and retention in unix time: give it this clock."""
    from moto.sqs import models

    if getattr(models.unix_time, "local_clock", False):
        return
    original_time, original_millis = models.unix_time, models.unix_time_millis

    def unix_time(dt: object = None) -> float:
        return original_time(dt) if dt is not None else now()  # type: ignore[arg-type]

    def unix_time_millis(dt: object = None) -> float:
        return original_millis(dt) if dt is not None else now() * 1000.0  # type: ignore[arg-type]

    unix_time.local_clock = True  # type: ignore[attr-defined]
    models.unix_time = unix_time
    models.unix_time_millis = unix_time_millis

    receive = models.SQSBackend.receive_message

    def receive_message(
        backend: Any, queue_name: str, count: int, wait_seconds_timeout: int, *args: Any, **kwargs: Any
    ) -> Any:
        # a long poll on a clock that stands still would never time out
        manual = _process_clock is not None and _process_clock.manual
        return receive(backend, queue_name, count, 0 if manual else wait_seconds_timeout, *args, **kwargs)

    models.SQSBackend.receive_message = receive_message
