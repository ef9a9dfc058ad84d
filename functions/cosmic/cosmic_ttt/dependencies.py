"""Cached wiring shared by the Cosmic handlers: the ledger with Cosmic's asset rules, the stores,
and the notifier that pushes realtime events to a player's socket."""

from functools import lru_cache
from typing import Any

from cosmic_ttt.catalogue import cosmetics, economy
from cosmic_ttt.dal.matches import MatchStore
from cosmic_ttt.dal.players import PlayerStore
from cosmic_ttt.dal.shop import ShopStore
from cosmic_ttt.dal.wallets import Wallets
from cosmic_ttt.logic.services import Services
from cosmic_ttt.settings import API_NAME, get_cosmic_settings
from shared.ledger import AssetRules, Ledger
from shared.observability import log_exception


def player_channel(player_id: str) -> str:
    """The connections-table channel of a player's one authenticated socket."""
    return f"cosmic:player:{player_id}"


def asset_rules() -> dict[str, AssetRules]:
    rules = {currency: AssetRules(cap=cap) for currency, cap in economy().caps.items()}
    rules.update({item.asset: AssetRules(cap=1) for item in cosmetics().items})
    return rules


@lru_cache(maxsize=1)
def ledger() -> Ledger:
    return Ledger(get_cosmic_settings().ledger_table, API_NAME, asset_rules())


def notify(player_id: str, events: list[dict[str, Any]]) -> None:
    """Push events to the player's socket, if connected. Best effort: the request that caused them
    has committed, so a push that fails is logged, never turned into an error."""
    if not events:
        return
    from shared import websocket

    try:
        connections = list(websocket.channel_connections(player_channel(player_id)))
        for connection in connections:
            for event in events:
                if not websocket.push(connection["endpointUrl"], connection["connectionId"], event):
                    break
    except Exception:
        log_exception(API_NAME, "Could not push realtime events", playerId=player_id)


@lru_cache(maxsize=1)
def services() -> Services:
    table = get_cosmic_settings().cosmic_table
    return Services(
        players=PlayerStore(table),
        matches=MatchStore(table),
        shop=ShopStore(table),
        wallets=Wallets(ledger()),
        ledger=ledger(),
        notify=notify,
    )
