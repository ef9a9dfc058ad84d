"""Trading (the spec's Trading Service): whether the caller may trade, and trades; plus operator
grants, the one way to put currency or progress into a player's hands outside the game."""

from typing import Any

from fastapi import APIRouter, Depends, Request

from cosmic_ttt import dependencies
from cosmic_ttt.handlers.access import PlayerId
from cosmic_ttt.http import check_api_version
from cosmic_ttt.identity import ADMIN, cosmic_app, require_permission
from cosmic_ttt.logic import admin, trading
from cosmic_ttt.models.trading import GrantRequest, GrantResponse, TradeRequest, TradeResponse, TradingStatus
from shared.app import lambda_handler
from shared.auth import Principal, current_principal
from shared.idempotency import respond_idempotently
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/v1", dependencies=[Depends(check_api_version), Depends(no_unknown_query_parameters)])


@router.get("/trading/status", response_model=TradingStatus)
def trading_status(caller: Principal = Depends(current_principal)) -> Any:
    services = dependencies.services()
    return trading.status_view(services, caller.user_id, services.clock().date())


@router.post("/trades", status_code=201, response_model=TradeResponse)
def create_trade(body: TradeRequest, request: Request, caller: Principal = Depends(require_permission("trade"))) -> Any:
    def run() -> tuple[int, Any]:
        services = dependencies.services()
        now = services.clock()
        return 201, trading.trade(
            services,
            caller.user_id,
            body.receiver_username,
            body.resource_type,
            body.amount,
            now.date(),
            services.stamp(),
        )

    return respond_idempotently(request, caller.user_id, body.model_dump(mode="json"), run)


@router.post("/admin/players/{player_id}/grants", status_code=201, response_model=GrantResponse)
def grant(
    body: GrantRequest,
    request: Request,
    player_id: str = PlayerId,
    operator: Principal = Depends(require_permission(ADMIN)),
) -> Any:
    def run() -> tuple[int, Any]:
        return 201, admin.grant(
            dependencies.services(),
            operator.user_id,
            player_id,
            dict(body.currencies),
            body.cosmic_resonance,
            body.matches_played,
            body.reason,
        )

    return respond_idempotently(
        request, operator.user_id, {"player_id": player_id, **body.model_dump(mode="json")}, run
    )


app = cosmic_app(router)
handler = lambda_handler(app)
