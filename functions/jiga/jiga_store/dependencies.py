"""Cached wiring shared by the JIGA handlers: the ledger and the repositories."""

from functools import lru_cache

from jiga_store.dal.agents import AgentRepository
from jiga_store.dal.catalogue import CatalogueRepository
from jiga_store.dal.sessions import SessionRepository
from jiga_store.dal.workflows import SessionLifecycle
from jiga_store.logic.marketplace import WarmCatalogue
from jiga_store.logic.sessions import SessionServices
from jiga_store.settings import get_jiga_settings
from shared import websocket
from shared.events import EventLog
from shared.identity import UserDirectory
from shared.ledger import Ledger


@lru_cache(maxsize=1)
def ledger() -> Ledger:
    return Ledger(get_jiga_settings().ledger_table)


@lru_cache(maxsize=1)
def users() -> UserDirectory:
    return UserDirectory(get_jiga_settings().jiga_table)


@lru_cache(maxsize=1)
def agents() -> AgentRepository:
    return AgentRepository(get_jiga_settings().jiga_table)


@lru_cache(maxsize=1)
def events() -> EventLog:
    return EventLog(get_jiga_settings().jiga_table)


@lru_cache(maxsize=1)
def session_services() -> SessionServices:
    settings = get_jiga_settings()
    return SessionServices(
        sessions=SessionRepository(settings.jiga_table),
        agents=agents(),
        ledger=ledger(),
        lifecycle=SessionLifecycle(settings.session_lifecycle_arn),
        events=events(),
        websocket_url=settings.websocket_url,
        notify=websocket.broadcast,
        record_hire_outcome=catalogue_repository().record_hire_outcome,
    )


def catalogue_repository() -> CatalogueRepository:
    return CatalogueRepository(get_jiga_settings().jiga_table)


@lru_cache(maxsize=1)
def catalogue() -> WarmCatalogue:
    """The instance's warm copy of the marketplace catalogue (kept between invocations)."""
    return WarmCatalogue(catalogue_repository(), get_jiga_settings().catalogue_refresh_seconds)
