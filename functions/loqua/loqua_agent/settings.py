"""Loqua settings, on top of the platform's (read once from the environment the template gives)."""

from functools import lru_cache

from pydantic import Field

from shared.settings import PlatformSettings

API_NAME = "loqua"

# The spec's "Rate Limits", per minute, by endpoint group (overridable per stage: LOQUA_RATE_LIMITS).
SPEC_RATE_LIMITS = {"health": 60, "progress": 120, "context": 30, "sessions": 10, "token": 30}


class LoquaSettings(PlatformSettings):
    loqua_table: str = Field(default="LoquaTable", alias="LOQUA_TABLE")
    # HS256 key of the learners' own tokens and of the delegated user tokens handed to agents.
    token_secret_arn: str = Field(default="", alias="LOQUA_TOKEN_SECRET_ARN")
    # The stage's agent secret (the spec's DEV_/STAGING_/PROD_AGENT_SECRET): signs agent JWTs.
    agent_secret_arn: str = Field(default="", alias="LOQUA_AGENT_SECRET_ARN")
    # The stage's user-token secret (the spec's DEV_/STAGING_/PROD_JWT_SECRET): encrypts user JWTs.
    user_token_secret_arn: str = Field(default="", alias="LOQUA_USER_TOKEN_SECRET_ARN")
    # "<api key>:<api secret>" of the LiveKit project whose webhooks this API receives.
    livekit_secret_arn: str = Field(default="", alias="LOQUA_LIVEKIT_SECRET_ARN")
    progress_queue_url: str = Field(default="", alias="LOQUA_PROGRESS_QUEUE_URL")
    access_token_ttl_seconds: int = Field(default=3600, alias="LOQUA_ACCESS_TOKEN_TTL_SECONDS")
    refresh_token_ttl_seconds: int = Field(default=30 * 24 * 3600, alias="LOQUA_REFRESH_TOKEN_TTL_SECONDS")
    context_cache_seconds: float = Field(default=300, ge=0, le=300, alias="LOQUA_CONTEXT_CACHE_SECONDS")
    rate_limits: str = Field(default="", alias="LOQUA_RATE_LIMITS")  # "health=60,progress=120,..."

    def rate_limit(self, group: str) -> int:
        """Requests per minute for an endpoint group: LOQUA_RATE_LIMITS, else the spec's figure."""
        configured = dict(
            (name.strip(), value.strip())
            for name, _, value in (item.partition("=") for item in self.rate_limits.split(","))
            if value.strip().isdigit()
        )
        return int(configured.get(group, SPEC_RATE_LIMITS[group]))


@lru_cache(maxsize=1)
def get_loqua_settings() -> LoquaSettings:
    return LoquaSettings()
