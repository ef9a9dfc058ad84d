"""Cached wiring shared by the JIGA handlers: the ledger, the repositories and the providers.

Each getter imports what it builds when it is first called, not when this module is imported:
every JIGA function imports this module, and each uses two or three of these getters. Importing
every repository, the marketplace index and the payment logic up front cost each function's cold
start 50-80 ms of modules it never runs (docs/performance.md, section 1).
"""

from functools import lru_cache
from typing import TYPE_CHECKING

from jiga_store.settings import API_NAME, get_jiga_settings
from shared import aws
from shared.errors import ServiceUnavailable

if TYPE_CHECKING:
    from jiga_store.dal.agents import AgentRepository
    from jiga_store.dal.catalogue import CatalogueRepository
    from jiga_store.dal.purchases import PurchaseRepository
    from jiga_store.dal.reviews import ReviewRepository
    from jiga_store.logic.catalogue import WarmCatalogue
    from jiga_store.logic.reviews import Reviews
    from jiga_store.logic.sessions import SessionServices
    from jiga_store.logic.shopify import Shopify
    from jiga_store.logic.stripe import Stripe
    from jiga_store.providers.checkout import CheckoutProvider
    from shared.events import EventLog
    from shared.identity import UserDirectory
    from shared.ledger import Ledger


@lru_cache(maxsize=1)
def ledger() -> "Ledger":
    """JIGA's ledger: every change of a user's DOFs commits its ``dof_update`` event with it."""
    from jiga_store.logic.balances import dof_update_writes
    from shared.ledger import Ledger

    return Ledger(get_jiga_settings().ledger_table, API_NAME, companion_writes=dof_update_writes(events()))


@lru_cache(maxsize=1)
def users() -> "UserDirectory":
    from shared.identity import UserDirectory

    return UserDirectory(get_jiga_settings().jiga_table)


@lru_cache(maxsize=1)
def agents() -> "AgentRepository":
    from jiga_store.dal.agents import AgentRepository

    return AgentRepository(get_jiga_settings().jiga_table)


@lru_cache(maxsize=1)
def events() -> "EventLog":
    from shared.events import EventLog

    return EventLog(get_jiga_settings().jiga_table)


@lru_cache(maxsize=1)
def session_services() -> "SessionServices":
    from jiga_store.dal.sessions import SessionRepository
    from jiga_store.dal.workflows import SessionLifecycle
    from jiga_store.identity import token_policy
    from jiga_store.logic.sessions import SessionServices
    from shared import websocket

    settings = get_jiga_settings()
    return SessionServices(
        sessions=SessionRepository(settings.jiga_table),
        agents=agents(),
        ledger=ledger(),
        lifecycle=SessionLifecycle(settings.session_lifecycle_arn),
        events=events(),
        websocket_url=settings.websocket_url,
        notify=websocket.broadcast,
        hang_up=websocket.disconnect_channel,
        record_hire_outcome=catalogue_repository().record_hire_outcome,
        tokens=token_policy(),
    )


@lru_cache(maxsize=1)
def review_store() -> "ReviewRepository":
    from jiga_store.dal.reviews import ReviewRepository

    return ReviewRepository(get_jiga_settings().jiga_table)


@lru_cache(maxsize=1)
def reviews() -> "Reviews":
    from jiga_store.dal.sessions import SessionRepository
    from jiga_store.logic.reviews import Reviews

    return Reviews(
        sessions=SessionRepository(get_jiga_settings().jiga_table),
        store=review_store(),
        notify_owner=events().append,
    )


@lru_cache(maxsize=1)
def catalogue_repository() -> "CatalogueRepository":
    from jiga_store.dal.catalogue import CatalogueRepository

    return CatalogueRepository(get_jiga_settings().jiga_table)


@lru_cache(maxsize=1)
def catalogue() -> "WarmCatalogue":
    """The instance's warm copy of the marketplace catalogue (kept between invocations)."""
    from jiga_store.logic.catalogue import WarmCatalogue

    repository = catalogue_repository()
    return WarmCatalogue(repository, get_jiga_settings().catalogue_refresh_seconds, snapshots=repository)


@lru_cache(maxsize=1)
def purchases() -> "PurchaseRepository":
    from jiga_store.dal.purchases import PurchaseRepository

    return PurchaseRepository(get_jiga_settings().jiga_table)


@lru_cache(maxsize=1)
def shopify() -> "Shopify":
    from jiga_store.dal.shopify import ShopifyRepository
    from jiga_store.logic.shopify import Shopify

    settings = get_jiga_settings()
    return Shopify(
        store=ShopifyRepository(settings.jiga_table),
        purchases=purchases(),
        users=users(),
        ledger=ledger(),
        variant_ids=settings.variant_ids,
    )


@lru_cache(maxsize=1)
def stripe() -> "Stripe":
    from jiga_store.dal.stripe import StripeRepository
    from jiga_store.logic.stripe import Stripe

    return Stripe(store=StripeRepository(get_jiga_settings().jiga_table), purchases=purchases(), ledger=ledger())


@lru_cache(maxsize=2)
def checkout(payment_method: str) -> "CheckoutProvider":
    from jiga_store.providers.checkout import checkout_provider

    settings = get_jiga_settings()
    return checkout_provider(
        payment_method,
        settings.shopify_shop_domain,
        settings.variant_ids,
        settings.stripe_secret_arn,
        settings.offline_checkout_base_url,
        settings.secrets_cache_seconds,
    )


def shopify_webhook_secret() -> str:
    """The shop's webhook signing secret, from Secrets Manager through Powertools' cache."""
    settings = get_jiga_settings()
    if not settings.shopify_webhook_secret_arn:
        raise ServiceUnavailable("Shopify webhook secret is not configured")
    return aws.secret(settings.shopify_webhook_secret_arn, max_age=settings.secrets_cache_seconds)


def stripe_webhook_secret() -> str:
    """The Stripe endpoint's signing secret (``whsec_...``), from Secrets Manager through Powertools' cache."""
    settings = get_jiga_settings()
    if not settings.stripe_webhook_secret_arn:
        raise ServiceUnavailable("Stripe webhook secret is not configured")
    return aws.secret(settings.stripe_webhook_secret_arn, max_age=settings.secrets_cache_seconds)
