"""Conversation and message models, as the spec spells them."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from realestate_agent.models.common import (
    METADATA,
    Metadata,
    Slug,
    SpecModel,
)


class StartConversationRequest(SpecModel):
    agentId: str = Field(min_length=1, max_length=64)
    userId: str = Field(min_length=1, max_length=128)
    source: Slug = "web"
    metadata: Metadata = Field(default_factory=dict, description="At most 16 KiB as JSON")


class MessageMetadata(BaseModel):
    """The spec's ``timestamp`` and ``clientId``, and other entries within the metadata bounds."""

    model_config = ConfigDict(
        extra="allow",
        strict=True,
        json_schema_extra={
            "description": "At most 4 KiB as JSON",
            "maxProperties": METADATA.entries,
            "propertyNames": {"minLength": 1, "maxLength": METADATA.key},
            "additionalProperties": METADATA.value_schema(),
        },
    )

    timestamp: str | None = Field(default=None, max_length=64)
    clientId: str | None = Field(default=None, min_length=1, max_length=128)

    @model_validator(mode="after")
    def bounded(self) -> "MessageMetadata":
        entries = {"timestamp": self.timestamp, "clientId": self.clientId, **(self.model_extra or {})}
        if problem := METADATA.object_problem(entries):
            raise ValueError(problem)
        return self


class SendMessageRequest(SpecModel):
    content: Annotated[str, StringConstraints(min_length=1, max_length=4000)] = Field(
        json_schema_extra={"pattern": r"\S"}  # not blank: the document says so as the server checks it
    )
    sender: Literal["user", "agent"]
    messageType: Literal["text", "quick_reply"] = "text"
    metadata: MessageMetadata = Field(default_factory=MessageMetadata)

    @model_validator(mode="after")
    def not_blank(self) -> "SendMessageRequest":
        if not self.content.strip():
            raise ValueError("content must not be blank")
        return self


class EndConversationRequest(SpecModel):
    reason: Slug
    metadata: Metadata = Field(default_factory=dict, description="At most 16 KiB as JSON")


class BantSuggestion(BaseModel):
    budget: int
    authority: int
    need: int
    timeline: int
    qualificationScore: int
    evidence: dict[str, list[str]]
    updatedAt: str


class ConversationView(BaseModel):
    id: str
    agentId: str
    userId: str
    organizationId: str
    source: str
    status: str
    metadata: dict[str, Any]
    messageCount: int
    startedAt: str
    updatedAt: str
    endedAt: str | None = None
    endReason: str | None = None
    endMetadata: dict[str, Any] | None = None
    leadId: str | None = None
    bantSuggestion: BantSuggestion | None = None


class ConversationData(BaseModel):
    conversation: ConversationView


class MessageView(BaseModel):
    id: str
    conversationId: str
    content: str
    sender: str
    messageType: str
    metadata: dict[str, Any]
    createdAt: str


class SentMessageData(BaseModel):
    message: MessageView
    reply: MessageView | None = None
