"""DOF purchases: the package table, prices, return URLs and the pending purchase record.

Decisions the spec left open:

* packages (price in USD, DOFs credited when the payment is confirmed):

  ========  ===========  ========  ===========================
  package   DOFs         price     Shopify SKU
  ========  ===========  ========  ===========================
  bronze    10,000       $4.99     DOF-BRONZE
  silver    25,000       $9.99     DOF-SILVER
  gold      60,000       $19.99    DOF-GOLD
  platinum  175,000      $49.99    DOF-PLATINUM
  custom    ``amount``   $0.05 per 100 DOFs (DOF-CUSTOM-100, quantity = amount / 100)
  ========  ===========  ========  ===========================

  ``custom`` takes ``amount`` DOFs, a multiple of 100 from 1,000 ($0.50, the smallest card charge
  Stripe accepts) to 1,000,000 ($500). ``amount`` is refused for the fixed packages, so a client
  never believes it bought a different quantity than it pays for. Prices are kept in cents.
* ``paymentMethod`` defaults to ``shopify`` (the spec's own SDK example omits it).
* ``returnUrl`` must be an absolute ``https`` URL without credentials; ``http://localhost`` /
  ``127.0.0.1`` are accepted outside prod for local front ends.
* a checkout expires after ``JIGA_CHECKOUT_TTL_SECONDS`` (1 hour; Stripe accepts 30 min to 24 h).
  The pending purchase record is kept 30 days after that (DynamoDB TTL): a payment that arrives
  late is still credited (the money was received), and support can read what was offered.
* the purchase record carries the buyer's user id and email: the Shopify webhook credits the
  purchase's user when the order carries our transaction id (cart attribute
  ``jiga_transaction_id``), else the account with the order's email (see ``logic/shopify.py``).
"""

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import urlsplit

from jiga_store.models.common import RETURN_URL_PATTERN
from jiga_store.providers.checkout import CheckoutProvider, CheckoutRequest
from shared.errors import InvalidInput, NotFound, utc_now_iso


@dataclass(frozen=True)
class DofPackage:
    name: str
    dofs: int  # DOFs per unit
    price_cents: int  # USD cents per unit
    sku: str


PACKAGES = {
    "bronze": DofPackage("bronze", 10_000, 499, "DOF-BRONZE"),
    "silver": DofPackage("silver", 25_000, 999, "DOF-SILVER"),
    "gold": DofPackage("gold", 60_000, 1_999, "DOF-GOLD"),
    "platinum": DofPackage("platinum", 175_000, 4_999, "DOF-PLATINUM"),
}
CUSTOM_UNIT = DofPackage("custom", 100, 5, "DOF-CUSTOM-100")
CUSTOM_MIN, CUSTOM_MAX = 1_000, 1_000_000
PACKAGE_BY_SKU = {package.sku: package for package in (*PACKAGES.values(), CUSTOM_UNIT)}
PURCHASE_RETENTION = timedelta(days=30)
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
CURRENCY = "USD"


@dataclass(frozen=True)
class Quote:
    package: str
    unit: DofPackage
    quantity: int

    @property
    def dof_amount(self) -> int:
        return self.unit.dofs * self.quantity

    @property
    def price_cents(self) -> int:
        return self.unit.price_cents * self.quantity


class PurchaseStore(Protocol):
    def create(self, record: dict[str, Any]) -> None: ...
    def get(self, transaction_id: str) -> dict[str, Any] | None: ...


def _field_error(field: str, message: str) -> InvalidInput:
    return InvalidInput("Request validation failed", [{"field": field, "message": message}])


def quote(package: str, amount: int | None) -> Quote:
    """What ``package`` (and ``amount`` for custom) costs; 400 for anything outside the table."""
    if package == "custom":
        if amount is None:
            raise _field_error("amount", "amount is required for custom packages")
        if not CUSTOM_MIN <= amount <= CUSTOM_MAX or amount % CUSTOM_UNIT.dofs:
            raise _field_error(
                "amount",
                f"amount must be a multiple of {CUSTOM_UNIT.dofs} between {CUSTOM_MIN} and {CUSTOM_MAX} DOFs",
            )
        return Quote(package, CUSTOM_UNIT, amount // CUSTOM_UNIT.dofs)
    if package not in PACKAGES:
        raise _field_error("package", f"package must be one of {', '.join([*PACKAGES, 'custom'])}")
    if amount is not None:
        raise _field_error("amount", "amount is only accepted for custom packages")
    return Quote(package, PACKAGES[package], 1)


def check_return_url(url: str, allow_localhost: bool) -> str:
    if not re.fullmatch(RETURN_URL_PATTERN, url):
        raise _field_error("returnUrl", "returnUrl must be an https URL (http://localhost outside prod)")
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.username is not None or parts.password is not None or not host:
        raise _field_error("returnUrl", "returnUrl must be an absolute URL without credentials")
    if parts.scheme == "https":
        return url.strip()
    if parts.scheme == "http" and host in LOCAL_HOSTS and allow_localhost:
        return url.strip()
    raise _field_error("returnUrl", "returnUrl must use https (http is accepted for localhost outside prod)")


def claw_back(requested: int, refundable: int, balance: int) -> tuple[int, int, int]:
    """The refund rule of every payment provider: (refunded, clawed back, written off).

    Never more than the purchase credited and is not yet refunded; DOFs are taken back up to the
    holder's current balance, and what was already spent is written off, never a negative balance."""
    refunded = max(min(requested, refundable), 0)
    clawed = min(refunded, max(balance, 0))
    return refunded, clawed, refunded - clawed


def usd(cents: int) -> float:
    return float(Decimal(cents) / 100)


def start_purchase(
    user: dict[str, Any],
    package: str,
    amount: int | None,
    payment_method: str,
    return_url: str,
    store: PurchaseStore,
    provider: CheckoutProvider,
    checkout_ttl_seconds: int,
    allow_localhost: bool,
) -> dict[str, Any]:
    """Open a checkout with the payment provider and keep a pending purchase record for the webhook."""
    priced = quote(package, amount)
    return_url = check_return_url(return_url, allow_localhost)
    transaction_id = f"pur_{uuid.uuid4().hex[:24]}"
    now = datetime.now(UTC)
    expires_at = now + timedelta(seconds=checkout_ttl_seconds)
    checkout = provider.create_checkout(
        CheckoutRequest(
            transaction_id=transaction_id,
            user_id=user["userId"],
            email=user["email"],
            package=priced.package,
            variant_key=priced.unit.name,
            sku=priced.unit.sku,
            quantity=priced.quantity,
            dof_amount=priced.dof_amount,
            price_cents=priced.price_cents,
            currency=CURRENCY,
            return_url=return_url,
            expires_at=expires_at,
        )
    )
    record = {
        "transactionId": transaction_id,
        "userId": user["userId"],
        "email": user["email"],
        "package": priced.package,
        "quantity": priced.quantity,
        "dofAmount": priced.dof_amount,
        "priceCents": priced.price_cents,
        "currency": CURRENCY,
        "paymentMethod": payment_method,
        "providerReference": checkout.reference,
        "checkoutUrl": checkout.url,
        "returnUrl": return_url,
        "status": "pending",
        "createdAt": utc_now_iso(),
        "checkoutExpiresAt": _iso(expires_at),
        "retainUntil": int((expires_at + PURCHASE_RETENTION).timestamp()),
    }
    store.create(record)
    return purchase_response(record)


def purchase_response(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "transactionId": record["transactionId"],
        "checkoutUrl": record["checkoutUrl"],
        "amount": usd(record["priceCents"]),
        "currency": record["currency"],
        "dofAmount": record["dofAmount"],
        "expiresAt": record["checkoutExpiresAt"],
    }


def purchase_status(record: dict[str, Any], now: datetime | None = None) -> str:
    """pending | completed | cancelled, and ``expired`` for a pending checkout past its expiry."""
    status = record["status"]
    if status == "pending":
        expires = datetime.fromisoformat(record["checkoutExpiresAt"].replace("Z", "+00:00"))
        if (now or datetime.now(UTC)) >= expires:
            return "expired"
    return status


def owned_purchase(store: PurchaseStore, transaction_id: str, caller_id: str) -> dict[str, Any]:
    """A purchase exists only for the user who started it (others get the same 404 as a typo)."""
    record = store.get(transaction_id)
    if record is None or record["userId"] != caller_id:
        raise transaction_not_found(transaction_id)
    return record


def transaction_not_found(transaction_id: str) -> NotFound:
    return NotFound(
        f"Transaction {transaction_id} not found", {"transactionId": transaction_id}, code="TRANSACTION_NOT_FOUND"
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
