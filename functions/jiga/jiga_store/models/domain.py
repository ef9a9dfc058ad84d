"""Domain outcomes shared by the money logic and its data access (no HTTP, no boto3)."""

from shared.errors import Conflict


class DuplicateDelivery(Conflict):
    """A webhook delivery (or the order/refund it carries) was already recorded: no second effect."""


class StaleRead(Conflict):
    """A record changed between our read and our conditional write: re-read and decide again."""
