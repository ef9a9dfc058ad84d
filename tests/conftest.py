"""Test wiring: one local runtime (moto in-process) per test session, and factories for users and
agents that go through the same HTTP routes a client uses."""

import pytest

from local.runtime import LocalRuntime
from local.seed import seed_operators
from tests.support.jiga import JigaDriver


@pytest.fixture(scope="session")
def runtime():
    # The limiter is exercised by its own test; elsewhere it must not throttle a fast suite.
    # Search sees every write at once (a warm instance otherwise refreshes every few seconds).
    local = LocalRuntime(parameter_overrides={"RateLimitPerMinute": "1000000", "CatalogueRefreshSeconds": "0"}).start()
    seed_operators(local)
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
