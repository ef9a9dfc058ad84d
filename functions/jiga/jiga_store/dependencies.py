"""Cached wiring shared by the JIGA handlers: the ledger and the repositories."""

from functools import lru_cache

from jiga_store.dal.agents import AgentRepository
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
