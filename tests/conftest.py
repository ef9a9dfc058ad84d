"""Test wiring: one local runtime (moto in-process) per test session, and factories for users and
agents that go through the same HTTP routes a client uses."""

import pytest

from local.runtime import LocalRuntime
from local.seed import seed_local_secrets, seed_operators
from tests.support.jiga import JigaDriver
from tests.support.shopify import ShopifyDriver


@pytest.fixture(scope="session")
def runtime():
    # The limiter is exercised by its own test; elsewhere it must not throttle a fast suite.
    local = LocalRuntime(parameter_overrides={"RateLimitPerMinute": "1000000"}).start()
    seed_operators(local)
    seed_local_secrets(local)
    yield local
    local.stop()


@pytest.fixture(scope="session")
def jiga_client(runtime):
    with runtime.client("JigaHttpApi") as client:
        yield client


@pytest.fixture(scope="session")
def jiga(jiga_client) -> JigaDriver:
    """Given/When/Then helpers for the JIGA API (register, grant DOFs, create agents...)."""
    return JigaDriver(jiga_client)


@pytest.fixture(scope="session")
def shopify_secret(runtime) -> str:
    """The webhook secret the runtime holds for ShopifyWebhookSecret (local/seed.py), read back from Secrets Manager."""
    from shared import aws

    arn = runtime.resolver.arns["ShopifyWebhookSecret"]
    return aws.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]


@pytest.fixture(scope="session")
def shopify(jiga_client, shopify_secret) -> ShopifyDriver:
    """Signed Shopify webhook deliveries to the JIGA API."""
    return ShopifyDriver(jiga_client, shopify_secret)
