"""The marketplace's named failures (the spec's error codes), raised by logic and data access alike."""

from typing import Any

from shared.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, Unprocessable


def listing_not_found(listing_id: str) -> NotFound:
    return NotFound("The requested listing does not exist", {"listingId": listing_id}, code="LISTING_NOT_FOUND")


def item_not_found(item_id: str) -> NotFound:
    return NotFound("The requested item does not exist", {"itemId": item_id}, code="ITEM_NOT_FOUND")


def transaction_not_found(transaction_id: str) -> NotFound:
    return NotFound(
        "The requested transaction does not exist", {"transactionId": transaction_id}, code="TRANSACTION_NOT_FOUND"
    )


def player_not_found(player_id: str) -> NotFound:
    return NotFound("The requested player does not exist", {"playerId": player_id}, code="PLAYER_NOT_FOUND")


def listing_unavailable(details: Any = None) -> Conflict:
    return Conflict("Item is no longer available for purchase", details, code="LISTING_UNAVAILABLE")


def not_your_listing(action: str) -> Forbidden:
    return Forbidden(f"You can only {action} your own listings", code="UNAUTHORIZED")


def insufficient_inventory(required: int, available: int) -> Unprocessable:
    return Unprocessable(
        "Player does not have enough items in inventory",
        {"required": required, "available": available},
        code="INSUFFICIENT_INVENTORY",
    )


def insufficient_space(island: str, units: int, free: int | None = None) -> Unprocessable:
    details: dict[str, Any] = {"island": island, "required": units}
    if free is not None:
        details["available"] = free
    return Unprocessable("Not enough inventory space for purchase", details, code="INSUFFICIENT_SPACE")


def cursor_not_issued() -> Unprocessable:
    """A cursor of the documented shape (base64url) that this list did not issue: the request is
    well formed and the list's state refuses it, so 422 (the status of the spec's refusals of
    valid requests), not 400."""
    return Unprocessable(
        "This cursor was not issued for this list",
        {"cursor": "Must be a nextCursor from a previous page with the same filters and sort"},
        code="INVALID_CURSOR",
    )


def field_error(field: str, message: str, summary: str = "Invalid request parameters") -> InvalidInput:
    return InvalidInput(summary, [{"field": field, "message": message}])


class ListingChanged(DomainError):
    """The listing changed between our read and our write; the caller re-reads and tries again."""

    kind = "conflict"

    def __init__(self) -> None:
        super().__init__("The listing is being changed by another request; please retry", code="LISTING_BUSY")
