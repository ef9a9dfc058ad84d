"""A small per-instance read cache with a time to live (the spec's caching strategy)."""

import time
from collections.abc import Callable, Hashable
from typing import Any


class TtlCache:
    def __init__(self, max_entries: int = 2048, clock: Callable[[], float] = time.monotonic):
        self.max_entries = max_entries
        self.clock = clock
        self._entries: dict[Hashable, tuple[float, Any]] = {}

    def get(
        self, key: Hashable, seconds: float, load: Callable[[], Any], keep: Callable[[Any], bool] = lambda _: True
    ) -> Any:
        """The cached value if younger than ``seconds``, else ``load()`` (kept if ``keep`` says so:
        analytics keep no empty answer, so the first sale of an item shows at once)."""
        now = self.clock()
        found = self._entries.get(key)
        if found is not None and now - found[0] < seconds:
            return found[1]
        value = load()
        if seconds > 0 and keep(value):
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = (now, value)
        return value
