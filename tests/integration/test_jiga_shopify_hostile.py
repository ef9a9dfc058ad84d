"""Signed Shopify deliveries that no real shop sends (or unsigned parts of real ones) are refused
with a clear 400 and change nothing; none of them reaches a 500."""

import json
import uuid

import pytest

from tests.support.shopify import order_payload, refund_payload


def new_email() -> str:
    return f"buyer-{uuid.uuid4().hex[:12]}@example.com"


def platinum_order(email, quantity):
    order = order_payload(email, {"platinum": 1})
    order["line_items"][0]["quantity"] = quantity
    return order


@pytest.mark.parametrize("quantity", [10**30, 10**40, 2.7, "3", True, -1, 101])
def test_an_order_with_an_impossible_quantity_is_400_and_credits_nothing(jiga, shopify, quantity):
    # Given a registered buyer
    user = jiga.register()
    # When a signed orders/paid arrives with a quantity no real order holds
    response = shopify.deliver("orders/paid", platinum_order(user.email, quantity))
    # Then it is refused, naming the field, and no DOF moves
    assert response.status_code == 400, response.text
    assert response.json()["error"]["details"]["field"] == "line_items[0].quantity"
    assert jiga.balance(user) == 0


def test_the_largest_real_orders_still_credit(jiga, shopify):
    user = jiga.register()
    assert shopify.deliver("orders/paid", platinum_order(user.email, 100)).status_code == 200
    custom = order_payload(user.email, {"custom": 10_000})
    assert shopify.deliver("orders/paid", custom).status_code == 200
    assert jiga.balance(user) == 100 * 175_000 + 1_000_000


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": 10**30}, "id"),
        ({"id": "x" * 5_000}, "id"),
        ({"total_price": "1e999999"}, "total_price"),
        ({"total_price": {"amount": 1}}, "total_price"),
        ({"email": "a" * 300 + "@example.com"}, "email"),
    ],
)
def test_order_fields_out_of_any_real_range_are_400(jiga, shopify, change, field):
    order = {**order_payload(new_email(), {"bronze": 1}), **change}
    response = shopify.deliver("orders/paid", order)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["details"]["field"] == field


def test_a_huge_refund_quantity_is_400_and_claws_back_nothing(jiga, shopify):
    user = jiga.register()
    order = shopify.paid(user.email, {"silver": 1})
    refund = refund_payload(order, {"silver": 1})
    refund["refund_line_items"][0]["quantity"] = 10**40
    response = shopify.deliver("refunds/create", refund)
    assert response.status_code == 400, response.text
    assert jiga.balance(user) == 25_000


@pytest.mark.parametrize("header", ["X-Shopify-Webhook-Id", "X-Shopify-Event-Id"])
def test_a_5000_character_unsigned_header_is_400_not_500(jiga, shopify, header):
    user = jiga.register()
    order = order_payload(user.email, {"bronze": 1})
    kwargs = {"webhook_id": "w" * 5_000} if header == "X-Shopify-Webhook-Id" else {"event_id": "e" * 5_000}
    response = shopify.deliver("orders/paid", order, **kwargs)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["details"]["field"] == header
    assert jiga.balance(user) == 0
    # the same order with proper ids is credited
    assert shopify.deliver("orders/paid", order).status_code == 200
    assert jiga.balance(user) == 10_000


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_a_signed_body_nested_10000_deep_is_400(jiga, shopify, content_type):
    from jiga_store.logic.shopify import sign

    body = ("[" * 10_000 + "]" * 10_000).encode()
    response = shopify.client.post(
        "/api/v1/webhooks/shopify",
        content=body,
        headers={
            "Content-Type": content_type,
            "X-Shopify-Topic": "orders/paid",
            "X-Shopify-Hmac-Sha256": sign(body, shopify.secret),
            "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "INVALID_INPUT"


def test_infinity_as_a_quantity_is_400(jiga, shopify):
    from jiga_store.logic.shopify import sign

    user = jiga.register()
    body = json.dumps(platinum_order(user.email, 1)).replace('"quantity": 1', '"quantity": Infinity').encode()
    response = shopify.client.post(
        "/api/v1/webhooks/shopify",
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-Shopify-Topic": "orders/paid",
            "X-Shopify-Hmac-Sha256": sign(body, shopify.secret),
            "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 400, response.text
    assert jiga.balance(user) == 0
