"""The economy (the spec's Economy Service): a player's wallet and transaction history, and
currency conversion. Every balance is the ledger's; see ``cosmic_ttt.logic.economy``."""

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from cosmic_ttt import dependencies
from cosmic_ttt.catalogue import CURRENCIES
from cosmic_ttt.handlers.access import PlayerId, own
from cosmic_ttt.http import NOT_MODIFIED, cacheable, check_api_version
from cosmic_ttt.identity import cosmic_app, require_permission
from cosmic_ttt.logic import economy
from cosmic_ttt.models.common import Currency
from cosmic_ttt.models.economy import ConvertRequest, ConvertResponse, Transactions, Wallet
from shared.app import lambda_handler
from shared.auth import Principal, current_principal
from shared.errors import InvalidInput
from shared.idempotency import respond_idempotently
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/v1", dependencies=[Depends(check_api_version), Depends(no_unknown_query_parameters)])


@router.get("/players/{player_id}/wallet", response_model=Wallet, responses=NOT_MODIFIED)
def get_wallet(request: Request, player_id: str = PlayerId, caller: Principal = Depends(current_principal)) -> Any:
    subject = own(player_id, caller)
    balances, updated_at = dependencies.services().wallets.snapshot(subject, CURRENCIES)
    return cacheable(request, economy.wallet_view(subject, balances, updated_at))


@router.get("/players/{player_id}/transactions", response_model=Transactions)
def get_transactions(
    player_id: str = PlayerId,
    caller: Principal = Depends(current_principal),
    limit: int = Query(default=50, ge=1, le=100),
    offset: int = Query(default=0, ge=0, le=1_000_000),
    # Filters typed without None, so the document does not offer null: absent is the only "any".
    type: str = Query(default=None, json_schema_extra={"enum": list(economy.TXN_TYPES)}),
    currency: Currency = Query(default=None),
) -> Any:
    subject = own(player_id, caller)
    if type is not None and type not in economy.TXN_TYPES:
        raise InvalidInput(f"Unknown transaction type {type}", {"types": list(economy.TXN_TYPES)})
    lines = economy.transaction_lines(dependencies.services(), subject, type, currency)
    return {
        "transactions": lines[offset : offset + limit],
        "pagination": {"total": len(lines), "limit": limit, "offset": offset, "has_more": offset + limit < len(lines)},
    }


@router.post("/currency/convert", response_model=ConvertResponse)
def convert(body: ConvertRequest, request: Request, caller: Principal = Depends(require_permission("play"))) -> Any:
    request_id = request.state.request_id

    def run() -> tuple[int, Any]:
        services = dependencies.services()
        return 200, economy.convert(
            services, caller.user_id, body.from_currency, body.to_currency, body.amount, request_id
        )

    return respond_idempotently(request, caller.user_id, body.model_dump(mode="json"), run)


app = cosmic_app(router)
handler = lambda_handler(app)
