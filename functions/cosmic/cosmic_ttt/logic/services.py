"""What the game logic is given to work with: stores, the ledger, the clock, the dice, the notifier.

Logic never builds these itself (``cosmic_ttt.dependencies`` wires the real ones; tests pass their
own clock, a seeded generator or a notifier that records), so every rule runs the same way in a
Lambda, in the local runtime and in a unit test.
"""

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Notifier = Callable[[str, list[dict[str, Any]]], None]


def _now() -> datetime:
    return datetime.now(UTC)


def _new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class Services:
    players: Any  # cosmic_ttt.dal.players.PlayerStore
    matches: Any  # cosmic_ttt.dal.matches.MatchStore
    shop: Any  # cosmic_ttt.dal.shop.ShopStore
    wallets: Any  # cosmic_ttt.dal.wallets.Wallets
    ledger: Any  # shared.ledger.Ledger
    notify: Notifier = lambda _player_id, _events: None
    clock: Callable[[], datetime] = _now
    rng: random.Random = field(default_factory=random.SystemRandom)  # the AI's dice: not predictable
    new_id: Callable[[], str] = _new_id

    def stamp(self) -> str:
        return self.clock().isoformat(timespec="seconds").replace("+00:00", "Z")
