"""A player's own profile, wallet, inventory and notifications (``/api/players/me...``)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from bluemarble_market import dependencies
from bluemarble_market.identity import READ, bluemarble_app, require_player
from bluemarble_market.logic import players
from bluemarble_market.logic.errors import player_not_found
from bluemarble_market.logic.islands import DEFAULT_HOME_ISLAND
from bluemarble_market.logic.market import Player
from bluemarble_market.models.common import CURSOR_PATTERN
from bluemarble_market.models.players import InventoryResponse, NotificationsResponse, ProfileResponse, WalletResponse
from shared.app import lambda_handler
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/players/me", dependencies=[Depends(no_unknown_query_parameters)])


@router.get("", response_model=ProfileResponse, response_model_exclude_unset=True)
def profile(player: Player = Depends(require_player(READ))) -> Any:
    found = dependencies.players().profile(player.player_id)
    if found is None:
        raise player_not_found(player.player_id)
    return {
        "success": True,
        "data": {
            "id": found["userId"],
            "name": found["displayName"],
            "email": found["email"],
            "homeIsland": found.get("homeIsland", DEFAULT_HOME_ISLAND),
            "userType": found.get("userType", "standard"),
            "memberSince": found["createdAt"],
        },
    }


@router.get("/wallet", response_model=WalletResponse, response_model_exclude_unset=True)
def wallet(
    player: Player = Depends(require_player(READ)),
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=1024, pattern=CURSOR_PATTERN)] = None,
) -> Any:
    return {"success": True, "data": players.wallet(dependencies.market(), player.player_id, limit, cursor)}


@router.get("/inventory", response_model=InventoryResponse, response_model_exclude_unset=True)
def inventory(player: Player = Depends(require_player(READ))) -> Any:
    return {"success": True, "data": players.inventory(dependencies.market(), player.player_id)}


@router.get("/notifications", response_model=NotificationsResponse, response_model_exclude_unset=True)
def notifications(
    player: Player = Depends(require_player(READ)),
    after: Annotated[str | None, Query(max_length=40, pattern=r"^[0-9]{13}-[0-9a-f]{8}$")] = None,
) -> Any:
    """Purchases delivered or refunded, sales, expired listings, grants: newest 100, or after an id."""
    return {"success": True, "data": dependencies.events().read(player.player_id, after)}


app = bluemarble_app(router)
handler = lambda_handler(app)
