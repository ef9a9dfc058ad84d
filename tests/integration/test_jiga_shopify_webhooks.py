"""Shopify webhooks: signed orders credit DOFs exactly once, whoever and however often they arrive."""

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

from jiga_store.logic.shopify import sign
from shared.ledger import Ledger
from tests.support.shopify import new_order_id, order_payload, refund_payload


def new_email() -> str:
    return f"buyer-{uuid.uuid4().hex[:12]}@example.com"


def start_purchase(jiga, user, package="bronze"):
    response = jiga.client.post(
        "/api/v1/transactions/purchase",
        json={"package": package, "paymentMethod": "shopify", "returnUrl": "https://play.jigastore.com/back"},
        headers=user.headers,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_paid_order_credits_the_user_with_that_email(jiga, shopify):
    # Given a registered user
    user = jiga.register()
    # When Shopify reports their order for a silver and two bronze packages as paid
    order = order_payload(user.email.upper(), {"silver": 1, "bronze": 2})
    response = shopify.deliver("orders/paid", order)
    # Then Shopify gets a 200 and the user has 25,000 + 2 x 10,000 DOFs
    assert response.status_code == 200
    assert response.json()["outcome"] == "credited"
    assert jiga.balance(user) == 45_000
    entry = jiga.client.get("/api/v1/wallet", headers=user.headers).json()["history"][0]
    assert entry["kind"] == "purchase"
    assert entry["amount"] == 45_000
    assert entry["transactionId"] == f"shopify-order-{order['id']}-paid"


def test_a_paid_order_carrying_our_transaction_id_completes_that_purchase(jiga, shopify):
    # Given a user who started a checkout for gold
    buyer = jiga.register()
    checkout = start_purchase(jiga, buyer, "gold")
    # When the order is paid with another email at Shopify's checkout
    order = order_payload(new_email(), {"gold": 1}, transaction_id=checkout["transactionId"])
    assert shopify.deliver("orders/paid", order).status_code == 200
    # Then the DOFs go to the user who started the checkout, and the purchase is completed
    assert jiga.balance(buyer) == 60_000
    seen = jiga.client.get(f"/api/v1/transactions/{checkout['transactionId']}", headers=buyer.headers).json()
    assert seen["status"] == "completed"
    assert seen["completedAt"]


def test_custom_packages_credit_100_dofs_per_unit_and_other_items_are_ignored(jiga, shopify):
    user = jiga.register()
    tshirt = {"id": 9, "variant_id": 1, "sku": "TSHIRT-L", "quantity": 1, "price": "25.00"}
    shopify.paid(user.email, {"custom": 55}, extra_items=[tshirt])
    assert jiga.balance(user) == 5_500
    only_merch = order_payload(user.email, {}, extra_items=[tshirt])
    only_merch["line_items"] = [tshirt]
    response = shopify.deliver("orders/paid", only_merch)
    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"
    assert jiga.balance(user) == 5_500


def test_forged_webhooks_are_401_and_credit_nothing(jiga, shopify):
    user = jiga.register()
    order = order_payload(user.email, {"platinum": 1})
    body = json.dumps(order).encode()
    forged = [
        shopify.deliver("orders/paid", order, secret="not-the-shop-secret"),
        shopify.deliver("orders/paid", order, signature="bm90IGEgc2lnbmF0dXJl"),
        # a genuine signature of another body
        shopify.deliver("orders/paid", order, signature=sign(body + b" ", shopify.secret)),
        shopify.client.post(
            "/api/v1/webhooks/shopify",
            content=body,
            headers={"Content-Type": "application/json", "X-Shopify-Topic": "orders/paid"},
        ),
    ]
    for response in forged:
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "UNAUTHORIZED"
        assert response.json()["error"]["requestId"]
    assert jiga.balance(user) == 0
    # the genuine delivery of the same order still works afterwards
    assert shopify.deliver("orders/paid", order).json()["outcome"] == "credited"
    assert jiga.balance(user) == 175_000


def test_a_redelivered_webhook_has_one_effect(jiga, shopify):
    user = jiga.register()
    order = order_payload(user.email, {"bronze": 1})
    webhook_id, event_id = str(uuid.uuid4()), str(uuid.uuid4())
    # Shopify retries with the same webhook id
    outcomes = [
        shopify.deliver("orders/paid", order, webhook_id=webhook_id, event_id=event_id).json()["outcome"]
        for _ in range(3)
    ]
    assert outcomes == ["credited", "duplicate", "duplicate"]
    # the same event sent again under another webhook id (a second subscription)
    assert shopify.deliver("orders/paid", order, event_id=event_id).json()["outcome"] == "duplicate"
    # the same order under entirely new ids (a manual resend)
    assert shopify.deliver("orders/paid", order).json()["outcome"] == "duplicate"
    assert jiga.balance(user) == 10_000


def test_concurrent_deliveries_of_one_order_credit_once(jiga, shopify):
    user = jiga.register()
    order = order_payload(user.email, {"silver": 1})
    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(lambda _: shopify.deliver("orders/paid", order), range(4)))
    assert all(response.status_code == 200 for response in responses)
    assert sorted(response.json()["outcome"] for response in responses) == ["credited"] + ["duplicate"] * 3
    assert jiga.balance(user) == 25_000


def test_dofs_bought_before_registering_arrive_on_registration(jiga, shopify):
    # Given two paid orders for an email nobody has registered
    email = new_email()
    first = shopify.deliver("orders/paid", order_payload(email, {"bronze": 1}))
    shopify.paid(email.upper(), {"silver": 1})
    assert first.json()["outcome"] == "pending_credit"
    # and someone else registering gets none of it
    bystander = jiga.register()
    assert jiga.balance(bystander) == 0
    # When the buyer registers with that email
    buyer = jiga.register(email)
    # Then both orders' DOFs are in their wallet, delivered once
    assert jiga.balance(buyer) == 35_000
    assert jiga.login(email, "correct horse battery").user_id == buyer.user_id
    assert jiga.balance(buyer) == 35_000


def test_a_paid_order_for_an_email_registered_meanwhile_is_credited_directly(jiga, shopify):
    email = new_email()
    user = jiga.register(email)
    assert shopify.deliver("orders/paid", order_payload(email, {"bronze": 1})).json()["outcome"] == "credited"
    assert jiga.balance(user) == 10_000


def test_cancellation_voids_a_pending_credit_and_a_pending_purchase(jiga, shopify):
    # Given a held credit for an unregistered email
    email = new_email()
    order = shopify.paid(email, {"gold": 1})
    # When the order is cancelled (twice, as Shopify may)
    cancelled = shopify.deliver("orders/cancelled", {**order, "cancelled_at": "2025-01-15T11:00:00Z"})
    assert cancelled.status_code == 200
    assert cancelled.json()["outcome"] == "voided"
    assert cancelled.json()["voidedDofs"] == 60_000
    assert shopify.deliver("orders/cancelled", order).json()["outcome"] == "duplicate"
    # Then registering with that email brings nothing
    assert jiga.balance(jiga.register(email)) == 0
    # And a checkout whose order is cancelled before payment becomes cancelled
    buyer = jiga.register()
    checkout = start_purchase(jiga, buyer, "silver")
    unpaid = order_payload(buyer.email, {"silver": 1}, transaction_id=checkout["transactionId"])
    assert shopify.deliver("orders/cancelled", unpaid).json()["purchaseCancelled"] is True
    seen = jiga.client.get(f"/api/v1/transactions/{checkout['transactionId']}", headers=buyer.headers).json()
    assert seen["status"] == "cancelled"
    assert jiga.balance(buyer) == 0


def test_cancelling_a_credited_order_leaves_the_dofs_to_the_refund(jiga, shopify):
    user = jiga.register()
    order = shopify.paid(user.email, {"bronze": 1})
    response = shopify.deliver("orders/cancelled", order)
    assert response.json()["outcome"] == "nothing_pending"
    assert jiga.balance(user) == 10_000
    shopify.deliver("refunds/create", refund_payload(order, {"bronze": 1}))
    assert jiga.balance(user) == 0


def test_refund_takes_back_what_is_left_and_writes_off_what_was_spent(jiga, shopify):
    # Given a user who bought silver (25,000 DOFs) and gave 20,000 of them away
    user, friend = jiga.register(), jiga.register()
    order = shopify.paid(user.email, {"silver": 1, "bronze": 1})
    transfer = jiga.client.post(
        "/api/v1/transactions/transfer", json={"toUserId": friend.user_id, "amount": 30_000}, headers=user.headers
    )
    assert transfer.status_code == 200
    assert jiga.balance(user) == 5_000
    # When Shopify refunds the silver package
    refund = refund_payload(order, {"silver": 1})
    response = shopify.deliver("refunds/create", refund)
    # Then the 5,000 still there are taken back and 20,000 are written off; never below zero
    assert response.status_code == 200
    assert response.json() | {"refundId": None} == {
        "received": True,
        "topic": "refunds/create",
        "outcome": "refunded",
        "orderId": str(order["id"]),
        "refundId": None,
        "refundedDofs": 25_000,
        "clawedBackDofs": 5_000,
        "writtenOffDofs": 20_000,
    }
    assert jiga.balance(user) == 0
    assert jiga.balance(friend) == 27_000  # transfers already made are not unwound
    # and the same refund delivered again (new ids) takes nothing more
    assert shopify.deliver("refunds/create", refund).json()["outcome"] == "duplicate"
    # a later refund of the bronze package cannot go below zero either
    jiga.grant(user, 3_000)
    second = shopify.deliver("refunds/create", refund_payload(order, {"bronze": 1})).json()
    assert (second["clawedBackDofs"], second["writtenOffDofs"]) == (3_000, 7_000)
    # and nothing beyond what the order credited can ever be refunded
    jiga.grant(user, 50_000)
    third = shopify.deliver("refunds/create", refund_payload(order, {"silver": 1})).json()
    assert third["refundedDofs"] == 0
    assert jiga.balance(user) == 50_000


def test_an_amount_only_refund_takes_back_the_refunded_share(jiga, shopify):
    user = jiga.register()
    order = shopify.paid(user.email, {"platinum": 1})  # $49.99
    response = shopify.deliver("refunds/create", refund_payload(order, amount="10.00"))
    # 175,000 x 10.00 / 49.99 = 35,007.001... rounded down in the buyer's favour
    assert response.json()["refundedDofs"] == 35_007
    assert jiga.balance(user) == 175_000 - 35_007


def test_a_refund_before_registration_reduces_the_held_credit(jiga, shopify):
    email = new_email()
    order = shopify.paid(email, {"bronze": 2})
    response = shopify.deliver("refunds/create", refund_payload(order, {"bronze": 1}))
    assert (response.json()["clawedBackDofs"], response.json()["writtenOffDofs"]) == (10_000, 0)
    assert jiga.balance(jiga.register(email)) == 10_000


def test_unknown_topics_and_unknown_refunds_answer_200_and_change_nothing(jiga, shopify):
    user = jiga.register()
    for topic in ("products/update", "orders/create", ""):
        response = shopify.deliver(topic, order_payload(user.email, {"gold": 1}))
        assert response.status_code == 200
        assert response.json()["outcome"] == "ignored"
    stray = shopify.deliver("refunds/create", {"id": new_order_id(), "order_id": new_order_id()})
    assert stray.json()["outcome"] == "unmatched"
    assert jiga.balance(user) == 0


def test_signed_bodies_that_are_not_orders_are_400(shopify):
    for payload in ({"no": "id"}, {"id": None}):
        response = shopify.deliver("orders/paid", payload)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "INVALID_INPUT"
    body = b"not json"
    response = shopify.client.post(
        "/api/v1/webhooks/shopify",
        content=body,
        headers={"X-Shopify-Topic": "orders/paid", "X-Shopify-Hmac-Sha256": sign(body, shopify.secret)},
    )
    assert response.status_code == 400


def test_an_order_with_no_email_and_no_purchase_is_held_for_support_and_can_be_voided(runtime, shopify):
    ledger = Ledger(runtime.physical_id("LedgerTable"), "jiga")
    order = order_payload(None, {"bronze": 1})
    assert shopify.deliver("orders/paid", order).json()["outcome"] == "unmatched"
    assert ledger.balance(f"escrow:shopify-order-{order['id']}:DOF") == 10_000
    assert shopify.deliver("orders/cancelled", order).json()["voidedDofs"] == 10_000
    assert ledger.balance(f"escrow:shopify-order-{order['id']}:DOF") == 0
