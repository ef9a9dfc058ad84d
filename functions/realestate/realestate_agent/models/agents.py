"""Agent and document models, as the spec spells them."""

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from realestate_agent.models.common import WEBHOOK_EVENTS, Slug, SpecModel, Text


class AgentSettings(SpecModel):
    tone: Annotated[Text, StringConstraints(min_length=1, max_length=50)] = "Professional"
    systemPrompt: str = Field(default="", max_length=4000)
    fallbackPrompt: str = Field(
        default="I apologize, but I need more information to help you with that.", min_length=1, max_length=1000
    )
    maxTokens: int = Field(default=1000, ge=16, le=4000)
    temperature: float = Field(default=0.7, ge=0, le=2)

    @field_validator("temperature")
    @classmethod
    def to_thousandths(cls, value: float) -> float:
        return round(value, 3)  # finer means nothing to a model, and 1e-200 is not a number DynamoDB stores


class AgentSettingsPatch(SpecModel):
    tone: Annotated[Text, StringConstraints(min_length=1, max_length=50)] | None = None
    systemPrompt: str | None = Field(default=None, max_length=4000)
    fallbackPrompt: str | None = Field(default=None, min_length=1, max_length=1000)
    maxTokens: int | None = Field(default=None, ge=16, le=4000)
    temperature: float | None = Field(default=None, ge=0, le=2)

    @field_validator("temperature")
    @classmethod
    def to_thousandths(cls, value: float | None) -> float | None:
        return None if value is None else round(value, 3)


WebhookEvent = Literal["conversation.started", "conversation.ended", "lead.created", "lead.qualified"]


class WebhookConfig(SpecModel):
    url: str = Field(min_length=8, max_length=2048)
    events: list[WebhookEvent] = Field(min_length=1, max_length=len(WEBHOOK_EVENTS))
    secretToken: str | None = Field(default=None, min_length=16, max_length=256)

    @field_validator("events")
    @classmethod
    def no_repeats(cls, events: list[str]) -> list[str]:
        if len(set(events)) != len(events):
            raise ValueError("events must not repeat an event")
        return events


class CreateAgentRequest(SpecModel):
    name: Annotated[Text, StringConstraints(min_length=3, max_length=100)]
    description: str | None = Field(default=None, max_length=1000)
    settings: AgentSettings = Field(default_factory=AgentSettings)
    webhook: WebhookConfig | None = None


class UpdateAgentRequest(SpecModel):
    """A partial update: ``settings`` is merged key by key; ``webhook: null`` removes the webhook."""

    name: Annotated[Text, StringConstraints(min_length=3, max_length=100)] | None = None
    description: str | None = Field(default=None, max_length=1000)
    settings: AgentSettingsPatch | None = None
    webhook: WebhookConfig | None = None
    status: Literal["active", "inactive"] | None = None


class AgentSettingsView(BaseModel):
    tone: str
    systemPrompt: str
    fallbackPrompt: str
    maxTokens: int
    temperature: float


class WebhookView(BaseModel):
    url: str
    events: list[str]
    secretToken: str


class AgentView(BaseModel):
    id: str
    name: str
    description: str | None = None
    organizationId: str
    status: str
    statusReason: str | None = None
    settings: AgentSettingsView
    webhook: WebhookView | None = None
    documentCount: int
    conversationCount: int
    createdAt: str
    updatedAt: str


class AgentData(BaseModel):
    agent: AgentView


class DeletedData(BaseModel):
    id: str
    deleted: bool


# -- documents ---------------------------------------------------------------------------------


class DocumentUpload(SpecModel):
    name: Annotated[Text, StringConstraints(min_length=1, max_length=255)]
    content: str = Field(min_length=1)
    type: Slug = "knowledge_base"
    mimeType: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=3, max_length=128)]


class UploadDocumentRequest(SpecModel):
    document: DocumentUpload


class DocumentView(BaseModel):
    id: str
    agentId: str
    organizationId: str
    name: str
    type: str
    mimeType: str
    size: int
    status: str
    statusReason: str | None = None
    pageCount: int | None = None
    passageCount: int | None = None
    createdAt: str
    updatedAt: str
    processedAt: str | None = None


class DocumentData(BaseModel):
    document: DocumentView
