"""Transactions: purchase (the spec's ``POST /transactions``, honouring ``Idempotency-Key``), the
player's history, and one purchase (to follow a cross-island delivery from PENDING to COMPLETED)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from bluemarble_market import dependencies
from bluemarble_market.identity import READ, TRANSACT, bluemarble_app, require, require_player
from bluemarble_market.logic import history
from bluemarble_market.logic.market import Player
from bluemarble_market.logic.purchases import purchase
from bluemarble_market.models.common import CURSOR_PATTERN
from bluemarble_market.models.transactions import HistoryResponse, PurchaseRequest, PurchaseResponse
from shared.app import lambda_handler
from shared.auth import Principal
from shared.idempotency import respond_idempotently
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/marketplace", dependencies=[Depends(no_unknown_query_parameters)])


@router.post("/transactions", status_code=201, response_model=PurchaseResponse, response_model_exclude_unset=True)
def buy(body: PurchaseRequest, request: Request, buyer: Player = Depends(require_player(TRANSACT))) -> Any:
    def run() -> tuple[int, Any]:
        return 201, {"success": True, "data": purchase(dependencies.market(), buyer, body.listingId, body.quantity)}

    return respond_idempotently(request, buyer.player_id, body.model_dump(mode="json"), run)


@router.get("/transactions", response_model=HistoryResponse, response_model_exclude_unset=True)
def transaction_history(
    caller: Principal = Depends(require(READ)),
    type: Annotated[Literal["buy", "sell", "all"], Query()] = "all",
    status: Annotated[Literal["PENDING", "COMPLETED", "FAILED", "REFUNDED"] | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=512, pattern=CURSOR_PATTERN)] = None,
) -> Any:
    lines = dependencies.purchases().history(caller.user_id, None if type == "all" else type, status)
    return {"success": True, "data": history.history(lines, page, limit, cursor)}


@router.get("/transactions/{transactionId}", response_model=PurchaseResponse, response_model_exclude_unset=True)
def get_transaction(transactionId: str, caller: Principal = Depends(require(READ))) -> Any:  # noqa: N803
    record = dependencies.purchases().get(transactionId)
    return {"success": True, "data": history.purchase_for(record, caller.user_id, transactionId)}


app = bluemarble_app(router)
handler = lambda_handler(app)
