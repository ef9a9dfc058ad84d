"""Platform settings, read once from the environment the template gives each function.

``PlatformSettings()`` reads the process environment the way pydantic-settings does (a field's
alias, else its name, matched without regard to case; JSON for list and dict fields), but as a
plain pydantic model: pydantic-settings cost about 20 ms of every cold start for that. Passing
values explicitly (``PlatformSettings(STAGE="dev")``) skips the environment, as in tests.
"""

import json
import os
from functools import lru_cache
from typing import Any, get_origin

from pydantic import BaseModel, ConfigDict, Field


def _from_environment(model: type[BaseModel]) -> dict[str, Any]:
    environment = {name.upper(): value for name, value in os.environ.items()}
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key.upper() not in environment:
            continue
        raw = environment[key.upper()]
        if get_origin(field.annotation) in (list, dict, set, tuple) and raw[:1] in ("[", "{"):
            raw = json.loads(raw)
        values[key] = raw
    return values


class PlatformSettings(BaseModel):
    """Settings every function shares. API-specific settings subclass this."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    def __init__(self, **values: Any) -> None:
        super().__init__(**(values or _from_environment(type(self))))

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
