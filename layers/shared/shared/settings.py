"""Platform settings, read once from the environment the template gives each function."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PlatformSettings(BaseSettings):
    """Settings every function shares. API-specific settings subclass this."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    stage: str = Field(default="local", alias="STAGE")
    aws_region: str = Field(default="us-east-1", alias="AWS_REGION")
    ledger_table: str = Field(default="Ledger", alias="LEDGER_TABLE")
    idempotency_table: str = Field(default="Idempotency", alias="IDEMPOTENCY_TABLE")
    rate_limit_table: str = Field(default="RateLimits", alias="RATE_LIMIT_TABLE")
    connections_table: str = Field(default="Connections", alias="CONNECTIONS_TABLE")
    cors_allow_origins: str = Field(default="", alias="CORS_ALLOW_ORIGINS")
    rate_limit_per_minute: int = Field(default=600, alias="RATE_LIMIT_PER_MINUTE")
    idempotency_ttl_seconds: int = Field(default=24 * 3600, alias="IDEMPOTENCY_TTL_SECONDS")
    secrets_cache_seconds: int = Field(default=300, alias="SECRETS_CACHE_SECONDS")

    @property
    def cors_origins(self) -> list[str]:
        return [origin.strip() for origin in self.cors_allow_origins.split(",") if origin.strip()]


@lru_cache(maxsize=1)
def get_settings() -> PlatformSettings:
    return PlatformSettings()
