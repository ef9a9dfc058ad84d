"""Checkout adapters: where a buyer is sent to pay for DOFs.

* **Shopify** (``ShopifyCartPermalink``): a cart permalink on the configured shop,
  ``https://<shop>.myshopify.com/cart/<variant id>:<quantity>?...``, pre-filling the buyer's email
  and carrying our transaction id as the cart attribute ``jiga_transaction_id`` (Shopify copies
  cart attributes to the order's ``note_attributes``, which is how ``orders/paid`` finds the
  purchase) and the ``returnUrl`` as ``jiga_return_url`` for the shop's thank-you page. Building
  it needs no API call; it needs ``JIGA_SHOPIFY_SHOP_DOMAIN`` and the package's variant id in
  ``JIGA_SHOPIFY_VARIANT_IDS`` (``bronze=...,silver=...,gold=...,platinum=...,custom=...``, the
  custom variant being one unit of 100 DOFs).
* **Stripe** (``StripeCheckout``): creates a Checkout Session over HTTPS with the secret key from
  Secrets Manager (``JIGA_STRIPE_SECRET_ARN``), our transaction id as ``client_reference_id`` and
  as the Stripe ``Idempotency-Key``, so a retried purchase never opens two sessions. The
  ``checkout.session.*`` and ``charge.refunded`` webhooks complete it (``logic/stripe.py``).
* **Offline** (``OfflineCheckout``): when a provider is not configured (local runs, tests, CI), a
  deterministic URL under ``JIGA_OFFLINE_CHECKOUT_BASE_URL`` (a reserved ``.invalid`` host by
  default) describing the checkout. Nothing is charged; locally a purchase is completed by sending
  a signed ``orders/paid`` (Shopify) or ``checkout.session.completed`` (Stripe) webhook, signed
  with the sample secrets ``make dev`` prints (see ``events/jiga/README.md``).
"""

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from shared.errors import ServiceUnavailable

TRANSACTION_ATTRIBUTE = "jiga_transaction_id"
RETURN_URL_ATTRIBUTE = "jiga_return_url"
STRIPE_SESSIONS_URL = "https://api.stripe.com/v1/checkout/sessions"
STRIPE_API_VERSION = "2024-06-20"
PROVIDER_TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class CheckoutRequest:
    transaction_id: str
    user_id: str
    email: str
    package: str
    variant_key: str  # which configured Shopify variant sells this package (custom -> "custom")
    sku: str
    quantity: int
    dof_amount: int
    price_cents: int
    currency: str
    return_url: str
    expires_at: datetime


@dataclass(frozen=True)
class Checkout:
    url: str
    reference: str | None = None  # the provider's id (Stripe session id), when it has one


class CheckoutProvider(Protocol):
    def create_checkout(self, request: CheckoutRequest) -> Checkout: ...


def with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *params.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _dollars(cents: int) -> str:
    return str(Decimal(cents) / 100)


class ShopifyCartPermalink:
    def __init__(self, shop_domain: str, variant_ids: dict[str, str]):
        self.shop_domain = shop_domain
        self.variant_ids = variant_ids

    def create_checkout(self, request: CheckoutRequest) -> Checkout:
        variant_id = self.variant_ids.get(request.variant_key)
        if not variant_id:
            raise ServiceUnavailable(
                f"Shopify checkout is not configured for the {request.package} package",
                code="PAYMENT_PROVIDER_UNAVAILABLE",
            )
        query = urlencode(
            {
                "checkout[email]": request.email,
                f"attributes[{TRANSACTION_ATTRIBUTE}]": request.transaction_id,
                f"attributes[{RETURN_URL_ATTRIBUTE}]": request.return_url,
                "ref": "jiga-store",
            }
        )
        return Checkout(f"https://{self.shop_domain}/cart/{variant_id}:{request.quantity}?{query}")


class StripeCheckout:
    def __init__(self, secret_key: Callable[[], str], endpoint: str = STRIPE_SESSIONS_URL):
        self.secret_key = secret_key
        self.endpoint = endpoint

    def session_form(self, request: CheckoutRequest) -> dict[str, str]:
        return {
            "mode": "payment",
            "client_reference_id": request.transaction_id,
            "customer_email": request.email,
            "success_url": with_query(request.return_url, transactionId=request.transaction_id, status="success"),
            "cancel_url": with_query(request.return_url, transactionId=request.transaction_id, status="cancelled"),
            "expires_at": str(int(request.expires_at.timestamp())),
            "line_items[0][quantity]": "1",
            "line_items[0][price_data][currency]": request.currency.lower(),
            "line_items[0][price_data][unit_amount]": str(request.price_cents),
            "line_items[0][price_data][product_data][name]": f"{request.dof_amount:,} DOFs ({request.package})",
            f"metadata[{TRANSACTION_ATTRIBUTE}]": request.transaction_id,
            "metadata[jiga_user_id]": request.user_id,
            "metadata[dof_amount]": str(request.dof_amount),
            # the PaymentIntent (and so its charges' refunds) carries our id too
            f"payment_intent_data[metadata][{TRANSACTION_ATTRIBUTE}]": request.transaction_id,
        }

    def create_checkout(self, request: CheckoutRequest) -> Checkout:
        http_request = urllib.request.Request(  # noqa: S310 - fixed https endpoint
            self.endpoint,
            data=urlencode(self.session_form(request)).encode(),
            headers={
                "Authorization": f"Bearer {self.secret_key()}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Idempotency-Key": request.transaction_id,
                "Stripe-Version": STRIPE_API_VERSION,
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(http_request, timeout=PROVIDER_TIMEOUT_SECONDS) as response:  # noqa: S310
                session = json.load(response)
        except (urllib.error.URLError, TimeoutError, ValueError) as error:
            raise ServiceUnavailable(
                "The payment provider could not be reached; please retry", code="PAYMENT_PROVIDER_UNAVAILABLE"
            ) from error
        return Checkout(session["url"], session["id"])


class OfflineCheckout:
    def __init__(self, payment_method: str, base_url: str):
        self.payment_method = payment_method
        self.base_url = base_url.rstrip("/")

    def create_checkout(self, request: CheckoutRequest) -> Checkout:
        query = urlencode(
            {
                "package": request.package,
                "dofs": request.dof_amount,
                "amount": _dollars(request.price_cents),
                "currency": request.currency,
                "email": request.email,
                "return_url": request.return_url,
            }
        )
        return Checkout(
            f"{self.base_url}/{self.payment_method}/{request.transaction_id}?{query}",
            f"offline-{request.transaction_id}",
        )


def checkout_provider(
    payment_method: str,
    shop_domain: str,
    variant_ids: dict[str, str],
    stripe_secret_arn: str,
    offline_base_url: str,
    cache_seconds: int = 300,
) -> CheckoutProvider:
    """The real adapter when its configuration is present, else the offline one."""
    if payment_method == "shopify" and shop_domain and variant_ids:
        return ShopifyCartPermalink(shop_domain, variant_ids)
    if payment_method == "stripe" and stripe_secret_arn:

        def secret_key() -> str:
            from shared import aws

            return aws.secret(stripe_secret_arn, max_age=cache_seconds)

        return StripeCheckout(secret_key)
    return OfflineCheckout(payment_method, offline_base_url)
