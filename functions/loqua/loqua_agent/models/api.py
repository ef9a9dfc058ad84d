"""Request and response bodies of the agent routes, exactly as the spec spells them.

Bodies are strict: the spec's types only (``"5"`` is not a number, ``0`` is not ``false``) and no
unknown fields, so a typo in an agent is a 400 naming the field instead of a silent no-op. A whole
number written ``5.0`` is the integer 5, as JSON Schema reads it (``shared.numbers``).
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from loqua_agent.logic.encryption import CBC
from shared.numbers import WholeNumbers

Identifier = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:@-]*$")]
Label = Annotated[str, StringConstraints(min_length=1, max_length=200)]
GrammarPoint = Annotated[str, StringConstraints(min_length=1, max_length=64)]

STRICT = ConfigDict(extra="forbid", strict=True)


class UserTokenRequest(WholeNumbers):
    model_config = STRICT

    room_name: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    user_id: Identifier
    agent_id: Identifier
    encryption: Literal["aes-256-cbc", "aes-256-gcm"] = Field(
        default=CBC, description="aes-256-cbc (the spec's format) or aes-256-gcm (authenticated)"
    )


class UserTokenResponse(BaseModel):
    success: bool
    encrypted_token: str
    expires_in: int
    issued_at: str
    user_id: str
    agent_id: str
    encryption: str | None = Field(default=None, description="Present when aes-256-gcm was asked for")


class ProgressData(WholeNumbers):
    model_config = STRICT

    words_learned: int | None = Field(default=None, ge=0, le=10_000)
    phrases_practiced: int | None = Field(default=None, ge=0, le=10_000)
    pronunciation_score: float | int | None = Field(default=None, ge=0, le=100)
    grammar_points: list[GrammarPoint] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def something_to_record(self) -> "ProgressData":
        if (
            self.words_learned is None
            and self.phrases_practiced is None
            and self.pronunciation_score is None
            and not self.grammar_points
        ):
            raise ValueError("progress must carry at least one of its fields")
        return self


class ProgressRequest(WholeNumbers):
    model_config = STRICT

    userId: Identifier
    sessionId: Identifier
    progress: ProgressData


class ProgressResponse(BaseModel):
    success: bool
    message: str
    userId: str
    sessionId: str
    agentId: str
    timestamp: str
    batched: bool


class VocabularyItem(WholeNumbers):
    model_config = STRICT

    word: Label
    translation: Label
    language: Annotated[
        str, StringConstraints(min_length=2, max_length=10, pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,4})?$")
    ]


class SessionRequest(WholeNumbers):
    model_config = STRICT

    userId: Identifier
    sessionId: Identifier
    duration_minutes: int
    topics_covered: list[Label] = Field(default_factory=list, max_length=50)
    new_vocabulary: list[VocabularyItem] = Field(default_factory=list, max_length=50)
    grammar_points: list[GrammarPoint] = Field(default_factory=list, max_length=50)
    pronunciation_practice_count: int = Field(default=0, ge=0, le=10_000)
    overall_performance: Literal["excellent", "good", "fair", "needs_improvement"]
    achievements: list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=50
    )
    next_session_recommendations: list[Annotated[str, StringConstraints(min_length=1, max_length=500)]] = Field(
        default_factory=list, max_length=20
    )

    @field_validator("duration_minutes")
    @classmethod
    def positive_duration(cls, value: int) -> int:
        if value <= 0:
            raise ValueError("must be positive")
        if value > 600:
            raise ValueError("must be at most 600")
        return value


class SessionResponse(BaseModel):
    success: bool
    session_id: str
    created_at: str
    created_by: Literal["agent"]
    agent_id: str


class ContextRequest(WholeNumbers):
    model_config = STRICT

    userId: Identifier
    sessionId: Identifier | None = None


class Preferences(BaseModel):
    learning_level: Literal["beginner", "intermediate", "advanced"]
    learning_goals: list[str]
    preferred_topics: list[str]
    practice_frequency: Literal["daily", "weekly", "monthly"]
    session_duration_preference: int
    wants_formal_speech: bool
    wants_kanji_practice: bool
    wants_grammar_focus: bool


class ProgressSummary(BaseModel):
    total_sessions: int
    total_conversation_time: int
    words_learned: int
    phrases_practiced: int
    pronunciation_score_avg: int
    grammar_points_covered: list[str]
    achievements_unlocked: list[str]
    last_session_date: str | None
    current_streak: int


class SessionSummary(BaseModel):
    session_id: str
    date: str
    duration_minutes: int
    topics_covered: list[str]


class AccessedBy(BaseModel):
    agent_id: str
    timestamp: str


class ContextResponse(BaseModel):
    user_id: str
    preferences: Preferences
    progress: ProgressSummary
    session_history: list[SessionSummary]
    created_at: str | None
    updated_at: str | None
    accessed_by: AccessedBy
    cached: bool


class HealthRequest(WholeNumbers):
    model_config = STRICT

    userId: Identifier


class HealthResponse(BaseModel):
    status: Literal["healthy"]
    agent_id: str
    permissions: list[str]
    timestamp: str
