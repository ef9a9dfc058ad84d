"""Cached AWS clients: built on first use, never at import, so tests can set the environment
first and cold starts stay lean."""

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

_CLIENT_CONFIG = Config(
    retries={"max_attempts": 3, "mode": "standard"},
    connect_timeout=2,
    read_timeout=5,
)


@cache
def client(service: str) -> Any:
    return boto3.client(service, config=_CLIENT_CONFIG)


def dynamodb() -> Any:
    return client("dynamodb")


@cache
def connections(endpoint_url: str) -> Any:
    """The ``@connections`` management client of one WebSocket API stage (see shared.websocket)."""
    return boto3.client("apigatewaymanagementapi", endpoint_url=endpoint_url, config=_CLIENT_CONFIG)


@cache
def _secrets_provider() -> Any:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    return SecretsProvider(boto3_client=client("secretsmanager"))


def secret(secret_id: str, max_age: int) -> str:
    """A Secrets Manager value through Powertools' cache, on the shared boto3 session: the
    module-level ``parameters.get_secret`` builds a session of its own, ~100 ms of cold start."""
    return _secrets_provider().get(secret_id, max_age=max_age)


def reset_clients() -> None:
    """Forget cached clients (tests start a fresh mocked AWS per test session)."""
    client.cache_clear()
    _secrets_provider.cache_clear()
    connections.cache_clear()
