"""placeholder"""

from typing import Any


class Scheduler:
    def __init__(self, runtime: Any):
        self.runtime = runtime

    def load(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def busy(self) -> list[str]:
        return []
