"""Bodies of the auth routes and the JWKS document."""

from typing import Any

from pydantic import BaseModel, Field

from cosmic_ttt.models.common import SpecModel


class RegisterRequest(SpecModel):
    username: str = Field(min_length=1, max_length=64)
    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


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
