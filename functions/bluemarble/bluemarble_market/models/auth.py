"""Bodies of the auth routes (register, login, refresh, logout, guest and service tokens)."""

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from bluemarble_market.models.common import OPTIONAL_ISLAND_PATTERN, StrictBody
from shared.identity import is_valid_email, normalise_email
from shared.text import trimmed


class RegisterRequest(StrictBody):
    email: str = Field(min_length=3, max_length=254, json_schema_extra={"format": "email"})
    password: str = Field(min_length=8, max_length=128)
    displayName: trimmed(1, 40) | None = None
    homeIsland: str | None = Field(default=None, max_length=40, json_schema_extra={"pattern": OPTIONAL_ISLAND_PATTERN})

    @field_validator("email")
    @classmethod
    def valid_email(cls, value: str) -> str:
        if not is_valid_email(value):
            raise ValueError("must be a valid email address")
        return normalise_email(value)


class LoginRequest(StrictBody):
    email: str = Field(min_length=3, max_length=254)
    password: trimmed(1, 128)


class RefreshRequest(StrictBody):
    refreshToken: trimmed(1, 256)


class ClientCredentialsRequest(StrictBody):
    clientId: trimmed(1, 64)
    clientSecret: trimmed(1, 256)


class PlayerSummary(BaseModel):
    id: str
    name: str
    homeIsland: str | None = None
    userType: str


class TokenData(BaseModel):
    accessToken: str
    tokenType: Literal["Bearer"] = "Bearer"
    expiresIn: int
    refreshToken: str | None = None
    permissions: list[str]
    player: PlayerSummary


class TokenResponse(BaseModel):
    success: Literal[True] = True
    data: TokenData
