"""The money rules on their own: packages, fees, signatures, DOF lines, refunds, checkout URLs."""

import base64
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from jiga_store.logic import purchases, shopify, transfers
from jiga_store.providers.checkout import (
    CheckoutRequest,
    OfflineCheckout,
    ShopifyCartPermalink,
    StripeCheckout,
    checkout_provider,
)
from shared.errors import InvalidInput, ServiceUnavailable, Unprocessable

# -- packages and purchases ------------------------------------------------------------------------


def test_package_table_gives_more_dofs_per_dollar_for_bigger_packages():
    rates = [purchases.PACKAGES[name].dofs / purchases.PACKAGES[name].price_cents for name in purchases.PACKAGES]
    assert rates == sorted(rates)
    custom_rate = purchases.CUSTOM_UNIT.dofs / purchases.CUSTOM_UNIT.price_cents
    assert custom_rate <= rates[0]


@pytest.mark.parametrize(
    ("package", "amount", "dofs", "cents"),
    [("bronze", None, 10_000, 499), ("platinum", None, 175_000, 4_999), ("custom", 2_500, 2_500, 125)],
)
def test_quote(package, amount, dofs, cents):
    quote = purchases.quote(package, amount)
    assert (quote.dof_amount, quote.price_cents) == (dofs, cents)


@pytest.mark.parametrize(
    ("package", "amount"), [("custom", None), ("custom", 900), ("custom", 1_001), ("gold", 5), ("diamond", None)]
)
def test_quote_refuses_what_the_table_does_not_sell(package, amount):
    with pytest.raises(InvalidInput):
        purchases.quote(package, amount)


@pytest.mark.parametrize(
    ("url", "allow_localhost", "ok"),
    [
        ("https://play.jigastore.com/back", False, True),
        ("http://localhost:5173/back", True, True),
        ("http://127.0.0.1/back", True, True),
        ("http://localhost:5173/back", False, False),
        ("http://example.com", True, False),
        ("ftp://example.com", True, False),
        ("https://a:b@example.com", True, False),
        ("https:///nohost", True, False),
        ("not a url", True, False),
    ],
)
def test_return_urls(url, allow_localhost, ok):
    if ok:
        assert purchases.check_return_url(url, allow_localhost) == url
    else:
        with pytest.raises(InvalidInput):
            purchases.check_return_url(url, allow_localhost)


def test_a_pending_purchase_reads_as_expired_after_its_checkout_expires():
    record = {"status": "pending", "checkoutExpiresAt": "2025-01-15T10:00:00.000Z"}
    before = datetime(2025, 1, 15, 9, 59, tzinfo=UTC)
    assert purchases.purchase_status(record, before) == "pending"
    assert purchases.purchase_status(record, before + timedelta(minutes=1)) == "expired"
    assert purchases.purchase_status({**record, "status": "completed"}, before + timedelta(days=1)) == "completed"


# -- transfers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "fee"), [(10, 1), (14, 1), (15, 2), (1_000, 100), (1_005, 101), (99_999, 10_000)])
def test_platform_fee_is_ten_percent_rounded_half_up(amount, fee):
    assert transfers.platform_fee(amount) == fee


def test_transfer_checks():
    with pytest.raises(InvalidInput):
        transfers.check_transfer("a", "b", 9)
    with pytest.raises(InvalidInput):
        transfers.check_transfer("a", "b", True)
    with pytest.raises(Unprocessable) as self_transfer:
        transfers.check_transfer("a", "a", 100)
    assert self_transfer.value.code == "CANNOT_TRANSFER_TO_SELF"
    transfers.check_transfer("a", "b", 10)


# -- webhook signatures and payloads ----------------------------------------------------------------


def test_signature_is_base64_hmac_sha256_of_the_raw_body():
    # RFC-style reference vector: HMAC-SHA256(key="key", "The quick brown fox jumps over the lazy dog")
    digest = bytes.fromhex("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")
    body = b"The quick brown fox jumps over the lazy dog"
    assert shopify.sign(body, "key") == base64.b64encode(digest).decode()
    assert shopify.verify_signature(body, base64.b64encode(digest).decode(), "key")
    assert not shopify.verify_signature(body + b"!", base64.b64encode(digest).decode(), "key")
    assert not shopify.verify_signature(body, None, "key")
    assert not shopify.verify_signature(body, shopify.sign(body, ""), "")


def test_delivery_dedupe_keys():
    assert shopify.Delivery("orders/paid", {}, "w1", "e1").keys == ["webhook:w1", "event:orders/paid:e1"]
    assert shopify.Delivery("orders/paid", {}, body_digest="abc").keys == ["body:orders/paid:abc"]


def test_dof_lines_by_sku_or_configured_variant_id():
    items = [
        {"sku": "dof-gold", "quantity": 2},
        {"sku": "", "variant_id": 111, "quantity": 1},
        {"sku": None, "variant_id": 222, "quantity": 30},
        {"sku": "MUG", "variant_id": 333, "quantity": 1},
        {"sku": "DOF-BRONZE", "quantity": 0},
        "garbage",
    ]
    lines = shopify.dof_lines(items, {"silver": "111", "custom": "222"})
    assert [(line.package, line.units, line.dofs) for line in lines] == [
        ("gold", 2, 120_000),
        ("silver", 1, 25_000),
        ("custom", 30, 3_000),
    ]


def test_order_email_and_note_attribute():
    order = {
        "email": None,
        "customer": {"email": " Buyer@Example.COM "},
        "note_attributes": [{"name": "x", "value": 1}],
    }
    assert shopify.order_email(order) == "buyer@example.com"
    assert shopify.order_email({"email": "no-at-sign"}) is None
    assert shopify.note_attribute(order, "x") == "1"
    assert shopify.note_attribute(order, "jiga_transaction_id") is None


def test_refund_dofs_from_lines_or_from_the_refunded_share():
    order = {"dofAmount": 35_000, "totalPriceCents": 1_498}
    by_lines = {"refund_line_items": [{"quantity": 1, "line_item": {"sku": "DOF-BRONZE"}}]}
    assert shopify.refund_dofs(by_lines, order, {}) == 10_000
    by_amount = {"transactions": [{"kind": "refund", "status": "success", "amount": "7.49"}]}
    assert shopify.refund_dofs(by_amount, order, {}) == 35_000 * 749 // 1_498
    failed = {"transactions": [{"kind": "refund", "status": "failure", "amount": "7.49"}]}
    assert shopify.refund_dofs(failed, order, {}) == 0


@pytest.mark.parametrize(
    ("requested", "refundable", "balance", "expected"),
    [
        (25_000, 25_000, 30_000, (25_000, 25_000, 0)),
        (25_000, 25_000, 5_000, (25_000, 5_000, 20_000)),
        (25_000, 10_000, 0, (10_000, 0, 10_000)),
        (25_000, 0, 50_000, (0, 0, 0)),
    ],
)
def test_claw_back_never_goes_below_zero_nor_beyond_the_order(requested, refundable, balance, expected):
    assert shopify.claw_back(requested, refundable, balance) == expected


# -- checkout providers --------------------------------------------------------------------------


def checkout_request(**overrides) -> CheckoutRequest:
    values = {
        "transaction_id": "pur_1",
        "user_id": "usr_1",
        "email": "buyer@example.com",
        "package": "custom",
        "variant_key": "custom",
        "sku": "DOF-CUSTOM-100",
        "quantity": 25,
        "dof_amount": 2_500,
        "price_cents": 125,
        "currency": "USD",
        "return_url": "https://play.jigastore.com/back?x=1",
        "expires_at": datetime(2025, 1, 15, 11, 0, tzinfo=UTC),
    }
    return CheckoutRequest(**(values | overrides))


def test_shopify_cart_permalink_carries_variant_quantity_email_and_our_transaction_id():
    url = urlsplit(
        ShopifyCartPermalink("jiga.myshopify.com", {"custom": "4455"}).create_checkout(checkout_request()).url
    )
    assert (url.scheme, url.netloc, url.path) == ("https", "jiga.myshopify.com", "/cart/4455:25")
    query = parse_qs(url.query)
    assert query["checkout[email]"] == ["buyer@example.com"]
    assert query["attributes[jiga_transaction_id]"] == ["pur_1"]
    assert query["attributes[jiga_return_url]"] == ["https://play.jigastore.com/back?x=1"]
    with pytest.raises(ServiceUnavailable):
        ShopifyCartPermalink("jiga.myshopify.com", {}).create_checkout(checkout_request())


def test_offline_checkout_is_deterministic():
    offline = OfflineCheckout("stripe", "https://offline.example/")
    assert offline.create_checkout(checkout_request()) == offline.create_checkout(checkout_request())
    assert offline.create_checkout(checkout_request()).url.startswith("https://offline.example/stripe/pur_1?")


def test_provider_selection_falls_back_to_offline_without_configuration():
    assert isinstance(checkout_provider("shopify", "", {}, "", "https://o"), OfflineCheckout)
    assert isinstance(
        checkout_provider("shopify", "s.myshopify.com", {"bronze": "1"}, "", "https://o"), ShopifyCartPermalink
    )
    assert isinstance(checkout_provider("stripe", "", {}, "arn:secret", "https://o"), StripeCheckout)
    assert isinstance(checkout_provider("stripe", "s.myshopify.com", {"bronze": "1"}, "", "https://o"), OfflineCheckout)


class FakeStripe(BaseHTTPRequestHandler):
    seen: list = []

    def do_POST(self):
        length = int(self.headers["content-length"])
        FakeStripe.seen.append((dict(self.headers), parse_qs(self.rfile.read(length).decode())))
        body = json.dumps({"id": "cs_test_1", "url": "https://checkout.stripe.com/c/pay/cs_test_1"}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_stripe_checkout_session_request_shape():
    server = HTTPServer(("127.0.0.1", 0), FakeStripe)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_port}/v1/checkout/sessions"
        checkout = StripeCheckout(lambda: "sk_test_123", endpoint).create_checkout(checkout_request())
    finally:
        server.shutdown()
    assert checkout.url == "https://checkout.stripe.com/c/pay/cs_test_1"
    assert checkout.reference == "cs_test_1"
    headers, form = FakeStripe.seen[-1]
    assert headers["Authorization"] == "Bearer sk_test_123"
    assert headers["Idempotency-Key"] == "pur_1"
    assert form["mode"] == ["payment"]
    assert form["client_reference_id"] == ["pur_1"]
    assert form["line_items[0][price_data][unit_amount]"] == ["125"]
    assert form["line_items[0][price_data][currency]"] == ["usd"]
    assert form["expires_at"] == [str(int(datetime(2025, 1, 15, 11, 0, tzinfo=UTC).timestamp()))]
    assert form["success_url"] == ["https://play.jigastore.com/back?x=1&transactionId=pur_1&status=success"]


def test_stripe_unreachable_is_503_payment_provider_unavailable():
    with pytest.raises(ServiceUnavailable) as failure:
        StripeCheckout(lambda: "sk", "http://127.0.0.1:9/v1/checkout/sessions").create_checkout(checkout_request())
    assert failure.value.code == "PAYMENT_PROVIDER_UNAVAILABLE"
