"""Shopify webhooks at ``POST /api/v1/webhooks/shopify``: signed orders credit DOFs exactly once.

Subscribe the shop's ``orders/paid``, ``orders/cancelled`` and ``refunds/create`` webhooks (JSON)
to ``<JigaApiUrl>/api/v1/webhooks/shopify``, and put the app's webhook signing secret into the
``ShopifyWebhookSecret`` secret after deploying.

Decisions the spec left open:

* **Authenticity**: ``X-Shopify-Hmac-Sha256`` must be the base64 HMAC-SHA256 of the raw body under
  that secret, compared in constant time; anything else is 401 and has no effect.
* **Which DOFs**: line items whose SKU is one of the package SKUs (``DOF-BRONZE``, ``DOF-SILVER``,
  ``DOF-GOLD``, ``DOF-PLATINUM``; ``DOF-CUSTOM-100`` = 100 DOFs per unit), or whose variant id is
  configured for a package in ``JIGA_SHOPIFY_VARIANT_IDS``, times their quantity. Other items are
  ignored; an order without DOF items is acknowledged and changes nothing.
* **Whose DOFs**: the user who started the checkout when the order carries our transaction id
  (note attribute ``jiga_transaction_id``, set by the checkout permalink; that purchase becomes
  ``completed``); else the user registered with the order's email (``email``, ``contact_email``
  or ``customer.email``); else the DOFs are held for that email in a per-order holding account
  (``escrow:shopify-order-<id>:DOF``) and delivered when someone registers with the email (and
  immediately if that registration raced the webhook). An order with neither is held as
  ``unmatched`` for support.
* **Cancellation** (``orders/cancelled``) voids what is still pending: the held credit goes back
  to the outside world and a pending purchase becomes ``cancelled``. DOFs already credited to a
  user are taken back by the refund webhook, because money only goes back through refunds.
* **Refunds** (``refunds/create``): the refunded DOF line items (or, for an amount-only refund,
  the refunded share of the order total, rounded down) up to what the order credited and is not
  yet refunded. We claw back ``min(refunded DOFs, current balance)`` from whoever holds them; DOFs
  already spent are never taken below zero: the shortfall is written off and recorded on the
  refund and order records (``writtenOffDofs``) and logged for review.
* **Exactly one effect**: every effect commits in ONE DynamoDB transaction together with dedupe
  records for ``X-Shopify-Webhook-Id`` (the same on every retry) and ``X-Shopify-Event-Id`` (the
  same for one event sent twice), kept 7 days (Shopify retries for 4 hours; DynamoDB's own
  ``ClientRequestToken`` lasts 10 minutes). Ledger transaction ids come from Shopify's own ids
  (``shopify-order-<id>-paid``, ``-void``, ``-claim``, ``shopify-refund-<id>``), and order and
  refund records are created with ``attribute_not_exists``, so the same order delivered again
  under a new webhook id still credits once.
* **Bounds** (what a real order can hold; anything else is refused with a 400 naming the field,
  logged as an error for the operator, and changes nothing): a DOF line's ``quantity`` is a whole
  number (not ``2.7``, not ``"3"``, not a boolean) from 0 to 100 packs, or 10,000 units of the
  custom 100-DOF pack (a 1,000,000-DOF purchase, the checkout's own maximum); an order credits at
  most 20,000,000 DOFs; ids are whole numbers below 2^63 or strings of at most 64 characters;
  money amounts are decimals of at most 2 places below $10,000,000; an email has at most 254
  characters. ``X-Shopify-Webhook-Id``, ``X-Shopify-Event-Id`` and ``X-Shopify-Shop-Domain`` are
  not covered by the signature, so anyone replaying a signed body can set them: they must be at
  most 128 visible ASCII characters. Bodies nested past 64 levels are refused before parsing.
* **Answers**: 200 for processed, duplicate, ignored and unknown topics (logged); 401 for a bad
  signature; 400 for a signed body that is not an order or refund or breaks the bounds; 409 when a
  concurrent change interrupted processing (nothing was written; Shopify's retry processes it).
  Work is a few DynamoDB requests, well inside Shopify's 5-second timeout.
"""

import base64
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from jiga_store.logic.purchases import CUSTOM_UNIT, PACKAGE_BY_SKU, PACKAGES, DofPackage, claw_back
from jiga_store.models.domain import DuplicateDelivery, StaleRead
from jiga_store.providers.checkout import TRANSACTION_ATTRIBUTE
from jiga_store.settings import DOF
from shared.errors import Conflict, InsufficientFunds, InvalidInput, utc_now_iso
from shared.identity import normalise_email
from shared.ledger import EXTERNAL, ExtraWrite, Ledger, Posting, escrow_account, system_account, user_account
from shared.observability import logger

WEBHOOK_PATH = "/api/v1/webhooks/shopify"
ORDERS_PAID, ORDERS_CANCELLED, REFUNDS_CREATE = "orders/paid", "orders/cancelled", "refunds/create"
MAX_ATTEMPTS = 4
OUTSIDE_WORLD = system_account(EXTERNAL, DOF)


# -- pure rules ----------------------------------------------------------------------------------


def sign(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def verify_signature(body: bytes, signature: str | None, secret: str) -> bool:
    if not signature or not secret:
        return False
    return hmac.compare_digest(sign(body, secret).encode(), signature.strip().encode())


@dataclass(frozen=True)
class Delivery:
    topic: str
    payload: dict[str, Any]
    webhook_id: str | None = None
    event_id: str | None = None
    shop: str | None = None
    body_digest: str = ""

    @property
    def keys(self) -> list[str]:
        """Dedupe keys: the delivery's id, and the event's id (one event can be delivered twice)."""
        keys = []
        if self.webhook_id:
            keys.append(f"webhook:{self.webhook_id}")
        if self.event_id:
            keys.append(f"event:{self.topic}:{self.event_id}")
        return keys or [f"body:{self.topic}:{self.body_digest}"]


@dataclass(frozen=True)
class DofLine:
    package: str
    units: int
    dofs: int


def package_for(item: dict[str, Any], variant_ids: dict[str, str]) -> DofPackage | None:
    sku = str(item.get("sku") or "").strip().upper()
    if sku in PACKAGE_BY_SKU:
        return PACKAGE_BY_SKU[sku]
    variant_id = str(item.get("variant_id") or "")
    for name, configured in variant_ids.items():
        if variant_id and configured == variant_id:
            return CUSTOM_UNIT if name == "custom" else PACKAGES.get(name)
    return None


MAX_PACKS_PER_LINE = 100
MAX_CUSTOM_UNITS_PER_LINE = 10_000  # 1,000,000 DOFs, the custom checkout's own maximum
MAX_ORDER_DOFS = 20_000_000
MAX_ID_LENGTH = 64
MAX_EMAIL_LENGTH = 254
MAX_CENTS = 1_000_000_000  # $10,000,000
_HEADER_VALUE = re.compile(r"^[\x21-\x7e]{1,128}$")


def refused(field: str, message: str) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", {"field": field, "reason": message})


def header_value(value: str | None, name: str) -> str | None:
    """An unsigned header we key records on: at most 128 visible ASCII characters, or absent."""
    if value is None or value == "":
        return None
    if not _HEADER_VALUE.match(value):
        raise refused(name, "must be at most 128 visible ASCII characters")
    return value


def units_of(value: Any, package: DofPackage, field: str) -> int:
    most = MAX_CUSTOM_UNITS_PER_LINE if package is CUSTOM_UNIT else MAX_PACKS_PER_LINE
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
        raise refused(field, f"must be a whole number from 0 to {most}")
    return value


def dof_lines(
    items: Any,
    variant_ids: dict[str, str],
    line_of: Callable[[dict], dict] = lambda i: i,
    field: str = "line_items",
) -> list[DofLine]:
    """The DOF packs of an order (or refund); other items are ignored, DOF lines must be real."""
    lines = []
    for position, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            continue
        line = line_of(item)
        package = package_for(line if isinstance(line, dict) else {}, variant_ids)
        if package is None:
            continue
        units = units_of(item.get("quantity"), package, f"{field}[{position}].quantity")
        if units:
            lines.append(DofLine(package.name, units, package.dofs * units))
    if sum(line.dofs for line in lines) > MAX_ORDER_DOFS:
        raise refused(field, f"an order credits at most {MAX_ORDER_DOFS} DOFs")
    return lines


def cents(amount: Any, field: str = "total_price") -> int:
    """A Shopify money amount (``"4.99"``) in cents; absent is 0, anything unreal is refused."""
    if amount is None or amount == "":
        return 0
    if isinstance(amount, bool) or not isinstance(amount, str | int | float):
        raise refused(field, "must be a decimal amount")
    try:
        value = Decimal(str(amount))
    except InvalidOperation as error:
        raise refused(field, "must be a decimal amount") from error
    if not value.is_finite() or value < 0 or value.as_tuple().exponent < -2 or value > MAX_CENTS // 100:
        raise refused(field, "must be a decimal amount of at most 2 places below 10,000,000")
    return int(value * 100)


def order_email(order: dict[str, Any]) -> str | None:
    customer = order.get("customer") if isinstance(order.get("customer"), dict) else {}
    email = order.get("email") or order.get("contact_email") or customer.get("email")
    if not isinstance(email, str) or "@" not in email:
        return None
    if len(email.strip()) > MAX_EMAIL_LENGTH:
        raise refused("email", f"must be at most {MAX_EMAIL_LENGTH} characters")
    return normalise_email(email)


def note_attribute(order: dict[str, Any], name: str) -> str | None:
    attributes = order.get("note_attributes")
    for attribute in attributes if isinstance(attributes, list) else []:
        if isinstance(attribute, dict) and attribute.get("name") == name and attribute.get("value"):
            value = str(attribute["value"])
            return value if len(value) <= MAX_ID_LENGTH else None
    return None


def order_label(order: dict[str, Any], order_id: str) -> str:
    """What the shop calls the order (``#1001``), for descriptions; its id when that is unusable."""
    label = order.get("order_number") or order.get("name")
    if isinstance(label, bool) or not isinstance(label, int | str) or not 0 < len(str(label)) <= MAX_ID_LENGTH:
        return order_id
    return str(label)


def currency_of(order: dict[str, Any]) -> str | None:
    currency = order.get("currency")
    return currency if isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency) else None


def refund_dofs(refund: dict[str, Any], order: dict[str, Any], variant_ids: dict[str, str]) -> int:
    """Refunded DOF line items; for an amount-only refund, the refunded share of the order total."""
    lines = dof_lines(
        refund.get("refund_line_items"), variant_ids, lambda item: item.get("line_item") or {}, "refund_line_items"
    )
    if lines:
        return sum(line.dofs for line in lines)
    transactions = refund.get("transactions")
    refunded = sum(
        cents(transaction.get("amount"), f"transactions[{position}].amount")
        for position, transaction in enumerate(transactions if isinstance(transactions, list) else [])
        if isinstance(transaction, dict)
        and transaction.get("kind") == "refund"
        and transaction.get("status", "success") == "success"
    )
    total = order.get("totalPriceCents") or 0
    if refunded <= 0 or total <= 0:
        return 0
    return min(order["dofAmount"], order["dofAmount"] * refunded // total)


def _required_id(payload: dict[str, Any], name: str) -> str:
    value = payload.get(name)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip():
        raise InvalidInput(f"The webhook payload has no {name}", {"field": name})
    if isinstance(value, int) and not 0 < value < 2**63:
        raise refused(name, "must be a positive 64-bit id")
    if isinstance(value, str) and (len(value) > MAX_ID_LENGTH or not value.isprintable()):
        raise refused(name, f"must be at most {MAX_ID_LENGTH} printable characters")
    return str(value)


# -- orchestration -------------------------------------------------------------------------------


class ShopifyStore(Protocol):
    def get_order(self, order_id: str) -> dict[str, Any] | None: ...
    def get_refund(self, refund_id: str) -> dict[str, Any] | None: ...
    def seen(self, delivery_keys: list[str]) -> bool: ...
    def pending_credits(self, email: str) -> list[dict[str, Any]]: ...
    def delivery_writes(self, delivery_keys: list[str], topic: str, received_at: str) -> list[ExtraWrite]: ...
    def new_order_write(self, order: dict[str, Any]) -> ExtraWrite: ...
    def order_update_write(self, order: dict[str, Any], changes: dict[str, Any]) -> ExtraWrite: ...
    def new_refund_write(self, refund: dict[str, Any]) -> ExtraWrite: ...
    def pending_credit_write(self, email: str, credit: dict[str, Any]) -> ExtraWrite: ...
    def resolve_pending_credit_write(self, email: str, order_id: str) -> ExtraWrite: ...
    def remember_deliveries(self, delivery_keys: list[str], topic: str, received_at: str) -> None: ...
    def commit(self, writes: list[ExtraWrite]) -> None: ...


class PurchaseLookup(Protocol):
    def get(self, transaction_id: str) -> dict[str, Any] | None: ...
    def settle_write(
        self, transaction_id: str, status: str, order_id: str, at: str, only_if_pending: bool
    ) -> ExtraWrite: ...


class UserEmails(Protocol):
    def credentials(self, email: str, consistent: bool = False) -> dict[str, Any] | None: ...


@dataclass
class Shopify:
    """Everything a webhook needs, passed in so that tests can substitute any part."""

    store: ShopifyStore
    purchases: PurchaseLookup
    users: UserEmails
    ledger: Ledger
    variant_ids: dict[str, str] = field(default_factory=dict)


def handle_delivery(delivery: Delivery, shopify: Shopify) -> dict[str, Any]:
    handlers = {ORDERS_PAID: order_paid, ORDERS_CANCELLED: order_cancelled, REFUNDS_CREATE: refund_created}
    handler = handlers.get(delivery.topic)
    if handler is None:
        logger("jiga").warning(
            "Unhandled Shopify webhook topic",
            extra={"topic": delivery.topic, "webhookId": delivery.webhook_id, "shop": delivery.shop},
        )
        return {"received": True, "topic": delivery.topic, "outcome": "ignored"}
    if shopify.store.seen(delivery.keys):
        return _duplicate(delivery)
    try:
        for _attempt in range(MAX_ATTEMPTS):
            try:
                return {"received": True, "topic": delivery.topic, **handler(delivery, shopify, utc_now_iso())}
            except (StaleRead, InsufficientFunds):
                continue  # something moved between our reads and our write: decide again
        raise StaleRead("Concurrent changes kept interrupting this webhook; it will be retried")
    except DuplicateDelivery:
        shopify.store.remember_deliveries(delivery.keys, delivery.topic, utc_now_iso())
        return _duplicate(delivery)


def _duplicate(delivery: Delivery) -> dict[str, Any]:
    return {"received": True, "topic": delivery.topic, "outcome": "duplicate"}


def _post_once(ledger: Ledger, transaction_id: str, postings: list[Posting], **kwargs: Any) -> None:
    """Post, treating an existing transaction with this id (Shopify's ids make it) as a duplicate."""
    try:
        posted = ledger.post(transaction_id, postings, **kwargs)
    except Conflict as error:
        if error.code == "TRANSACTION_ID_REUSED":
            raise DuplicateDelivery("This order was already processed") from error
        raise
    if posted.replayed:
        raise DuplicateDelivery("This order was already processed")


def order_paid(delivery: Delivery, shopify: Shopify, now: str) -> dict[str, Any]:
    order = delivery.payload
    order_id = _required_id(order, "id")
    if shopify.store.get_order(order_id) is not None:
        raise DuplicateDelivery("This order was already credited")
    deliveries = shopify.store.delivery_writes(delivery.keys, delivery.topic, now)
    lines = dof_lines(order.get("line_items"), shopify.variant_ids)
    dofs = sum(line.dofs for line in lines)
    if dofs == 0:
        shopify.store.commit(deliveries)
        return {"outcome": "ignored", "orderId": order_id, "reason": "no DOF items"}

    email = order_email(order)
    purchase_id = note_attribute(order, TRANSACTION_ATTRIBUTE)
    purchase = shopify.purchases.get(purchase_id) if purchase_id else None
    user_id = purchase["userId"] if purchase else None
    if user_id is None and email:
        credentials = shopify.users.credentials(email)
        user_id = credentials["userId"] if credentials else None
    holding = escrow_account(f"shopify-order-{order_id}", DOF)
    status = "credited" if user_id else ("pending_credit" if email else "unmatched")
    record = {
        "orderId": order_id,
        "orderNumber": order_label(order, order_id),
        "email": email,
        "shop": delivery.shop,
        "dofAmount": dofs,
        "lines": [asdict(line) for line in lines],
        "totalPriceCents": cents(order.get("total_price")),
        "currency": currency_of(order),
        "purchaseTransactionId": purchase["transactionId"] if purchase else None,
        "paidTransactionId": f"shopify-order-{order_id}-paid",
        "status": status,
        "recipientUserId": user_id,
        "holdingAccount": None if user_id else holding,
        "refundedDofs": 0,
        "clawedBackDofs": 0,
        "writtenOffDofs": 0,
        "paidAt": now,
    }
    writes = [shopify.store.new_order_write(record), *deliveries]
    if purchase:
        writes.append(shopify.purchases.settle_write(purchase["transactionId"], "completed", order_id, now, False))
    if status == "pending_credit":
        writes.append(
            shopify.store.pending_credit_write(
                email, {"orderId": order_id, "dofAmount": dofs, "holdingAccount": holding, "createdAt": now}
            )
        )
    _post_once(
        shopify.ledger,
        record["paidTransactionId"],
        [Posting(OUTSIDE_WORLD, -dofs), Posting(user_account(user_id, DOF) if user_id else holding, dofs)],
        description=f"DOF purchase: Shopify order {record['orderNumber']}",
        metadata={
            "kind": "purchase",
            "source": "shopify",
            "orderId": order_id,
            "purchaseTransactionId": record["purchaseTransactionId"],
            "packages": record["lines"],
        },
        extra_writes=writes,
    )
    if status == "pending_credit":
        # A registration that raced this webhook may have looked for pending credits before we
        # wrote this one: look again, now that it is written, and hand it over.
        credentials = shopify.users.credentials(email, consistent=True)
        if credentials and claim_pending_credits(credentials["userId"], email, shopify):
            status, user_id = "credited", credentials["userId"]
    if status == "unmatched":
        logger("jiga").error("Paid Shopify order has no email and no JIGA purchase", extra={"orderId": order_id})
    return {"outcome": status, "orderId": order_id, "dofAmount": dofs, "userId": user_id}


def order_cancelled(delivery: Delivery, shopify: Shopify, now: str) -> dict[str, Any]:
    payload = delivery.payload
    order_id = _required_id(payload, "id")
    order = shopify.store.get_order(order_id)
    if order is not None and order.get("cancelledAt"):
        raise DuplicateDelivery("This cancellation was already processed")
    writes = shopify.store.delivery_writes(delivery.keys, delivery.topic, now)
    purchase_id = note_attribute(payload, TRANSACTION_ATTRIBUTE)
    purchase = shopify.purchases.get(purchase_id) if purchase_id else None
    purchase_cancelled = purchase is not None and purchase["status"] == "pending"
    if purchase_cancelled:
        writes.append(shopify.purchases.settle_write(purchase["transactionId"], "cancelled", order_id, now, True))
    voided = 0
    if order is not None:
        changes: dict[str, Any] = {"cancelledAt": now}
        if order["status"] in ("pending_credit", "unmatched"):
            voided = shopify.ledger.balance(order["holdingAccount"])
            changes.update(status="voided", voidedDofs=voided)
            if order["status"] == "pending_credit":
                writes.append(shopify.store.resolve_pending_credit_write(order["email"], order_id))
        writes.append(shopify.store.order_update_write(order, changes))
    if voided > 0:
        _post_once(
            shopify.ledger,
            f"shopify-order-{order_id}-void",
            [Posting(order["holdingAccount"], -voided), Posting(OUTSIDE_WORLD, voided)],
            description=f"Shopify order {order['orderNumber']} cancelled before the DOFs were claimed",
            metadata={"kind": "purchase_void", "source": "shopify", "orderId": order_id},
            extra_writes=writes,
        )
    else:
        shopify.store.commit(writes)
    outcome = "voided" if voided or purchase_cancelled else "nothing_pending"
    return {"outcome": outcome, "orderId": order_id, "voidedDofs": voided, "purchaseCancelled": purchase_cancelled}


def refund_created(delivery: Delivery, shopify: Shopify, now: str) -> dict[str, Any]:
    refund = delivery.payload
    refund_id = _required_id(refund, "id")
    order_id = _required_id(refund, "order_id")
    if shopify.store.get_refund(refund_id) is not None:
        raise DuplicateDelivery("This refund was already processed")
    deliveries = shopify.store.delivery_writes(delivery.keys, delivery.topic, now)
    order = shopify.store.get_order(order_id)
    if order is None:
        logger("jiga").warning("Shopify refund for an order that credited no DOFs", extra={"orderId": order_id})
        record = {"refundId": refund_id, "orderId": order_id, "status": "unmatched", "createdAt": now}
        shopify.store.commit([shopify.store.new_refund_write(record), *deliveries])
        return {"outcome": "unmatched", "orderId": order_id, "refundId": refund_id}

    holder = user_account(order["recipientUserId"], DOF) if order.get("recipientUserId") else order["holdingAccount"]
    requested = refund_dofs(refund, order, shopify.variant_ids)
    # DOFs voided with a cancelled pending credit already went back; they cannot be refunded again
    refundable = order["dofAmount"] - order["refundedDofs"] - order.get("voidedDofs", 0)
    refunded, clawed, written_off = claw_back(requested, refundable, shopify.ledger.balance(holder))
    record = {
        "refundId": refund_id,
        "orderId": order_id,
        "status": "processed",
        "account": holder,
        "requestedDofs": requested,
        "refundedDofs": refunded,
        "clawedBackDofs": clawed,
        "writtenOffDofs": written_off,
        "createdAt": now,
    }
    writes = [
        shopify.store.new_refund_write(record),
        shopify.store.order_update_write(
            order,
            {
                "refundedDofs": order["refundedDofs"] + refunded,
                "clawedBackDofs": order["clawedBackDofs"] + clawed,
                "writtenOffDofs": order["writtenOffDofs"] + written_off,
            },
        ),
        *deliveries,
    ]
    if clawed:
        _post_once(
            shopify.ledger,
            f"shopify-refund-{refund_id}",
            [Posting(holder, -clawed), Posting(OUTSIDE_WORLD, clawed)],
            description=f"Refund of Shopify order {order['orderNumber']}",
            metadata={"kind": "refund", "source": "shopify", "orderId": order_id, "refundId": refund_id},
            extra_writes=writes,
        )
    else:
        shopify.store.commit(writes)
    if written_off:
        logger("jiga").warning(
            "Refunded DOFs were already spent; shortfall written off",
            extra={"orderId": order_id, "refundId": refund_id, "account": holder, "writtenOffDofs": written_off},
        )
    return {
        "outcome": "refunded",
        "orderId": order_id,
        "refundId": refund_id,
        "refundedDofs": refunded,
        "clawedBackDofs": clawed,
        "writtenOffDofs": written_off,
    }


def claim_pending_credits(user_id: str, email: str, shopify: Shopify) -> int:
    """Deliver the DOFs held for ``email`` to the user who now owns it; returns the DOFs delivered."""
    email = normalise_email(email)
    return sum(_claim(user_id, email, credit, shopify) for credit in shopify.store.pending_credits(email))


def _claim(user_id: str, email: str, credit: dict[str, Any], shopify: Shopify) -> int:
    order_id = credit["orderId"]
    for _attempt in range(MAX_ATTEMPTS):
        order = shopify.store.get_order(order_id)
        if order is None or order["status"] != "pending_credit":
            return 0
        held = shopify.ledger.balance(credit["holdingAccount"])
        writes = [
            shopify.store.resolve_pending_credit_write(email, order_id),
            shopify.store.order_update_write(
                order, {"status": "credited", "recipientUserId": user_id, "claimedAt": utc_now_iso()}
            ),
        ]
        try:
            if held > 0:
                _post_once(
                    shopify.ledger,
                    f"shopify-order-{order_id}-claim",
                    [Posting(credit["holdingAccount"], -held), Posting(user_account(user_id, DOF), held)],
                    description=f"DOF purchase: Shopify order {order['orderNumber']} (held until registration)",
                    metadata={"kind": "purchase", "source": "shopify", "orderId": order_id},
                    extra_writes=writes,
                )
            else:
                shopify.store.commit(writes)
        except (StaleRead, InsufficientFunds):
            continue
        except DuplicateDelivery:
            return 0
        return held
    return 0
