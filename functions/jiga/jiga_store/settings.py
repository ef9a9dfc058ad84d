"""JIGA settings, on top of the platform's."""

from functools import lru_cache

from pydantic import Field

from shared.settings import PlatformSettings

API_NAME = "jiga"
DOF = "DOF"


class JigaSettings(PlatformSettings):
    jiga_table: str = Field(default="JigaTable", alias="JIGA_TABLE")
    public_base_url: str = Field(default="http://127.0.0.1:3001", alias="JIGA_PUBLIC_BASE_URL")
    marketplace_web_url: str = Field(default="https://jigastore.com/marketplace", alias="JIGA_MARKETPLACE_WEB_URL")
    asset_base_url: str = Field(default="https://assets.jigastore.com", alias="JIGA_ASSET_BASE_URL")
    session_lifecycle_arn: str = Field(default="", alias="SESSION_LIFECYCLE_ARN")
    websocket_url: str = Field(default="ws://127.0.0.1:3101/dev", alias="JIGA_WEBSOCKET_URL")
    websocket_endpoint: str = Field(default="http://127.0.0.1:3101/dev", alias="JIGA_WEBSOCKET_ENDPOINT")
    catalogue_refresh_seconds: float = Field(default=5.0, ge=0, alias="CATALOGUE_REFRESH_SECONDS")


@lru_cache(maxsize=1)
def get_jiga_settings() -> JigaSettings:
    return JigaSettings()
