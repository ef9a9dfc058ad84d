"""Local-only operator accounts and secrets, so a newcomer can grant DOFs and send signed
webhooks without an AWS console.

In AWS, operators are promoted with ``python -m ops.grant_role`` against the deployed table, and
put real secret values with ``aws secretsmanager put-secret-value`` after deploying.
"""

import os

from local.runtime import LocalRuntime
from shared import aws
from shared.identity import UserDirectory

LOCAL_OPERATORS = [
    # (API name, table logical id, operator email)
    ("jiga", "JigaTable", "admin@jiga.local"),
]


def seed_operators(runtime: LocalRuntime) -> list[str]:
    password = os.environ.get("LOCAL_ADMIN_PASSWORD", "local-admin-password")
    lines = []
    for api_name, table_id, email in LOCAL_OPERATORS:
        if table_id not in runtime.resources("AWS::DynamoDB::Table"):
            continue
        UserDirectory(runtime.physical_id(table_id)).create(email, password, f"{api_name} operator", ["admin"])
        lines.append(f"OPERATOR {api_name} {email} {password}")
    return lines + seed_bluemarble(runtime)


# Documented sample values (never used in AWS): events/jiga/shopify-*.json are signed with this one.
SAMPLE_SHOPIFY_WEBHOOK_SECRET = "jiga-sample-shopify-webhook-secret"
LOCAL_SECRETS = [
    # (secret logical id, local value)
    ("ShopifyWebhookSecret", SAMPLE_SHOPIFY_WEBHOOK_SECRET),
]


def seed_local_secrets(runtime: LocalRuntime) -> list[str]:
    """Give the secrets a signed sample needs their documented local value (others stay random)."""
    lines = []
    client = aws.client("secretsmanager")
    for logical_id, value in LOCAL_SECRETS:
        if logical_id not in runtime.resources("AWS::SecretsManager::Secret"):
            continue
        arn = runtime.arn(logical_id)
        client.put_secret_value(SecretId=arn, SecretString=value)
        lines.append(f"SECRET {logical_id} {value}")
    return lines


# BlueMarble: a local game server (service account) and the sample item types the README trades.
BLUEMARBLE_GAME_SERVER = ("local-game-server", "local-game-server-secret")
BLUEMARBLE_SAMPLE_ITEMS = [
    {
        "itemId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "name": "Iron Ore",
        "type": "Resource",
        "description": "High-quality iron ore extracted from mountain deposits",
        "quality": "Excellent",
        "attributes": {"purity": 95, "weight": 1.0},
    },
    {
        "itemId": "b3a1f6d2-54c8-4e1a-9f0b-2d7c8e9a1b23",
        "name": "Timber",
        "type": "Resource",
        "description": "Seasoned oak planks",
        "quality": "Good",
        "attributes": {"weight": 2.5},
    },
    {
        "itemId": "e4d2c1b0-7a6f-4e3d-8c9b-0a1f2e3d4c5b",
        "name": "Steel Pickaxe",
        "type": "Tool",
        "description": "Forged steel pickaxe for deep mining",
        "quality": "Fine",
        "attributes": {"durability": 500, "weight": 3.0},
    },
]


def seed_bluemarble(runtime: LocalRuntime) -> list[str]:
    """The local game server's credentials and the sample item types (no-op without BlueMarble)."""
    if "BlueMarbleTable" not in runtime.resources("AWS::DynamoDB::Table"):
        return []
    import sys

    code = str(runtime.root / "functions" / "bluemarble")
    if code not in sys.path:
        sys.path.insert(0, code)
    from bluemarble_market.dal.players import ItemCatalogue, ServiceAccounts
    from shared import passwords

    table = runtime.physical_id("BlueMarbleTable")
    client_id, secret = BLUEMARBLE_GAME_SERVER
    ServiceAccounts(table).create(client_id, "local game server", passwords.hash_password(secret))
    catalogue = ItemCatalogue(table)
    for item in BLUEMARBLE_SAMPLE_ITEMS:
        catalogue.put(dict(item))
    return [f"GAME_SERVER bluemarble {client_id} {secret}"]
