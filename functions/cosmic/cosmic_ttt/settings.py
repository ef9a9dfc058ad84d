"""Cosmic settings, on top of the platform's."""

from functools import lru_cache

from pydantic import Field

from shared.settings import PlatformSettings

API_NAME = "cosmic"


class CosmicSettings(PlatformSettings):
    cosmic_table: str = Field(default="CosmicTable", alias="COSMIC_TABLE")
    signing_key_id: str = Field(default="", alias="COSMIC_SIGNING_KEY_ID")
    token_issuer: str = Field(default="cosmictictactoe.com", alias="COSMIC_TOKEN_ISSUER")
    access_token_ttl_seconds: int = Field(default=3600, alias="COSMIC_ACCESS_TOKEN_TTL_SECONDS")
    refresh_token_ttl_seconds: int = Field(default=30 * 24 * 3600, alias="COSMIC_REFRESH_TOKEN_TTL_SECONDS")
    websocket_endpoint: str = Field(default="http://127.0.0.1:3104/dev", alias="COSMIC_WEBSOCKET_ENDPOINT")
    socket_auth_timeout_seconds: int = Field(default=10, ge=1, alias="COSMIC_SOCKET_AUTH_TIMEOUT_SECONDS")
    rate_limit_scale: float = Field(default=1.0, gt=0, alias="COSMIC_RATE_LIMIT_SCALE")


@lru_cache(maxsize=1)
def get_cosmic_settings() -> CosmicSettings:
    return CosmicSettings()
