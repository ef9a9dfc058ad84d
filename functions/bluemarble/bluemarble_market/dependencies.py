"""Cached wiring shared by the BlueMarble handlers: the ledger, the repositories, the providers.

Each getter imports what it builds, so an endpoint group loads only the modules it uses (the auth
function never imports the ledger, the analytics function never imports the catalogue): a shorter
cold start for each.
"""

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bluemarble_market.settings import API_NAME, get_bluemarble_settings

if TYPE_CHECKING:
    from bluemarble_market.dal.analytics import AnalyticsRepository
    from bluemarble_market.dal.catalogue import CatalogueStore
    from bluemarble_market.dal.listings import ListingRepository
    from bluemarble_market.dal.players import ItemCatalogue, PlayerRepository, ServiceAccounts
    from bluemarble_market.dal.purchases import PurchaseRepository
    from bluemarble_market.logic.catalogue import WarmCatalogue
    from bluemarble_market.logic.market import Market
    from shared.errors import DomainError
    from shared.events import EventLog
    from shared.identity import UserDirectory
    from shared.ledger import ExtraWrite, Ledger


def table() -> str:
    return get_bluemarble_settings().table


@lru_cache(maxsize=1)
def ledger() -> "Ledger":
    """Coin has two decimal places; item assets (``ITEM.<id>``) are whole units with a floor of 0."""
    from bluemarble_market.logic.money import COIN, COIN_RULES
    from shared.ledger import Ledger

    return Ledger(get_bluemarble_settings().ledger_table, API_NAME, {COIN: COIN_RULES})


@lru_cache(maxsize=1)
def users() -> "UserDirectory":
    from shared.identity import UserDirectory

    return UserDirectory(table())


@lru_cache(maxsize=1)
def players() -> "PlayerRepository":
    from bluemarble_market.dal.players import PlayerRepository

    return PlayerRepository(table())


@lru_cache(maxsize=1)
def items() -> "ItemCatalogue":
    from bluemarble_market.dal.players import ItemCatalogue

    return ItemCatalogue(table())


@lru_cache(maxsize=1)
def service_accounts() -> "ServiceAccounts":
    from bluemarble_market.dal.players import ServiceAccounts

    return ServiceAccounts(table())


@lru_cache(maxsize=1)
def listings() -> "ListingRepository":
    from bluemarble_market.dal.listings import ListingRepository

    return ListingRepository(table())


@lru_cache(maxsize=1)
def purchases() -> "PurchaseRepository":
    from bluemarble_market.dal.purchases import PurchaseRepository

    return PurchaseRepository(table())


@lru_cache(maxsize=1)
def analytics() -> "AnalyticsRepository":
    from bluemarble_market.dal.analytics import AnalyticsRepository

    return AnalyticsRepository(table())


@lru_cache(maxsize=1)
def events() -> "EventLog":
    from shared.events import EventLog

    return EventLog(table())


@lru_cache(maxsize=1)
def catalogue_store() -> "CatalogueStore":
    from bluemarble_market.dal.catalogue import CatalogueStore

    return CatalogueStore(table(), listings())


@lru_cache(maxsize=1)
def catalogue() -> "WarmCatalogue":
    """The instance's warm copy of the active listings (kept between invocations)."""
    from bluemarble_market.logic.catalogue import WarmCatalogue

    return WarmCatalogue(catalogue_store(), get_bluemarble_settings().catalogue_refresh_seconds)


def notify(player_id: str, event_type: str, data: dict[str, Any]) -> "ExtraWrite":
    """A notification written in the same transaction as what it reports (exactly once)."""
    from shared.ledger import ExtraWrite

    return ExtraWrite(events().put_operation(player_id, event_type, data), _never)


def _never() -> "DomainError":  # pragma: no cover - a notification has no condition to fail
    from shared.errors import DomainError

    return DomainError("Unexpected condition failure")


def market() -> "Market":
    """Built per call (cheap: the repositories are cached): the providers take this function's own
    settings, which differ between functions (only some may start settlements or schedules)."""
    from bluemarble_market.dal.players import SeaRoutes
    from bluemarble_market.dal.providers import ExpirySchedules, SettlementFlow
    from bluemarble_market.logic.market import Market

    settings = get_bluemarble_settings()
    return Market(
        ledger=ledger(),
        players=players(),
        items=items(),
        listings=listings(),
        purchases=purchases(),
        routes=SeaRoutes(table()),
        schedules=ExpirySchedules(
            settings.expiry_target_arn,
            settings.expiry_role_arn,
            settings.expiry_dead_letter_arn,
            settings.schedule_group,
        ),
        settlement=SettlementFlow(settings.settlement_arn),
        notify=notify,
    )
