"""Local-only operator accounts, service accounts and secrets, so a newcomer can grant DOFs, act
as a sample agent and send signed webhooks without an AWS console.

In AWS, operators are promoted with ``python -m ops.grant_role`` against the deployed table, mint
service tokens with each API's ``ops`` command, and put real secret values with
``aws secretsmanager put-secret-value`` after deploying.
"""

import importlib
import os

from local.runtime import LocalRuntime
from shared import aws
from shared.identity import UserDirectory

LOCAL_OPERATORS = [
    # (API name, table logical id, operator email)
    ("jiga", "JigaTable", "admin@jiga.local"),
    ("loqua", "LoquaTable", "admin@loqua.local"),
    ("cosmic", "CosmicTable", "admin@cosmic.local"),
]


def seed_operators(runtime: LocalRuntime) -> list[str]:
    password = os.environ.get("LOCAL_ADMIN_PASSWORD", "local-admin-password")
    lines = []
    for api_name, table_id, email in LOCAL_OPERATORS:
        if table_id not in runtime.resources("AWS::DynamoDB::Table"):
            continue
        UserDirectory(runtime.physical_id(table_id)).create(email, password, f"{api_name} operator", ["admin"])
        lines.append(f"OPERATOR {api_name} {email} {password}")
    return lines + seed_service_accounts(runtime)


LOCAL_SERVICE_ACCOUNTS = [
    # (function whose code and environment mint it, "module:callable" returning the lines to print)
    ("LoquaAdminFunction", "loqua_agent.samples:seed_sample_agent"),  # AGENT <agent id> <agent JWT>
    # GAME_SERVER bluemarble <client id> <secret>; the sample item types the README trades
    ("BlueMarbleGameFunction", "bluemarble_market.samples:seed_local_game_server"),
]


def seed_service_accounts(runtime: LocalRuntime) -> list[str]:
    """Sample service accounts an API ships for local use (e.g. an agent and its token)."""
    lines = []
    for function_id, target in LOCAL_SERVICE_ACCOUNTS:
        if function_id not in runtime.functions:
            continue
        module_name, _, name = target.partition(":")
        runtime.handler(function_id)  # puts the function's CodeUri on sys.path, as Lambda would
        with runtime.function_environment(function_id):
            lines.extend(getattr(importlib.import_module(module_name), name)())
    return lines


# Documented sample values (never used in AWS): events/jiga/shopify-*.json are signed with this one.
SAMPLE_SHOPIFY_WEBHOOK_SECRET = "jiga-sample-shopify-webhook-secret"
SAMPLE_STRIPE_WEBHOOK_SECRET = "whsec_jiga_sample_stripe_webhook_secret"
# Loqua: the stage secret agents decrypt user tokens with (the spec's DEV_JWT_SECRET), and the
# LiveKit API key and secret local webhooks are signed with (python -m ops.livekit_webhook).
SAMPLE_LOQUA_USER_TOKEN_SECRET = "loqua-local-jwt-secret-0123456789"
SAMPLE_LIVEKIT_API_SECRET = "devkey:loqua-local-livekit-api-secret-0123456789"
LOCAL_SECRETS = [
    # (secret logical id, local value)
    ("ShopifyWebhookSecret", SAMPLE_SHOPIFY_WEBHOOK_SECRET),
    ("StripeWebhookSecret", SAMPLE_STRIPE_WEBHOOK_SECRET),
    ("LoquaUserTokenSecret", SAMPLE_LOQUA_USER_TOKEN_SECRET),
    ("LiveKitApiSecret", SAMPLE_LIVEKIT_API_SECRET),
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
