"""Real Estate Agent settings, on top of the platform's (read once per function from its environment)."""

import os
from functools import lru_cache

from pydantic import Field

from shared.settings import PlatformSettings

API_NAME = "realestate"
API_VERSION = "1.0.0"


class RealEstateSettings(PlatformSettings):
    table: str = Field(default="RealEstateTable", alias="REALESTATE_TABLE")
    token_secret_arn: str = Field(default="", alias="REALESTATE_TOKEN_SECRET_ARN")
    access_token_ttl_seconds: int = Field(default=900, alias="REALESTATE_ACCESS_TOKEN_TTL_SECONDS")
    refresh_token_ttl_seconds: int = Field(default=30 * 24 * 3600, alias="REALESTATE_REFRESH_TOKEN_TTL_SECONDS")
    documents_bucket: str = Field(default="", alias="REALESTATE_DOCUMENTS_BUCKET")
    document_queue_url: str = Field(default="", alias="REALESTATE_DOCUMENT_QUEUE_URL")
    webhook_queue_url: str = Field(default="", alias="REALESTATE_WEBHOOK_QUEUE_URL")
    document_dlq_url: str = Field(default="", alias="REALESTATE_DOCUMENT_DLQ_URL")
    webhook_dlq_url: str = Field(default="", alias="REALESTATE_WEBHOOK_DLQ_URL")
    webhook_key_id: str = Field(default="", alias="REALESTATE_WEBHOOK_KEY_ID")
    # Spec rate limits (per caller, per minute): standard endpoints, uploads, health probes.
    standard_per_minute: int = Field(default=100, alias="REALESTATE_RATE_LIMIT_PER_MINUTE")
    upload_per_minute: int = Field(default=10, alias="REALESTATE_UPLOAD_RATE_LIMIT_PER_MINUTE")
    health_per_minute: int = Field(default=200, alias="REALESTATE_HEALTH_RATE_LIMIT_PER_MINUTE")
    # The reply provider: OpenAI when a key is configured (the spec's OPENAI_API_KEY, or a secret),
    # Bedrock when a model id is, otherwise the offline responder that answers from the documents.
    openai_api_key: str = Field(default="", alias="OPENAI_API_KEY")
    openai_secret_arn: str = Field(default="", alias="REALESTATE_OPENAI_SECRET_ARN")
    openai_model: str = Field(default="gpt-4o-mini", alias="OPENAI_MODEL")
    bedrock_model_id: str = Field(default="", alias="REALESTATE_BEDROCK_MODEL_ID")
    # Webhook targets: outside Lambda (make dev, tests) http and loopback receivers are allowed so a
    # newcomer can watch deliveries arrive locally; in Lambda only https to public addresses.
    webhook_allow_local_targets: bool | None = Field(default=None, alias="REALESTATE_WEBHOOK_ALLOW_LOCAL_TARGETS")
    webhook_timeout_seconds: float = Field(default=10.0, alias="REALESTATE_WEBHOOK_TIMEOUT_SECONDS")

    @property
    def allow_local_webhook_targets(self) -> bool:
        if self.webhook_allow_local_targets is not None:
            return self.webhook_allow_local_targets
        return not os.environ.get("AWS_EXECUTION_ENV", "").startswith("AWS_Lambda_")


@lru_cache(maxsize=1)
def get_realestate_settings() -> RealEstateSettings:
    return RealEstateSettings()
