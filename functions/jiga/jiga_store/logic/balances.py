"""``dof_update`` events: one per change of a user's DOF balance, from the ledger's own path.

The spec's client keeps its balance display from ``dof_update`` ``data.balance`` on the event
stream, so every movement of a user's DOFs must say so: purchases (Shopify, Stripe), refunds,
transfers (both sides), operator grants, agent creation fees, escrows and settlements of hired,
owned and trial sessions. Rather than each route remembering to append an event, JIGA's ledger
is built with :func:`dof_update_writes` as its companion writes (``shared.ledger``): the event is
written in the same DynamoDB transaction as the balance it reports, so the stream can neither miss
a change nor report one that did not happen, and a retried request that moves nothing adds none.

Event data: ``balance`` (after the change), ``change`` (signed DOFs), ``transactionId`` and
``kind`` (the ledger transaction's kind: ``transfer``, ``purchase``, ``hired_escrow``...).
"""

from collections.abc import Callable
from typing import Any

from jiga_store.settings import DOF
from shared.events import EventLog
from shared.ledger import PostedTransaction

USER_PREFIX, DOF_SUFFIX = "user:", f":{DOF}"


def user_of(account: str) -> str | None:
    """The user whose DOF wallet ``account`` is, or None for escrows and system accounts."""
    if account.startswith(USER_PREFIX) and account.endswith(DOF_SUFFIX):
        return account[len(USER_PREFIX) : -len(DOF_SUFFIX)]
    return None


def dof_update_data(posted: PostedTransaction, balance: int, change: int) -> dict[str, Any]:
    return {
        "balance": balance,
        "change": change,
        "transactionId": posted.transaction_id,
        "kind": posted.metadata.get("kind"),
    }


def dof_update_writes(events: EventLog) -> Callable[[PostedTransaction], list[dict[str, Any]]]:
    def writes(posted: PostedTransaction) -> list[dict[str, Any]]:
        found = []
        for change in posted.changes:
            user_id = user_of(change.account)
            if user_id is not None and change.balance_after is not None:
                data = dof_update_data(posted, change.balance_after, change.amount)
                found.append(events.put_operation(user_id, "dof_update", data))
        return found

    return writes
