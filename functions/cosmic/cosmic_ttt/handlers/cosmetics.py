"""Cosmetics (the spec's Cosmetic Service): the catalogue, a player's inventory and loadout,
purchases and the daily shop. The catalogue and the shop can be read without a token (they are
the same for everyone, and cached publicly); with one, the catalogue also says what the caller
owns and has equipped, and ``affordable`` filters by the caller's wallet."""

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request

from cosmic_ttt import dependencies
from cosmic_ttt.handlers.access import PlayerId, own, public
from cosmic_ttt.http import NOT_MODIFIED, cacheable, check_api_version, seconds_to_midnight
from cosmic_ttt.identity import cosmic_app, require_permission
from cosmic_ttt.logic import cosmetics, shop
from cosmic_ttt.models.cosmetics import (
    CataloguePage,
    DailyShop,
    Faction,
    Inventory,
    ItemCategory,
    Loadout,
    LoadoutUpdate,
    LoadoutUpdated,
    PurchaseResponse,
    Rarity,
)
from shared.app import lambda_handler
from shared.auth import Principal, current_principal, optional_principal
from shared.errors import Unauthorized
from shared.idempotency import respond_idempotently
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/v1", dependencies=[Depends(check_api_version), Depends(no_unknown_query_parameters)])
CATALOGUE_MAX_AGE = 3600
SHOP_MAX_AGE = 60  # the rotation holds until midnight; limited stock changes as players buy


@router.get("/cosmetics", response_model=CataloguePage, responses=NOT_MODIFIED)
def list_cosmetics(
    request: Request,
    caller: Principal | None = Depends(optional_principal),
    # Filters typed without None, so the document does not offer null: absent is the only "any".
    category: ItemCategory = Query(default=None),
    tier: Rarity = Query(default=None),
    faction: Faction = Query(default=None),
    affordable: bool = Query(default=None, description="Needs a token: filter by the caller's wallet"),
    limit: int = Query(default=20, ge=1, le=100),
    offset: int = Query(default=0, ge=0, le=100_000),
) -> Any:
    if affordable is not None and caller is None:
        raise Unauthorized("affordable needs a bearer token: it filters by your wallet")
    services = dependencies.services()
    filters = {"category": category, "tier": tier, "faction": faction, "affordable": affordable}
    body = cosmetics.catalogue_view(
        services, caller.user_id if caller else None, services.clock().date(), filters, limit, offset
    )
    if caller is None:
        return cacheable(request, body, public_max_age=min(CATALOGUE_MAX_AGE, seconds_to_midnight(services.clock())))
    return cacheable(request, body)


@router.get("/players/{player_id}/inventory", response_model=Inventory)
def get_inventory(player_id: str = PlayerId, caller: Principal = Depends(current_principal)) -> Any:
    return cosmetics.inventory_view(dependencies.services(), own(player_id, caller))


@router.post("/cosmetics/{item_id}/purchase", response_model=PurchaseResponse)
def purchase(
    request: Request,
    item_id: str = Path(min_length=1, max_length=64, description="The item's id or its item_code"),
    caller: Principal = Depends(require_permission("customize")),
) -> Any:
    def run() -> tuple[int, Any]:
        services = dependencies.services()
        now = services.clock()
        return 200, cosmetics.purchase(services, caller.user_id, item_id, now.date(), services.stamp())

    return respond_idempotently(request, caller.user_id, {"item_id": item_id}, run)


@router.get("/players/{player_id}/loadout", response_model=Loadout, responses=NOT_MODIFIED)
def get_loadout(request: Request, player_id: str = PlayerId, caller: Principal = Depends(current_principal)) -> Any:
    services = dependencies.services()
    return cacheable(request, cosmetics.loadout_view(services, public(player_id, caller, services)))


@router.put("/players/{player_id}/loadout", response_model=LoadoutUpdated)
def put_loadout(
    body: LoadoutUpdate, player_id: str = PlayerId, caller: Principal = Depends(require_permission("customize"))
) -> Any:
    subject = own(player_id, caller)
    changes = {slot: getattr(body, slot) for slot in body.model_fields_set}
    services = dependencies.services()
    return cosmetics.update_loadout(services, subject, changes, services.stamp())


@router.get("/shop/daily", response_model=DailyShop, responses=NOT_MODIFIED)
def daily_shop(request: Request) -> Any:
    services = dependencies.services()
    now = services.clock()
    day = now.date()
    sold = services.shop.sold(day.isoformat(), cosmetics.limited_today(day))
    return cacheable(request, shop.shop_view(day, sold), public_max_age=min(SHOP_MAX_AGE, seconds_to_midnight(now)))


app = cosmic_app(router)
handler = lambda_handler(app)
