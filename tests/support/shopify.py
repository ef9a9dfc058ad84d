"""Signed Shopify webhook deliveries for tests, shaped like Shopify's own payloads."""

import itertools
import json
import random
import uuid
from typing import Any

import httpx

from jiga_store.logic.shopify import WEBHOOK_PATH, sign

SKUS = {
    "bronze": "DOF-BRONZE",
    "silver": "DOF-SILVER",
    "gold": "DOF-GOLD",
    "platinum": "DOF-PLATINUM",
    "custom": "DOF-CUSTOM-100",
}
PRICES = {"bronze": "4.99", "silver": "9.99", "gold": "19.99", "platinum": "49.99", "custom": "0.05"}
_line_ids = itertools.count(1)


def new_order_id() -> int:
    return random.randint(10**12, 10**13)


def order_payload(
    email: str | None,
    packages: dict[str, int] | None = None,
    order_id: int | None = None,
    transaction_id: str | None = None,
    extra_items: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An ``orders/paid``-shaped order: one line item per package, quantity as given."""
    packages = packages or {"bronze": 1}
    order_id = order_id or new_order_id()
    items = [
        {
            "id": next(_line_ids),
            "variant_id": 40000000000 + index,
            "sku": SKUS[name],
            "title": f"DOF pack ({name})",
            "quantity": quantity,
            "price": PRICES[name],
        }
        for index, (name, quantity) in enumerate(packages.items())
    ] + list(extra_items or [])
    total = sum(float(item["price"]) * item["quantity"] for item in items)
    return {
        "id": order_id,
        "order_number": order_id % 100000,
        "name": f"#{order_id % 100000}",
        "email": email,
        "currency": "USD",
        "total_price": f"{total:.2f}",
        "financial_status": "paid",
        "line_items": items,
        "note_attributes": [{"name": "jiga_transaction_id", "value": transaction_id}] if transaction_id else [],
    }


def refund_payload(order: dict[str, Any], lines: dict[str, int] | None = None, amount: str | None = None) -> dict:
    """A ``refunds/create`` payload refunding ``lines`` (package -> quantity) of ``order``."""
    by_sku = {item["sku"]: item for item in order["line_items"]}
    refund_lines = [
        {"line_item_id": by_sku[SKUS[name]]["id"], "quantity": quantity, "line_item": by_sku[SKUS[name]]}
        for name, quantity in (lines or {}).items()
    ]
    return {
        "id": new_order_id(),
        "order_id": order["id"],
        "refund_line_items": refund_lines,
        "transactions": [{"kind": "refund", "status": "success", "amount": amount}] if amount else [],
    }


class ShopifyDriver:
    def __init__(self, client: httpx.Client, secret: str):
        self.client = client
        self.secret = secret

    def deliver(
        self,
        topic: str,
        payload: dict[str, Any],
        webhook_id: str | None = None,
        event_id: str | None = None,
        secret: str | None = None,
        signature: str | None = None,
    ) -> httpx.Response:
        body = json.dumps(payload).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": signature or sign(body, secret or self.secret),
            "X-Shopify-Shop-Domain": "jiga-test.myshopify.com",
            "X-Shopify-API-Version": "2025-01",
            "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
            "X-Shopify-Event-Id": event_id or str(uuid.uuid4()),
            "X-Shopify-Triggered-At": "2025-01-15T10:30:00Z",
        }
        return self.client.post(WEBHOOK_PATH, content=body, headers=headers)

    def paid(self, email: str | None, packages: dict[str, int] | None = None, **kwargs: Any) -> dict[str, Any]:
        """Deliver a new paid order and return its payload (asserting Shopify would see a 200)."""
        order = order_payload(email, packages, **kwargs)
        response = self.deliver("orders/paid", order)
        assert response.status_code == 200, response.text
        return order
