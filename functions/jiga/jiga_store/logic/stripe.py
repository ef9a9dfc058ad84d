"""Stripe webhooks at ``POST /api/v1/webhooks/stripe``: a Stripe Checkout purchase completes.

``POST /transactions/purchase`` with ``paymentMethod: stripe`` opens a Checkout Session whose
``client_reference_id`` (and ``metadata.jiga_transaction_id``) is our purchase id. Add a webhook
endpoint in the Stripe dashboard for ``<JigaApiUrl>/api/v1/webhooks/stripe`` with the events
below, and put its signing secret (``whsec_...``) into the ``StripeWebhookSecret`` secret.

Decisions the spec left open:

* **Authenticity**: Stripe's documented scheme, as its own libraries implement it:
  ``Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`` (several ``v1``
  during a secret's rotation; any may match), compared in constant time, and ``t`` at most 300
  seconds old, so a captured delivery cannot be replayed later. Anything else is 401 and has no
  effect. (The ``stripe`` package does the same in ``Webhook.construct_event``; importing it costs
  a webhook function about 100 ms of cold start for these 20 lines, so we keep them, and the
  tests check them against the package.)
* ``checkout.session.completed`` with ``payment_status: paid`` (and
  ``checkout.session.async_payment_succeeded`` for delayed methods) credits the purchase's DOFs to
  the user who started it, exactly once: the ledger transaction id is ``stripe-<purchase>-paid``,
  so a second event for the same payment changes nothing. The amount and currency paid must be the
  purchase's price; otherwise nothing is credited and the mismatch is logged as an error for
  support. A payment that arrives after the checkout expired is still credited (the money was
  received). ``completed`` with ``payment_status: unpaid`` waits for the async event.
* ``checkout.session.expired`` marks a still pending purchase ``expired``;
  ``checkout.session.async_payment_failed`` marks it ``failed``. A purchase never paid also reads
  ``expired`` once its checkout's ``expiresAt`` passes, whatever Stripe sends.
* ``charge.refunded`` follows the Shopify refund rule (``purchases.claw_back``): Stripe reports
  the charge's cumulative ``amount_refunded``, so the purchase's refunded DOFs become
  ``dofAmount x amount_refunded / amount`` (rounded down); the increase is clawed back up to the
  buyer's current balance and the rest, already spent, is written off and recorded. Events that
  arrive late or out of order never refund twice. The charge finds its purchase through its
  ``payment_intent`` (recorded when the payment was credited) or ``metadata.jiga_transaction_id``.
* **Exactly one effect**: a record of the event id (``STRIPE_EVENT#<evt_...>``, kept 30 days;
  Stripe retries for 3 days) commits in the same DynamoDB transaction as the effect, so a
  redelivered event is answered ``duplicate`` and changes nothing.
* **Answers**: 200 for processed, duplicate, ignored (other event types) and unmatched events
  (logged); 401 for a bad signature; 400 for a signed body that is not a Stripe event or holds
  values no real event holds; 409 when a concurrent change interrupted processing (nothing was
  written; Stripe retries).
"""

import hashlib
import hmac
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from jiga_store.logic.purchases import claw_back
from jiga_store.models.domain import DuplicateDelivery, StaleRead
from jiga_store.settings import DOF
from shared.errors import Conflict, InsufficientFunds, InvalidInput, utc_now_iso
from shared.ledger import EXTERNAL, ExtraWrite, Ledger, Posting, system_account, user_account
from shared.observability import logger

WEBHOOK_PATH = "/api/v1/webhooks/stripe"
SIGNATURE_TOLERANCE_SECONDS = 300
COMPLETED = "checkout.session.completed"
ASYNC_SUCCEEDED = "checkout.session.async_payment_succeeded"
ASYNC_FAILED = "checkout.session.async_payment_failed"
EXPIRED = "checkout.session.expired"
REFUNDED = "charge.refunded"
TRANSACTION_METADATA = "jiga_transaction_id"
MAX_ATTEMPTS = 4
MAX_AMOUNT = 10**12  # cents; far above any price we sell, far below what DynamoDB keeps
OUTSIDE_WORLD = system_account(EXTERNAL, DOF)
_STRIPE_ID = re.compile(r"^[A-Za-z0-9_]{1,255}$")


# -- signature (Stripe's documented scheme) ------------------------------------------------------


def signature_header(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe would send for ``body`` (for local events and tests)."""
    moment = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{moment}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={moment},v1={digest}"


def verify_signature(
    body: bytes, header: str | None, secret: str, tolerance: int = SIGNATURE_TOLERANCE_SECONDS, now: float | None = None
) -> bool:
    if not header or not secret.strip():
        return False
    timestamp, signatures = None, []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t":
            timestamp = value
        elif name == "v1":
            signatures.append(value)
    if timestamp is None or not timestamp.isdigit() or len(timestamp) > 12 or not signatures:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected.encode(), signature.encode()) for signature in signatures):
        return False
    return int(timestamp) >= (time.time() if now is None else now) - tolerance


# -- reading an event ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StripeEvent:
    event_id: str
    type: str
    object: dict[str, Any]


def _refused(field: str, message: str) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", {"field": field, "reason": message})


def stripe_id(value: Any, field: str, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not _STRIPE_ID.match(value):
        raise _refused(field, "must be a Stripe id (letters, digits and _, at most 255)")
    return value


def amount(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
        raise _refused(field, f"must be a whole number of cents from 0 to {MAX_AMOUNT}")
    return value


def read_event(payload: Any) -> StripeEvent:
    if not isinstance(payload, dict) or payload.get("object") != "event":
        raise InvalidInput("The webhook body is not a Stripe event")
    data = payload.get("data")
    event_object = data.get("object") if isinstance(data, dict) else None
    if not isinstance(event_object, dict):
        raise _refused("data.object", "must be an object")
    event_type = payload.get("type")
    if not isinstance(event_type, str) or not 0 < len(event_type) <= 100:
        raise _refused("type", "must be an event type")
    return StripeEvent(stripe_id(payload.get("id"), "id"), event_type, event_object)


def purchase_id_of(stripe_object: dict[str, Any]) -> str | None:
    """Our purchase id, from a Checkout Session or a charge."""
    metadata = stripe_object.get("metadata")
    candidates = [stripe_object.get("client_reference_id")]
    if isinstance(metadata, dict):
        candidates.append(metadata.get(TRANSACTION_METADATA))
    for candidate in candidates:
        if isinstance(candidate, str) and re.fullmatch(r"pur_[0-9a-f]{1,60}", candidate):
            return candidate
    return None


def refunded_dofs(dof_amount: int, charged: int, refunded_cents: int) -> int:
    """The purchase's DOFs that Stripe's cumulative ``amount_refunded`` stands for (rounded down)."""
    if charged <= 0:
        return 0
    return min(dof_amount, dof_amount * min(refunded_cents, charged) // charged)


# -- orchestration -------------------------------------------------------------------------------


class StripeStore(Protocol):
    def seen(self, event_id: str) -> bool: ...
    def event_write(self, event: StripeEvent, outcome: str, at: str) -> ExtraWrite: ...
    def remember_event(self, event: StripeEvent, outcome: str, at: str) -> None: ...
    def payment_lookup_write(self, payment_intent: str, transaction_id: str) -> ExtraWrite: ...
    def purchase_of_payment(self, payment_intent: str) -> str | None: ...
    def commit(self, writes: list[ExtraWrite]) -> None: ...


class StripePurchases(Protocol):
    def get(self, transaction_id: str) -> dict[str, Any] | None: ...
    def paid_write(self, transaction_id: str, payment_intent: str | None, at: str) -> ExtraWrite: ...
    def status_write(self, transaction_id: str, status: str, at: str) -> ExtraWrite: ...
    def refund_write(self, purchase: dict[str, Any], refunded: int, clawed: int, written_off: int) -> ExtraWrite: ...


@dataclass
class Stripe:
    """Everything a Stripe webhook needs, passed in so that tests can substitute any part."""

    store: StripeStore
    purchases: StripePurchases
    ledger: Ledger


def handle_event(event: StripeEvent, stripe: Stripe) -> dict[str, Any]:
    handlers: dict[str, Callable[[StripeEvent, Stripe, str], dict[str, Any]]] = {
        COMPLETED: checkout_paid,
        ASYNC_SUCCEEDED: checkout_paid,
        EXPIRED: checkout_closed,
        ASYNC_FAILED: checkout_closed,
        REFUNDED: charge_refunded,
    }
    handler = handlers.get(event.type)
    if handler is None:
        logger("jiga").info("Ignored a Stripe event type", extra={"type": event.type, "eventId": event.event_id})
        return {"received": True, "type": event.type, "outcome": "ignored"}
    if stripe.store.seen(event.event_id):
        return _duplicate(event)
    try:
        for _attempt in range(MAX_ATTEMPTS):
            try:
                return {"received": True, "type": event.type, **handler(event, stripe, utc_now_iso())}
            except (StaleRead, InsufficientFunds):
                continue  # something moved between our reads and our write: decide again
        raise StaleRead("Concurrent changes kept interrupting this webhook; Stripe will retry it")
    except DuplicateDelivery:
        stripe.store.remember_event(event, "duplicate", utc_now_iso())
        return _duplicate(event)


def _duplicate(event: StripeEvent) -> dict[str, Any]:
    return {"received": True, "type": event.type, "outcome": "duplicate"}


def _record_only(event: StripeEvent, stripe: Stripe, outcome: str, now: str, **extra: Any) -> dict[str, Any]:
    stripe.store.commit([stripe.store.event_write(event, outcome, now)])
    return {"outcome": outcome, **extra}


def _post_once(ledger: Ledger, transaction_id: str, postings: list[Posting], **kwargs: Any) -> None:
    try:
        posted = ledger.post(transaction_id, postings, **kwargs)
    except Conflict as error:
        if error.code == "TRANSACTION_ID_REUSED":
            raise DuplicateDelivery("This payment was already processed") from error
        raise
    if posted.replayed:
        raise DuplicateDelivery("This payment was already processed")


def checkout_paid(event: StripeEvent, stripe: Stripe, now: str) -> dict[str, Any]:
    session = event.object
    purchase_id = purchase_id_of(session)
    purchase = stripe.purchases.get(purchase_id) if purchase_id else None
    if purchase is None or purchase.get("paymentMethod") != "stripe":
        logger("jiga").error("Paid Stripe checkout matches no JIGA purchase", extra={"eventId": event.event_id})
        return _record_only(event, stripe, "unmatched", now)
    if session.get("payment_status") != "paid":
        return _record_only(event, stripe, "awaiting_payment", now, transactionId=purchase_id)
    paid = amount(session.get("amount_total"), "data.object.amount_total")
    currency = session.get("currency")
    if paid != purchase["priceCents"] or not isinstance(currency, str) or currency.upper() != purchase["currency"]:
        logger("jiga").error(
            "Stripe payment does not match the purchase's price; nothing credited",
            extra={"transactionId": purchase_id, "paid": paid, "currency": str(currency)[:10]},
        )
        return _record_only(event, stripe, "amount_mismatch", now, transactionId=purchase_id)
    payment_intent = stripe_id(session.get("payment_intent"), "data.object.payment_intent", required=False)
    writes = [
        stripe.store.event_write(event, "credited", now),
        stripe.purchases.paid_write(purchase_id, payment_intent, now),
    ]
    if payment_intent:
        writes.append(stripe.store.payment_lookup_write(payment_intent, purchase_id))
    dofs = purchase["dofAmount"]
    _post_once(
        stripe.ledger,
        f"stripe-{purchase_id}-paid",
        [Posting(OUTSIDE_WORLD, -dofs), Posting(user_account(purchase["userId"], DOF), dofs)],
        description=f"DOF purchase: {dofs:,} DOFs ({purchase['package']}) with Stripe",
        metadata={"kind": "purchase", "source": "stripe", "purchaseTransactionId": purchase_id},
        extra_writes=writes,
    )
    return {"outcome": "credited", "transactionId": purchase_id, "dofAmount": dofs, "userId": purchase["userId"]}


def checkout_closed(event: StripeEvent, stripe: Stripe, now: str) -> dict[str, Any]:
    """An expired checkout, or a delayed payment that failed: a pending purchase says so."""
    purchase_id = purchase_id_of(event.object)
    purchase = stripe.purchases.get(purchase_id) if purchase_id else None
    if purchase is None or purchase["status"] != "pending":
        return _record_only(event, stripe, "nothing_pending", now)
    status = "expired" if event.type == EXPIRED else "failed"
    stripe.store.commit(
        [stripe.store.event_write(event, status, now), stripe.purchases.status_write(purchase_id, status, now)]
    )
    return {"outcome": status, "transactionId": purchase_id}


def charge_refunded(event: StripeEvent, stripe: Stripe, now: str) -> dict[str, Any]:
    charge = event.object
    charge_id = stripe_id(charge.get("id"), "data.object.id")
    payment_intent = stripe_id(charge.get("payment_intent"), "data.object.payment_intent", required=False)
    purchase_id = (stripe.store.purchase_of_payment(payment_intent) if payment_intent else None) or purchase_id_of(
        charge
    )
    purchase = stripe.purchases.get(purchase_id) if purchase_id else None
    if purchase is None or purchase["status"] != "completed":
        logger("jiga").warning("Stripe refund for a charge that credited no DOFs", extra={"chargeId": charge_id})
        return _record_only(event, stripe, "unmatched", now, chargeId=charge_id)
    target = refunded_dofs(
        purchase["dofAmount"],
        amount(charge.get("amount"), "data.object.amount"),
        amount(charge.get("amount_refunded"), "data.object.amount_refunded"),
    )
    already = purchase.get("refundedDofs", 0)
    holder = user_account(purchase["userId"], DOF)
    refunded, clawed, written_off = claw_back(
        target - already, purchase["dofAmount"] - already, stripe.ledger.balance(holder)
    )
    if refunded == 0:
        return _record_only(event, stripe, "nothing_to_refund", now, transactionId=purchase_id)
    writes = [
        stripe.store.event_write(event, "refunded", now),
        stripe.purchases.refund_write(purchase, refunded, clawed, written_off),
    ]
    if clawed:
        _post_once(
            stripe.ledger,
            f"stripe-refund-{charge_id}-{already + refunded}",
            [Posting(holder, -clawed), Posting(OUTSIDE_WORLD, clawed)],
            description=f"Refund of a Stripe DOF purchase ({purchase['package']})",
            metadata={"kind": "refund", "source": "stripe", "purchaseTransactionId": purchase_id},
            extra_writes=writes,
        )
    else:
        stripe.store.commit(writes)
    if written_off:
        logger("jiga").warning(
            "Refunded DOFs were already spent; shortfall written off",
            extra={"transactionId": purchase_id, "chargeId": charge_id, "writtenOffDofs": written_off},
        )
    return {
        "outcome": "refunded",
        "transactionId": purchase_id,
        "refundedDofs": refunded,
        "clawedBackDofs": clawed,
        "writtenOffDofs": written_off,
    }
