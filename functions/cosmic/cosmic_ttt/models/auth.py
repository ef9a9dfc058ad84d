"""Bodies of the auth routes and the JWKS document."""

from typing import Any

from pydantic import BaseModel, Field

from cosmic_ttt.models.common import USERNAME_PATTERN, SpecModel

_PASSWORD_POLICY = (
    "10 to 128 characters, at least one letter and at least one digit or symbol, not containing the "
    "username or the email's name, not a common password (400 WEAK_PASSWORD listing the rules broken)"
)


class RegisterRequest(SpecModel):
    # The server reads wider bounds than the document states, so that a broken rule is answered
    # with the spec's own code (INVALID_USERNAME, INVALID_EMAIL, WEAK_PASSWORD: logic/accounts.py)
    # rather than a generic VALIDATION_ERROR; the document states the rules themselves.
    username: str = Field(min_length=1, max_length=64, json_schema_extra={"pattern": USERNAME_PATTERN})
    email: str = Field(min_length=1, max_length=320, json_schema_extra={"format": "email", "maxLength": 254})
    password: str = Field(
        min_length=1,
        max_length=1024,
        description=_PASSWORD_POLICY,
        json_schema_extra={"minLength": 10, "maxLength": 128},
    )


class LoginRequest(SpecModel):
    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class RefreshRequest(SpecModel):
    refresh_token: str = Field(min_length=1, max_length=256)


class SessionResponse(BaseModel):
    player_id: str
    username: str
    access_token: str
    refresh_token: str
    expires_in: int


class RefreshResponse(BaseModel):
    access_token: str
    refresh_token: str
    expires_in: int


class LogoutResponse(BaseModel):
    message: str


class Jwks(BaseModel):
    keys: list[dict[str, Any]]
