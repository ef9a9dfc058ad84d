"""Purchases (the spec's transactions), each party's history lines, ratings and seller reputation.

A purchase, its two history lines and the seller's reputation counters are written in the same
ledger transaction as the coin and items they describe, so a history never shows a sale whose money
did not move, and a reputation never counts one twice.
"""

from typing import Any

from botocore.exceptions import ClientError

from bluemarble_market.dal.table import Table
from shared.dynamo import cancellation_codes
from shared.errors import Conflict, DomainError
from shared.ledger import ExtraWrite


class PurchaseStateChanged(DomainError):
    """The purchase is no longer in the state a settlement step expected (another step won)."""

    kind = "conflict"


def _state_changed() -> DomainError:
    return PurchaseStateChanged("The purchase changed while it was being settled", code="PURCHASE_STATE_CHANGED")


def _unconditional() -> DomainError:  # pragma: no cover - a write without a condition cannot fail one
    return DomainError("Unexpected condition failure")


class PurchaseRepository:
    def __init__(self, table_name: str):
        self.table = Table(table_name)

    def get(self, purchase_id: str, consistent: bool = True) -> dict[str, Any] | None:
        return self.table.get(f"PURCHASE#{purchase_id}", "PURCHASE", consistent=consistent)

    def create_write(self, purchase: dict[str, Any]) -> ExtraWrite:
        item = {"pk": f"PURCHASE#{purchase['purchaseId']}", "sk": "PURCHASE", **purchase}
        return ExtraWrite(self.table.put_op(item, "attribute_not_exists(pk)"), _state_changed)

    def settle_write(self, purchase: dict[str, Any], changes: dict[str, Any]) -> ExtraWrite:
        """Move a PENDING purchase to its outcome (COMPLETED or REFUNDED)."""
        names, assignments, expression_values = {"#status": "status"}, [], {"pending": "PENDING"}
        for position, (name, value) in enumerate(changes.items()):
            names[f"#f{position}"] = name
            assignments.append(f"#f{position} = :f{position}")
            expression_values[f"f{position}"] = value
        operation = self.table.update_op(
            f"PURCHASE#{purchase['purchaseId']}",
            "PURCHASE",
            "SET " + ", ".join(assignments),
            "#status = :pending",
            names,
            **expression_values,
        )
        return ExtraWrite(operation, _state_changed)

    # -- history lines ---------------------------------------------------------------------------

    def history_writes(self, purchase: dict[str, Any]) -> list[ExtraWrite]:
        """One line for the buyer and one for the seller (``type`` buy / sell)."""
        writes = []
        for player, kind, other in (
            (purchase["buyerId"], "buy", purchase["sellerName"]),
            (purchase["sellerId"], "sell", purchase["buyerName"]),
        ):
            line = {
                "pk": f"HISTORY#{player}",
                "sk": f"{purchase['createdAt']}#{purchase['purchaseId']}",
                "purchaseId": purchase["purchaseId"],
                "type": kind,
                "itemName": purchase["itemName"],
                "quantity": purchase["quantity"],
                "totalPrice": purchase["totalPrice"],
                "otherParty": other,
                "status": purchase["status"],
                "completedAt": purchase.get("completedAt"),
                "createdAt": purchase["createdAt"],
            }
            writes.append(ExtraWrite(self.table.put_op(line), _unconditional))
        return writes

    def history_status_writes(
        self, purchase: dict[str, Any], status: str, completed_at: str | None
    ) -> list[ExtraWrite]:
        writes = []
        for player in (purchase["buyerId"], purchase["sellerId"]):
            expression = "SET #status = :status" + (", completedAt = :completed" if completed_at else "")
            extra = {"completed": completed_at} if completed_at else {}
            operation = self.table.update_op(
                f"HISTORY#{player}",
                f"{purchase['createdAt']}#{purchase['purchaseId']}",
                expression,
                names={"#status": "status"},
                status=status,
                **extra,
            )
            writes.append(ExtraWrite(operation, _unconditional))
        return writes

    def history(self, player_id: str, kind: str | None, status: str | None) -> list[dict[str, Any]]:
        """A player's lines, newest first, filtered (the spec's page/limit needs the total anyway)."""
        filters, names, expression_values = self._filters(kind, status)
        return list(
            self.table.query_all(
                "pk = :pk",
                {":pk": {"S": f"HISTORY#{player_id}"}, **expression_values},
                forward=False,
                filter_expression=filters,
                names=names,
            )
        )

    @staticmethod
    def _filters(kind: str | None, status: str | None) -> tuple[str | None, dict[str, str] | None, dict[str, Any]]:
        clauses, names, expression_values = [], {}, {}
        if kind:
            clauses.append("#type = :type")
            names["#type"] = "type"
            expression_values[":type"] = {"S": kind}
        if status:
            clauses.append("#status = :status")
            names["#status"] = "status"
            expression_values[":status"] = {"S": status}
        return (" AND ".join(clauses) or None), (names or None), expression_values

    # -- reputation ------------------------------------------------------------------------------------

    def reputation(self, seller_id: str) -> dict[str, Any] | None:
        return self.table.get(f"REPUTATION#{seller_id}", "REPUTATION")

    def reputation_write(self, seller_id: str, completed: int = 0, failed: int = 0) -> ExtraWrite:
        operation = self.table.update_op(
            f"REPUTATION#{seller_id}",
            "REPUTATION",
            "ADD completedTransactions :completed, failedTransactions :failed SET sellerId = :seller",
            completed=completed,
            failed=failed,
            seller=seller_id,
        )
        return ExtraWrite(operation, _unconditional)

    def rate(self, purchase: dict[str, Any], review: dict[str, Any]) -> None:
        """Store a review and count it, once per purchase (409 ``ALREADY_RATED`` the second time)."""
        seller = purchase["sellerId"]
        items = [
            self.table.update_op(
                f"PURCHASE#{purchase['purchaseId']}",
                "PURCHASE",
                "SET ratedAt = :at, rating = :rating",
                "attribute_not_exists(ratedAt)",
                at=review["createdAt"],
                rating=review["rating"],
            ),
            self.table.put_op(
                {"pk": f"REVIEWS#{seller}", "sk": f"{review['createdAt']}#{purchase['purchaseId']}", **review}
            ),
            self.table.update_op(
                f"REPUTATION#{seller}",
                "REPUTATION",
                "ADD ratingSum :rating, ratingCount :one SET sellerId = :seller",
                rating=review["rating"],
                one=1,
                seller=seller,
            ),
        ]
        try:
            self.table.client.transact_write_items(TransactItems=items)
        except ClientError as error:
            if cancellation_codes(error)[:1] == ["ConditionalCheckFailed"]:
                raise Conflict("This transaction has already been rated", code="ALREADY_RATED") from error
            raise

    def reviews(self, seller_id: str, limit: int) -> list[dict[str, Any]]:
        items, _ = self.table.query("pk = :pk", {":pk": {"S": f"REVIEWS#{seller_id}"}}, forward=False, limit=limit)
        return items
