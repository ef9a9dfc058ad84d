"""BlueMarble settings, on top of the platform's (one typed model per function, read once)."""

from functools import lru_cache

from pydantic import Field

from shared.settings import PlatformSettings

API_NAME = "bluemarble"


class BlueMarbleSettings(PlatformSettings):
    table: str = Field(default="BlueMarbleTable", alias="BLUEMARBLE_TABLE")
    token_secret_arn: str = Field(default="", alias="BLUEMARBLE_TOKEN_SECRET_ARN")
    access_token_ttl_seconds: int = Field(default=3600, alias="BLUEMARBLE_ACCESS_TOKEN_TTL_SECONDS")
    refresh_token_ttl_seconds: int = Field(default=30 * 24 * 3600, alias="BLUEMARBLE_REFRESH_TOKEN_TTL_SECONDS")
    # Multiplies every per-user-type limit (the spec's table); tests and benchmarks raise it.
    rate_limit_scale: float = Field(default=1.0, gt=0, alias="BLUEMARBLE_RATE_LIMIT_SCALE")
    settlement_arn: str = Field(default="", alias="BLUEMARBLE_SETTLEMENT_ARN")
    # Listing expiry: one-time EventBridge Scheduler schedules that invoke the expiry function.
    expiry_target_arn: str = Field(default="", alias="BLUEMARBLE_EXPIRY_TARGET_ARN")
    expiry_role_arn: str = Field(default="", alias="BLUEMARBLE_EXPIRY_ROLE_ARN")
    expiry_dead_letter_arn: str = Field(default="", alias="BLUEMARBLE_EXPIRY_DEAD_LETTER_ARN")
    schedule_group: str = Field(default="default", alias="BLUEMARBLE_SCHEDULE_GROUP")
    # Search: how stale a warm instance's copy of the catalogue may get before it asks for changes.
    catalogue_refresh_seconds: float = Field(default=2.0, ge=0, alias="BLUEMARBLE_CATALOGUE_REFRESH_SECONDS")
    # Read caches (the spec's "Caching Strategy"): price history this long, reputation 2x, trends 12x.
    analytics_cache_seconds: float = Field(default=300.0, ge=0, alias="BLUEMARBLE_ANALYTICS_CACHE_SECONDS")
    # How old the catalogue snapshot may get before the change consumer writes a new one.
    snapshot_max_age_seconds: float = Field(default=60.0, ge=0, alias="BLUEMARBLE_SNAPSHOT_MAX_AGE_SECONDS")


@lru_cache(maxsize=1)
def get_bluemarble_settings() -> BlueMarbleSettings:
    return BlueMarbleSettings()
