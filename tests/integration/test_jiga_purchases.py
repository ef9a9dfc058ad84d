"""Buying DOFs: POST /api/v1/transactions/purchase opens a checkout and keeps a pending purchase."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

PURCHASE = "/api/v1/transactions/purchase"
RETURN_URL = "https://play.jigastore.com/wallet?tab=dofs"


@pytest.fixture(scope="module")
def buyer(jiga):
    """One signed-in user for the cases that only read or are refused (they change no balance)."""
    return jiga.register()


def purchase(jiga, user, **body):
    payload = {"package": "bronze", "paymentMethod": "shopify", "returnUrl": RETURN_URL, **body}
    return jiga.client.post(PURCHASE, json=payload, headers=user.headers)


@pytest.mark.parametrize(
    ("package", "amount", "dofs", "usd"),
    [
        ("bronze", None, 10_000, 4.99),
        ("silver", None, 25_000, 9.99),
        ("gold", None, 60_000, 19.99),
        ("platinum", None, 175_000, 49.99),
        ("custom", 1_000, 1_000, 0.50),
        ("custom", 123_400, 123_400, 61.70),
        ("custom", 1_000_000, 1_000_000, 500.00),
    ],
)
def test_each_package_opens_a_checkout_with_its_documented_price(jiga, buyer, package, amount, dofs, usd):
    # Given a signed-in user
    user = buyer
    body = {"package": package} if amount is None else {"package": package, "amount": amount}
    # When they buy the package
    response = purchase(jiga, user, **body)
    # Then they get a checkout for the documented DOFs and price, expiring in about an hour
    assert response.status_code == 200, response.text
    checkout = response.json()
    assert set(checkout) == {"transactionId", "checkoutUrl", "amount", "currency", "dofAmount", "expiresAt"}
    assert checkout["dofAmount"] == dofs
    assert checkout["amount"] == pytest.approx(usd)
    assert checkout["currency"] == "USD"
    assert checkout["transactionId"].startswith("pur_")
    expires = datetime.fromisoformat(checkout["expiresAt"].replace("Z", "+00:00"))
    assert timedelta(minutes=55) < expires - datetime.now(UTC) <= timedelta(hours=1)
    # and no DOFs until the payment is confirmed
    assert jiga.balance(user) == 0


def test_offline_checkout_url_is_deterministic_and_describes_the_purchase(jiga, buyer):
    user = buyer
    checkout = purchase(jiga, user, package="silver", paymentMethod="stripe").json()
    url = urlsplit(checkout["checkoutUrl"])
    assert url.scheme == "https"
    assert url.path == f"/stripe/{checkout['transactionId']}"
    query = parse_qs(url.query)
    assert query["dofs"] == ["25000"]
    assert query["amount"] == ["9.99"]
    assert query["return_url"] == [RETURN_URL]
    assert query["email"] == [user.email]


def test_the_buyer_can_follow_their_pending_purchase_and_nobody_else_can(jiga):
    buyer, stranger = jiga.register(), jiga.register()
    checkout = purchase(jiga, buyer, package="gold").json()
    url = f"/api/v1/transactions/{checkout['transactionId']}"
    mine = jiga.client.get(url, headers=buyer.headers)
    assert mine.status_code == 200
    assert mine.json()["status"] == "pending"
    assert mine.json()["type"] == "purchase"
    assert mine.json()["dofAmount"] == 60_000
    theirs = jiga.client.get(url, headers=stranger.headers)
    assert theirs.status_code == 404
    assert theirs.json()["error"]["code"] == "TRANSACTION_NOT_FOUND"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"package": "diamond"}, "package"),
        ({"package": "custom"}, "amount"),
        ({"package": "custom", "amount": 999}, "amount"),
        ({"package": "custom", "amount": 1_000_100}, "amount"),
        ({"package": "custom", "amount": 1_050}, "amount"),
        ({"package": "custom", "amount": 0}, "amount"),
        ({"package": "custom", "amount": -5_000}, "amount"),
        ({"package": "custom", "amount": 1_500.5}, "amount"),
        ({"package": "custom", "amount": "5000"}, "amount"),
        ({"package": "bronze", "amount": 10_000}, "amount"),
        ({"paymentMethod": "paypal"}, "paymentMethod"),
        ({"returnUrl": "http://play.jigastore.com/wallet"}, "returnUrl"),
        ({"returnUrl": "javascript:alert(1)"}, "returnUrl"),
        ({"returnUrl": "https://user:pw@evil.example/"}, "returnUrl"),
        ({"returnUrl": "/wallet"}, "returnUrl"),
        ({"returnUrl": "https://x.example/" + "a" * 2048}, "returnUrl"),
        ({"surprise": True}, "surprise"),
    ],
)
def test_invalid_purchases_are_400_in_the_jiga_envelope(jiga, buyer, body, field):
    response = purchase(jiga, buyer, **body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "INVALID_INPUT"
    assert field in {detail["field"] for detail in error["details"]}
    assert error["requestId"] == response.headers["x-request-id"]


def test_missing_fields_are_400_missing_required_field(jiga, buyer):
    response = jiga.client.post(PURCHASE, json={"package": "bronze"}, headers=buyer.headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "MISSING_REQUIRED_FIELD"
    assert response.json()["error"]["details"][0]["field"] == "returnUrl"


def test_payment_method_defaults_to_shopify_and_localhost_return_urls_work_outside_prod(jiga, buyer):
    # the spec's own SDK example sends only package and returnUrl
    response = jiga.client.post(
        PURCHASE, json={"package": "bronze", "returnUrl": "http://localhost:5173/wallet"}, headers=buyer.headers
    )
    assert response.status_code == 200, response.text
    assert "/shopify/" in response.json()["checkoutUrl"]


def test_a_retried_purchase_with_the_same_idempotency_key_opens_one_checkout(jiga):
    user = jiga.register()
    headers = {**user.headers, "Idempotency-Key": "buy-gold-1"}
    body = {"package": "gold", "returnUrl": RETURN_URL}
    first = jiga.client.post(PURCHASE, json=body, headers=headers)
    again = jiga.client.post(PURCHASE, json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    different = jiga.client.post(PURCHASE, json={**body, "package": "silver"}, headers=headers)
    assert different.status_code == 422
    assert different.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    # another user's identical key is their own
    other = jiga.register()
    theirs = jiga.client.post(PURCHASE, json=body, headers={**other.headers, "Idempotency-Key": "buy-gold-1"})
    assert theirs.status_code == 200
    assert theirs.json()["transactionId"] != first.json()["transactionId"]


def test_purchase_and_transfer_routes_need_a_token(jiga):
    for method, path in (
        ("POST", PURCHASE),
        ("POST", "/api/v1/transactions/transfer"),
        ("GET", "/api/v1/transactions/pur_x"),
    ):
        response = jiga.client.request(method, path, json={})
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "UNAUTHORIZED"
