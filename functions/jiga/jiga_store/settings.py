"""JIGA settings, on top of the platform's."""

from functools import lru_cache

from pydantic import Field

from shared.settings import PlatformSettings

API_NAME = "jiga"
DOF = "DOF"


class JigaSettings(PlatformSettings):
    jiga_table: str = Field(default="JigaTable", alias="JIGA_TABLE")
    token_secret_arn: str = Field(default="", alias="JIGA_TOKEN_SECRET_ARN")
    access_token_ttl_seconds: int = Field(default=3600, alias="JIGA_ACCESS_TOKEN_TTL_SECONDS")
    refresh_token_ttl_seconds: int = Field(default=30 * 24 * 3600, alias="JIGA_REFRESH_TOKEN_TTL_SECONDS")
    marketplace_web_url: str = Field(default="https://jigastore.com/marketplace", alias="JIGA_MARKETPLACE_WEB_URL")
    asset_base_url: str = Field(default="https://assets.jigastore.com", alias="JIGA_ASSET_BASE_URL")
    session_lifecycle_arn: str = Field(default="", alias="SESSION_LIFECYCLE_ARN")
    websocket_url: str = Field(default="ws://127.0.0.1:3101/dev", alias="JIGA_WEBSOCKET_URL")
    websocket_endpoint: str = Field(default="http://127.0.0.1:3101/dev", alias="JIGA_WEBSOCKET_ENDPOINT")
    catalogue_refresh_seconds: float = Field(default=5.0, ge=0, alias="CATALOGUE_REFRESH_SECONDS")
    # Payments. Empty values select the offline checkout (see jiga_store.providers.checkout).
    shopify_shop_domain: str = Field(default="", alias="JIGA_SHOPIFY_SHOP_DOMAIN")
    shopify_variant_ids: str = Field(default="", alias="JIGA_SHOPIFY_VARIANT_IDS")  # "bronze=123,silver=456"
    shopify_webhook_secret_arn: str = Field(default="", alias="SHOPIFY_WEBHOOK_SECRET_ARN")
    stripe_secret_arn: str = Field(default="", alias="JIGA_STRIPE_SECRET_ARN")
    stripe_webhook_secret_arn: str = Field(default="", alias="STRIPE_WEBHOOK_SECRET_ARN")
    offline_checkout_base_url: str = Field(
        default="https://offline-checkout.jigastore.invalid", alias="JIGA_OFFLINE_CHECKOUT_BASE_URL"
    )
    checkout_ttl_seconds: int = Field(default=3600, alias="JIGA_CHECKOUT_TTL_SECONDS")

    @property
    def variant_ids(self) -> dict[str, str]:
        """``bronze=123,custom=789`` -> {"bronze": "123", "custom": "789"} (package -> Shopify variant id)."""
        pairs = (item.split("=", 1) for item in self.shopify_variant_ids.split(",") if "=" in item)
        return {name.strip().lower(): value.strip() for name, value in pairs if value.strip()}


@lru_cache(maxsize=1)
def get_jiga_settings() -> JigaSettings:
    return JigaSettings()
