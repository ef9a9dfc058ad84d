"""Bodies of JIGA's auth routes (register, login, refresh, logout)."""

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.identity import is_valid_email, normalise_email


class RegisterRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    email: str = Field(max_length=254, json_schema_extra={"format": "email"})
    password: str = Field(min_length=8, max_length=128)
    display_name: str | None = Field(default=None, alias="displayName", min_length=1, max_length=50)

    @field_validator("email")
    @classmethod
    def valid_email(cls, value: str) -> str:
        if not is_valid_email(value):
            raise ValueError("must be a valid email address")
        return normalise_email(value)


class LoginRequest(BaseModel):
    email: str = Field(max_length=254, json_schema_extra={"format": "email"})
    password: str = Field(min_length=1, max_length=128)


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=256)


class TokenResponse(BaseModel):
    access_token: str
    refresh_token: str
    expires_in: int
    user_id: str
    token_type: str = "Bearer"
