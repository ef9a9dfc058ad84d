"""Wallet endpoint group: the caller's DOF balance and history; operator DOF grants."""

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from jiga_store import dependencies
from jiga_store.identity import jiga_app
from jiga_store.logic.agents import grant_dofs
from jiga_store.models.common import CURSOR_PATTERN
from jiga_store.models.wallet import GrantRequest, GrantResponse, WalletResponse
from jiga_store.settings import DOF
from shared.app import lambda_handler
from shared.auth import Principal, current_principal, require_role
from shared.errors import InvalidInput, NotFound, Unprocessable
from shared.idempotency import respond_idempotently
from shared.ledger import LedgerEntry, user_account
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/v1", dependencies=[Depends(no_unknown_query_parameters)])


def entry_view(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "transactionId": entry.transaction_id,
        "amount": entry.amount,
        "balanceBefore": entry.balance_before,
        "balanceAfter": entry.balance_after,
        "description": entry.description,
        "kind": entry.kind,
        "createdAt": entry.created_at,
    }


@router.get("/wallet", response_model=WalletResponse)
def get_wallet(
    caller: Principal = Depends(current_principal),
    limit: int = Query(default=20, ge=1, le=100),
    cursor: str | None = Query(default=None, max_length=2048, pattern=CURSOR_PATTERN),
) -> Any:
    try:
        balance, page = dependencies.ledger().history(user_account(caller.user_id, DOF), limit, cursor)
    except InvalidInput as error:  # well formed, but not a cursor this wallet's history issued
        raise Unprocessable(
            "This cursor was not issued for your wallet", {"cursor": cursor}, code="INVALID_CURSOR"
        ) from error
    return {
        "userId": caller.user_id,
        "balance": balance,
        "currency": DOF,
        "history": [entry_view(entry) for entry in page.items],
        "pagination": {"limit": limit, "nextCursor": page.next_cursor, "hasMore": page.next_cursor is not None},
    }


@router.post("/admin/dof-grants", status_code=201, response_model=GrantResponse)
def grant(body: GrantRequest, request: Request, operator: Principal = Depends(require_role("admin"))) -> Any:
    def run() -> tuple[int, Any]:
        if dependencies.users().get(body.userId) is None:
            raise NotFound(f"User {body.userId} not found", {"userId": body.userId}, code="USER_NOT_FOUND")
        posted = grant_dofs(dependencies.ledger(), body.userId, body.amount, body.reason, operator.user_id)
        credited = posted.change_for(user_account(body.userId, DOF))
        return 201, {
            "transactionId": posted.transaction_id,
            "userId": body.userId,
            "amount": body.amount,
            "newBalance": credited.balance_after,
            "createdAt": posted.created_at,
        }

    return respond_idempotently(request, operator.user_id, body.model_dump(mode="json"), run)


app = jiga_app(router)
handler = lambda_handler(app)
