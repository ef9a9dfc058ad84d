"""What the marketplace's logic is given to work with: repositories, the ledger and providers.

Logic modules take a ``Market`` and never build clients themselves (``dependencies.py`` wires the
real ones; tests may pass others). ``Player`` is the caller as the token describes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the identity module imports Player; the ledger is only an annotation here
    from shared.ledger import ExtraWrite, Ledger


class ExpirySchedules(Protocol):
    def create(self, listing_id: str, at: datetime) -> None: ...
    def delete(self, listing_id: str) -> None: ...


class Settlement(Protocol):
    def start(self, purchase_id: str, payload: dict[str, Any]) -> None: ...


# (player id, event type, data) -> the notification as a write that commits with the change it reports
Notify = Callable[[str, str, dict[str, Any]], "ExtraWrite"]


@dataclass(frozen=True)
class Player:
    player_id: str
    name: str
    home_island: str


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass
class Market:
    ledger: Ledger
    players: Any  # dal.players.PlayerRepository
    items: Any  # dal.players.ItemCatalogue
    listings: Any  # dal.listings.ListingRepository
    purchases: Any  # dal.purchases.PurchaseRepository
    routes: Any  # dal.players.SeaRoutes
    schedules: ExpirySchedules
    settlement: Settlement
    notify: Notify
    clock: Callable[[], datetime] = field(default=utc_now)
