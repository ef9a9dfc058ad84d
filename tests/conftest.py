"""Test wiring: one local runtime (moto in-process) per test session, and factories for users and
agents that go through the same HTTP routes a client uses."""

from pathlib import Path

import pytest

from local.runtime import LocalRuntime
from local.seed import seed_local_secrets, seed_operators
from local.server import LocalServer
from tests.support.bluemarble import BlueMarbleDriver
from tests.support.cosmic import CosmicDriver
from tests.support.jiga import JigaDriver
from tests.support.loqua import LOQUA_RATE_LIMIT_GROUPS, LoquaDriver
from tests.support.shopify import ShopifyDriver

SAMPLE_TEMPLATE = Path(__file__).parent / "fixtures" / "runtime_template"


@pytest.fixture(scope="session")
def runtime():
    # The limiter is exercised by its own test; elsewhere it must not throttle a fast suite.
    # Wait states and Retry intervals of state machines take no time in tests, the event sources'
    # clock moves only when a test advances it, and search sees
    # every write at once (a warm instance otherwise refreshes its catalogue every few seconds).
    local = LocalRuntime(
        parameter_overrides={"RateLimitPerMinute": "1000000", "CatalogueRefreshSeconds": "0"},
        states_time_scale=0,
        clock="manual",
    ).start()
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
def sample_runtime():
    """The local runtime on tests/fixtures/runtime_template (a saga, a WebSocket API, an HTTP API and
    one of each event source), with its APIs served on free ports. It shares moto and the manual
    clock with ``runtime`` when both run: schedules and redeliveries happen on ``clock.advance``."""
    local = LocalRuntime(root=SAMPLE_TEMPLATE, states_time_scale=0, clock="manual").start()
    server = LocalServer(local, ephemeral_ports=True)
    server.start()
    yield local
    server.stop()
    local.stop()


@pytest.fixture(scope="session")
def jiga_sockets(runtime):
    """The JIGA WebSocket API served on a free port; returns its base URL (with the stage)."""
    runtime.websockets.start(ephemeral_ports=True)
    return runtime.websockets.url("JigaWebSocketApi") + "/dev"


@pytest.fixture(scope="session")
def shopify_secret(runtime) -> str:
    """The webhook secret the runtime holds for ShopifyWebhookSecret (local/seed.py), read back from Secrets Manager."""
    from shared import aws

    arn = runtime.arn("ShopifyWebhookSecret")
    return aws.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]


@pytest.fixture(scope="session")
def shopify(jiga_client, shopify_secret) -> ShopifyDriver:
    """Signed Shopify webhook deliveries to the JIGA API."""
    return ShopifyDriver(jiga_client, shopify_secret)


# -- Loqua -------------------------------------------------------------------------------------
# The spec's per-agent limits (10 sessions a minute...) would throttle a fast suite; the limiter's
# own test restores them. LoquaRateLimits is Loqua's parameter alone.


@pytest.fixture(scope="session")
def loqua_client(runtime):
    runtime.reconfigure(LoquaRateLimits=LOQUA_RATE_LIMIT_GROUPS)
    with runtime.client("LoquaHttpApi") as client:
        yield client


@pytest.fixture(scope="session")
def loqua_secrets(runtime) -> dict[str, str]:
    """The values the runtime holds for Loqua's stage secrets (local/seed.py), read back."""
    from shared import aws

    client = aws.client("secretsmanager")
    return {
        name: client.get_secret_value(SecretId=runtime.arn(name))["SecretString"]
        for name in ("LoquaUserTokenSecret", "LiveKitApiSecret", "LoquaTokenSigningSecret", "LoquaAgentTokenSecret")
    }


@pytest.fixture(scope="session")
def loqua(runtime, loqua_client, loqua_secrets) -> LoquaDriver:
    """Given/When/Then helpers for the Loqua API (learners, rooms, agents, user tokens...)."""
    return LoquaDriver(loqua_client, runtime, loqua_secrets["LoquaUserTokenSecret"], loqua_secrets["LiveKitApiSecret"])


# -- Cosmic ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def cosmic_client(runtime):
    """The Cosmic API through the template's routing. Its per-category rate limits (10 auth
    requests a minute...) are raised for the suite; the limiter's own test lowers them again."""
    runtime.reconfigure(CosmicRateLimitScale="100000")
    with runtime.client("CosmicHttpApi") as client:
        yield client


@pytest.fixture(scope="session")
def cosmic(cosmic_client) -> CosmicDriver:
    """Given/When/Then helpers for the Cosmic API (register, grant, play a match...)."""
    return CosmicDriver(cosmic_client)


@pytest.fixture(scope="session")
def cosmic_sockets(runtime):
    """The Cosmic realtime WebSocket API served on a free port; returns its URL (with the stage)."""
    runtime.websockets.start(ephemeral_ports=True)
    return runtime.websockets.url("CosmicWebSocketApi") + "/dev"


# -- BlueMarble ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def bluemarble_client(runtime):
    # Rate limits scaled out of the way (their own test scales them back), reads uncached, and a
    # search copy that refreshes on every request, so a test sees its own writes at once.
    runtime.reconfigure(
        BlueMarbleRateLimitScale="10000", BlueMarbleAnalyticsCacheSeconds="0", BlueMarbleCatalogueRefreshSeconds="0"
    )
    with runtime.client("BlueMarbleHttpApi") as client:
        yield client


@pytest.fixture(scope="session")
def bluemarble(bluemarble_client) -> BlueMarbleDriver:
    """Given/When/Then helpers for the BlueMarble API (players, the game server, listings...)."""
    return BlueMarbleDriver(bluemarble_client)


# -- Real Estate --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def realestate_queues(runtime) -> dict[str, str]:
    """The Real Estate queue URLs by logical id, with the spec's rate limits lifted for the suite
    (their own test sets them back)."""
    runtime.reconfigure(
        RealEstateRateLimitPerMinute="1000000",
        RealEstateUploadRateLimitPerMinute="1000000",
        RealEstateHealthRateLimitPerMinute="1000000",
    )
    queues = ("RealEstateDocumentQueue", "RealEstateDocumentDeadLetterQueue", "RealEstateWebhookQueue")
    return {name: runtime.physical_id(name) for name in (*queues, "RealEstateWebhookDeadLetterQueue")}


@pytest.fixture(scope="session")
def realestate_client(runtime, realestate_queues):
    with runtime.client("RealEstateHttpApi") as client:
        yield client


@pytest.fixture(scope="session")
def realestate(runtime, realestate_client):
    """Given/When/Then helpers for the Real Estate API (organisations, agents, documents...)."""
    from tests.support.realestate import RealEstateDriver

    return RealEstateDriver(realestate_client, runtime)
