"""Bodies of the learners' own routes (auth, preferences, audit log) and the operators' routes."""

from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from shared.identity import is_valid_email, normalise_email
from shared.numbers import WholeNumbers

Topic = Annotated[str, StringConstraints(min_length=1, max_length=64)]


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


@lru_cache(maxsize=1)
def iana_zones() -> frozenset[str]:
    """The time zones a learner may choose: those of the pinned ``tzdata`` package (the shared
    layer's), the same on every machine, so the document lists exactly what the server accepts
    (the host's own zone files, which ``ZoneInfo`` would also read, differ between machines)."""
    from importlib.resources import files

    return frozenset(files("tzdata").joinpath("zones").read_text().split())


def _listed_zones(schema: dict[str, Any]) -> None:
    schema["enum"] = sorted(iana_zones())


class PreferencesRequest(WholeNumbers):
    """The learner's onboarding answers (PUT replaces them all)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    learning_level: Literal["beginner", "intermediate", "advanced"]
    learning_goals: list[Topic] = Field(default_factory=list, max_length=20)
    preferred_topics: list[Topic] = Field(default_factory=list, max_length=20)
    practice_frequency: Literal["daily", "weekly", "monthly"]
    session_duration_preference: int = Field(ge=5, le=180, description="minutes")
    wants_formal_speech: bool = False
    wants_kanji_practice: bool = False
    wants_grammar_focus: bool = False
    timezone: str = Field(
        default="UTC",
        max_length=64,
        description="IANA time zone: the learner's calendar days",
        json_schema_extra=_listed_zones,
    )

    @field_validator("timezone")
    @classmethod
    def known_zone(cls, value: str) -> str:
        if value not in iana_zones():
            raise ValueError("must be an IANA time zone such as Europe/Madrid")
        return value


class PreferencesResponse(PreferencesRequest):
    model_config = ConfigDict(extra="forbid")

    user_id: str
    created_at: str
    updated_at: str


class AuditActor(BaseModel):
    type: Literal["user"]
    user_id: str


class AuditEntryView(BaseModel):
    id: str
    action: str
    actor: AuditActor
    via_agent: str
    details: dict[str, Any]
    timestamp: str


class AuditLogResponse(BaseModel):
    user_id: str
    entries: list[AuditEntryView]
    next_cursor: str | None


class MintAgentTokenRequest(WholeNumbers):
    model_config = ConfigDict(extra="forbid", strict=True)

    permissions: list[Literal["user.progress", "session.create", "user.context", "user.token"]] = Field(
        min_length=1, max_length=4
    )
    expires_in_days: int = Field(default=90, ge=1, le=365)


class MintedAgentTokenResponse(BaseModel):
    token: str
    token_id: str
    agent_id: str
    permissions: list[str]
    issued_at: str
    expires_at: str


class AgentTokenView(BaseModel):
    token_id: str
    agent_id: str
    permissions: list[str]
    status: Literal["active", "revoked"]
    issued_at: str
    expires_at: str
    revoked_at: str | None


class AgentTokenList(BaseModel):
    agent_id: str
    tokens: list[AgentTokenView]


class RevokedTokens(BaseModel):
    agent_id: str
    revoked: list[str]
