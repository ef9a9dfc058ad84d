"""Cached wiring shared by the JIGA handlers: the ledger and the repositories."""

from functools import lru_cache

from jiga_store.dal.agents import AgentRepository
from jiga_store.dal.catalogue import CatalogueRepository
from jiga_store.logic.marketplace import WarmCatalogue
from jiga_store.settings import get_jiga_settings
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
def catalogue_repository() -> CatalogueRepository:
    return CatalogueRepository(get_jiga_settings().jiga_table)


@lru_cache(maxsize=1)
def catalogue() -> WarmCatalogue:
    """The instance's warm copy of the marketplace catalogue (kept between invocations)."""
    return WarmCatalogue(catalogue_repository(), get_jiga_settings().catalogue_refresh_seconds)
