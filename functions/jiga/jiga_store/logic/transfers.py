"""DOF transfers between users, and who sees them.

Decisions the spec left open:

* the **sender pays the fee out of the amount**: the sender's wallet goes down by exactly
  ``amount``, the recipient receives ``amount - fee`` and the platform account ``fee``, so a user
  can always send their whole balance and never meets a 402 caused by the fee;
* ``fee`` is 10% of ``amount`` rounded half up to a whole DOF (``(amount + 5) // 10``);
* ``amount`` is a whole number of DOFs from 10 (the smallest amount whose fee is not zero, so
  splitting a transfer cannot dodge the fee) to 1,000,000,000; anything else is 400;
* self-transfer is 422 ``CANNOT_TRANSFER_TO_SELF``; an unknown recipient 404 ``USER_NOT_FOUND``;
  too few DOFs 402 ``INSUFFICIENT_DOFS`` with ``required``/``available``/``shortfall``;
* the three postings are one ledger transaction: two transfers racing for the same last DOFs
  cannot both commit (the sender's balance is version-checked), the loser gets 402;
* a transfer is visible (``GET /api/v1/transactions/{id}``) to its sender and recipient only.
"""

import uuid
from typing import Any, Protocol

from jiga_store.logic.purchases import transaction_not_found
from jiga_store.settings import DOF
from shared.errors import InvalidInput, NotFound, Unprocessable
from shared.ledger import PLATFORM, Ledger, Posting, system_account, user_account

FEE_PERCENT = 10
MIN_TRANSFER = 10
MAX_TRANSFER = 1_000_000_000
KIND = "transfer"


class UserLookup(Protocol):
    def get(self, user_id: str) -> dict[str, Any] | None: ...


def platform_fee(amount: int) -> int:
    """10% rounded half up: 14 -> 1, 15 -> 2, 1000 -> 100."""
    return (amount * FEE_PERCENT + 50) // 100


def check_transfer(sender_id: str, recipient_id: str, amount: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or not MIN_TRANSFER <= amount <= MAX_TRANSFER:
        raise InvalidInput(
            "Invalid transfer amount",
            [{"field": "amount", "message": f"amount must be a whole number from {MIN_TRANSFER} to {MAX_TRANSFER}"}],
        )
    if sender_id == recipient_id:
        raise Unprocessable(
            "You cannot transfer DOFs to yourself", {"toUserId": recipient_id}, code="CANNOT_TRANSFER_TO_SELF"
        )


def transfer_dofs(
    sender_id: str, recipient_id: str, amount: int, note: str | None, users: UserLookup, ledger: Ledger
) -> dict[str, Any]:
    check_transfer(sender_id, recipient_id, amount)
    if users.get(recipient_id) is None:
        raise NotFound(f"User {recipient_id} not found", {"toUserId": recipient_id}, code="USER_NOT_FOUND")
    fee = platform_fee(amount)
    sender, recipient = user_account(sender_id, DOF), user_account(recipient_id, DOF)
    posted = ledger.post(
        f"trf_{uuid.uuid4().hex[:24]}",
        [Posting(sender, -amount), Posting(recipient, amount - fee), Posting(system_account(PLATFORM, DOF), fee)],
        description=f"DOF transfer: {note}" if note else "DOF transfer",
        metadata={
            "kind": KIND,
            "fromUserId": sender_id,
            "toUserId": recipient_id,
            "amount": amount,
            "fee": fee,
            "note": note,
        },
    )
    debit, credit = posted.change_for(sender), posted.change_for(recipient)
    return {
        "transactionId": posted.transaction_id,
        "from": {"userId": sender_id, "previousBalance": debit.balance_before, "newBalance": debit.balance_after},
        "to": {"userId": recipient_id, "previousBalance": credit.balance_before, "newBalance": credit.balance_after},
        "fee": fee,
        "completedAt": posted.created_at,
    }


def visible_transfer(ledger: Ledger, transaction_id: str, caller_id: str) -> dict[str, Any]:
    """The transfer as its sender or recipient sees it; anyone else gets 404."""
    stored = ledger.get_transaction(transaction_id)
    metadata = (stored or {}).get("metadata", {})
    if metadata.get("kind") != KIND or caller_id not in (metadata.get("fromUserId"), metadata.get("toUserId")):
        raise transaction_not_found(transaction_id)
    return {
        "transactionId": transaction_id,
        "type": KIND,
        "status": "completed",
        "from": {"userId": metadata["fromUserId"]},
        "to": {"userId": metadata["toUserId"]},
        "amount": metadata["amount"],
        "fee": metadata["fee"],
        "note": metadata.get("note"),
        "completedAt": stored["createdAt"],
    }
