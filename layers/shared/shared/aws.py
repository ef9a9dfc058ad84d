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


def reset_clients() -> None:
    """Forget cached clients (tests start a fresh mocked AWS per test session)."""
    client.cache_clear()
    connections.cache_clear()
