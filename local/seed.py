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
    return lines


# Documented sample values (never used in AWS): events/jiga/shopify-*.json are signed with this one.
SAMPLE_SHOPIFY_WEBHOOK_SECRET = "jiga-sample-shopify-webhook-secret"
SAMPLE_STRIPE_WEBHOOK_SECRET = "whsec_jiga_sample_stripe_webhook_secret"
LOCAL_SECRETS = [
    # (secret logical id, local value)
    ("ShopifyWebhookSecret", SAMPLE_SHOPIFY_WEBHOOK_SECRET),
    ("StripeWebhookSecret", SAMPLE_STRIPE_WEBHOOK_SECRET),
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
