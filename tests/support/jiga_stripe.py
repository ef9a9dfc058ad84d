"""Signed Stripe webhook events for tests, shaped like Stripe's own (API version 2024-06-20)."""

import json
import secrets
import time
from typing import Any

import httpx

from jiga_store.logic.stripe import WEBHOOK_PATH, signature_header


def event(event_type: str, stripe_object: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "livemode": False,
        "type": event_type,
        "data": {"object": stripe_object},
    }


def checkout_session(purchase: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The Checkout Session Stripe made for a purchase (``POST /transactions/purchase`` answer)."""
    session = {
        "id": f"cs_test_{secrets.token_hex(12)}",
        "object": "checkout.session",
        "client_reference_id": purchase["transactionId"],
        "metadata": {"jiga_transaction_id": purchase["transactionId"]},
        "mode": "payment",
        "amount_total": round(purchase["amount"] * 100),
        "currency": purchase["currency"].lower(),
        "payment_status": "paid",
        "status": "complete",
        "payment_intent": f"pi_{secrets.token_hex(12)}",
    }
    session.update(changes)
    return session


def refunded_charge(session: dict[str, Any], amount_refunded: int, **changes: Any) -> dict[str, Any]:
    charge = {
        "id": f"ch_{session['payment_intent'][3:]}",
        "object": "charge",
        "amount": session["amount_total"],
        "amount_captured": session["amount_total"],
        "amount_refunded": amount_refunded,
        "currency": session["currency"],
        "payment_intent": session["payment_intent"],
        "refunded": amount_refunded == session["amount_total"],
        "metadata": {},
    }
    charge.update(changes)
    return charge


class StripeDriver:
    def __init__(self, client: httpx.Client, secret: str):
        self.client = client
        self.secret = secret

    def send(
        self,
        payload: dict[str, Any],
        secret: str | None = None,
        timestamp: int | None = None,
        header: str | None = None,
    ) -> httpx.Response:
        body = json.dumps(payload).encode()
        signature = header or signature_header(body, secret or self.secret, timestamp)
        return self.client.post(
            WEBHOOK_PATH,
            content=body,
            headers={"Content-Type": "application/json; charset=utf-8", "Stripe-Signature": signature},
        )
