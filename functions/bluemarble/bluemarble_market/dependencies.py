"""Cached wiring shared by the BlueMarble handlers: the ledger, the repositories, the providers."""

from functools import lru_cache
from typing import Any

from bluemarble_market.dal.analytics import AnalyticsRepository
from bluemarble_market.dal.catalogue import CatalogueStore
from bluemarble_market.dal.listings import ListingRepository
from bluemarble_market.dal.players import ItemCatalogue, PlayerRepository, SeaRoutes, ServiceAccounts
from bluemarble_market.dal.providers import ExpirySchedules, SettlementFlow
from bluemarble_market.dal.purchases import PurchaseRepository
from bluemarble_market.logic.catalogue import WarmCatalogue
from bluemarble_market.logic.market import Market
from bluemarble_market.logic.money import COIN, COIN_RULES
from bluemarble_market.settings import API_NAME, get_bluemarble_settings
from shared.errors import DomainError
from shared.events import EventLog
from shared.identity import UserDirectory
from shared.ledger import ExtraWrite, Ledger


def table() -> str:
    return get_bluemarble_settings().table


@lru_cache(maxsize=1)
def ledger() -> Ledger:
    """Coin has two decimal places; item assets (``ITEM.<id>``) are whole units with a floor of 0."""
    return Ledger(get_bluemarble_settings().ledger_table, API_NAME, {COIN: COIN_RULES})


@lru_cache(maxsize=1)
def users() -> UserDirectory:
    return UserDirectory(table())


@lru_cache(maxsize=1)
def players() -> PlayerRepository:
    return PlayerRepository(table())


@lru_cache(maxsize=1)
def items() -> ItemCatalogue:
    return ItemCatalogue(table())


@lru_cache(maxsize=1)
def service_accounts() -> ServiceAccounts:
    return ServiceAccounts(table())


@lru_cache(maxsize=1)
def listings() -> ListingRepository:
    return ListingRepository(table())


@lru_cache(maxsize=1)
def purchases() -> PurchaseRepository:
    return PurchaseRepository(table())


@lru_cache(maxsize=1)
def analytics() -> AnalyticsRepository:
    return AnalyticsRepository(table())


@lru_cache(maxsize=1)
def events() -> EventLog:
    return EventLog(table())


@lru_cache(maxsize=1)
def catalogue_store() -> CatalogueStore:
    return CatalogueStore(table(), listings())


@lru_cache(maxsize=1)
def catalogue() -> WarmCatalogue:
    """The instance's warm copy of the active listings (kept between invocations)."""
    return WarmCatalogue(catalogue_store(), get_bluemarble_settings().catalogue_refresh_seconds)


def notify(player_id: str, event_type: str, data: dict[str, Any]) -> ExtraWrite:
    """A notification written in the same transaction as what it reports (exactly once)."""
    return ExtraWrite(events().put_operation(player_id, event_type, data), _never)


def _never() -> DomainError:  # pragma: no cover - a notification has no condition to fail
    return DomainError("Unexpected condition failure")


def market() -> Market:
    """Built per call (cheap: the repositories are cached): the providers take this function's own
    settings, which differ between functions (only some may start settlements or schedules)."""
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
