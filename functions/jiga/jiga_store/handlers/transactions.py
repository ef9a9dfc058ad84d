"""Transactions endpoint group: buy DOFs (checkout), transfer DOFs, read one's own transaction.

``GET /api/v1/transactions/{transactionId}`` (beyond the spec) lets a client that comes back from
checkout see whether its purchase completed, and lets both parties of a transfer read it; anyone
else gets 404 ``TRANSACTION_NOT_FOUND``. Balances and history stay on ``GET /api/v1/wallet``.
"""

from typing import Any

from fastapi import APIRouter, Depends, Path, Request

from jiga_store import dependencies
from jiga_store.identity import jiga_app
from jiga_store.logic import purchases, transfers
from jiga_store.models.transactions import PurchaseRequest, PurchaseResponse, TransferRequest, TransferResponse
from jiga_store.settings import get_jiga_settings
from shared.app import lambda_handler
from shared.auth import Principal, current_principal
from shared.errors import NotFound
from shared.idempotency import respond_idempotently
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/v1/transactions", dependencies=[Depends(no_unknown_query_parameters)])


@router.post("/purchase", response_model=PurchaseResponse)
def purchase(body: PurchaseRequest, request: Request, caller: Principal = Depends(current_principal)) -> Any:
    def run() -> tuple[int, Any]:
        user = dependencies.users().get(caller.user_id)
        if user is None:
            raise NotFound("Your account no longer exists", code="USER_NOT_FOUND")
        settings = get_jiga_settings()
        return 200, purchases.start_purchase(
            user,
            body.package,
            body.amount,
            body.paymentMethod,
            body.returnUrl,
            dependencies.purchases(),
            dependencies.checkout(body.paymentMethod),
            settings.checkout_ttl_seconds,
            allow_localhost=settings.stage != "prod",
        )

    return respond_idempotently(request, caller.user_id, body.model_dump(mode="json"), run)


@router.post("/transfer", response_model=TransferResponse)
def transfer(body: TransferRequest, request: Request, caller: Principal = Depends(current_principal)) -> Any:
    def run() -> tuple[int, Any]:
        return 200, transfers.transfer_dofs(
            caller.user_id, body.toUserId, body.amount, body.note, dependencies.users(), dependencies.ledger()
        )

    return respond_idempotently(request, caller.user_id, body.model_dump(mode="json"), run)


@router.get("/{transactionId}")
def get_transaction(
    transactionId: str = Path(min_length=1, max_length=128),  # noqa: N803 - spec name
    caller: Principal = Depends(current_principal),
) -> Any:
    if transactionId.startswith("pur_"):
        record = purchases.owned_purchase(dependencies.purchases(), transactionId, caller.user_id)
        return {
            **purchases.purchase_response(record),
            "type": "purchase",
            "status": purchases.purchase_status(record),
            "package": record["package"],
            "paymentMethod": record["paymentMethod"],
            "createdAt": record["createdAt"],
            "completedAt": record.get("settledAt") if record["status"] == "completed" else None,
            "refundedDofs": record.get("refundedDofs", 0),
        }
    return transfers.visible_transfer(dependencies.ledger(), transactionId, caller.user_id)


app = jiga_app(router)
handler = lambda_handler(app)
