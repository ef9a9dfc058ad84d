"""Who may read which player's data: the path's ``{player_id}`` (or ``me``) against the caller.

Public screens (a player's progress, streak and loadout) can be read by any signed-in player;
everything else only by its owner: another player's id is 403, whether or not it exists, so the
answer says nothing about who exists.
"""

from typing import Any

from fastapi import Path

from shared.auth import Principal
from shared.errors import Forbidden, NotFound

PlayerId = Path(min_length=1, max_length=64, description="A player id, or `me` for the caller")


def own(player_id: str, caller: Principal) -> str:
    if player_id in ("me", caller.user_id):
        return caller.user_id
    raise Forbidden("You can only see your own data here", {"player_id": player_id})


def public(player_id: str, caller: Principal, services: Any) -> str:
    if player_id in ("me", caller.user_id):
        return caller.user_id
    if services.players.profile(player_id) is None:
        raise NotFound(f"Player {player_id} not found", {"player_id": player_id}, code="PLAYER_NOT_FOUND")
    return player_id
