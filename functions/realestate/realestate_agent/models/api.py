"""Request and response models as realestate-agent.md spells them (camelCase, as the spec does).

Request bodies are strict (``"maxTokens": "5"`` or ``"budget": 7.5`` is a 422, not coerced) and
refuse unknown fields, except the free-form ``metadata`` objects the spec shows open.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from shared.identity import is_valid_email

WEBHOOK_EVENTS = ("conversation.started", "conversation.ended", "lead.created", "lead.qualified")
LEAD_STATUSES = ("new", "contacted", "qualified", "converted", "lost")
AGENT_STATUSES = ("creating", "active", "inactive", "error")
Slug = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[a-z0-9][a-z0-9_.-]{0,31}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=3, max_length=254)]
Score = Annotated[int, Field(ge=0, le=10)]


class SpecModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _email(value: str) -> str:
    if not is_valid_email(value):
        raise ValueError("must be an email address")
    return value


# -- auth and organisation ---------------------------------------------------------------------


class RegisterRequest(SpecModel):
    email: Email
    password: str = Field(min_length=8, max_length=128)
    name: Annotated[Text, StringConstraints(min_length=1, max_length=100)]
    organizationName: Annotated[Text, StringConstraints(min_length=2, max_length=100)]

    _check_email = field_validator("email")(_email)


class LoginRequest(SpecModel):
    email: Email
    password: str = Field(min_length=1, max_length=128)


class RefreshRequest(SpecModel):
    refreshToken: str = Field(min_length=1, max_length=256)


class AcceptInvitationRequest(SpecModel):
    token: str = Field(min_length=16, max_length=128)
    password: str = Field(min_length=8, max_length=128)
    name: Annotated[Text, StringConstraints(min_length=1, max_length=100)]


class UserView(BaseModel):
    id: str
    email: str
    name: str
    organizationId: str
    role: str
    permissions: list[str]


class TokenData(BaseModel):
    accessToken: str
    refreshToken: str
    tokenType: str
    expiresIn: int
    user: UserView


class OrganizationSettings(BaseModel):
    leadQualificationThreshold: int


class OrganizationView(BaseModel):
    id: str
    name: str
    settings: OrganizationSettings
    createdAt: str
    updatedAt: str


class OrganizationData(BaseModel):
    organization: OrganizationView


class OrganizationSettingsPatch(SpecModel):
    leadQualificationThreshold: int | None = Field(default=None, ge=1, le=100)


class UpdateOrganizationRequest(SpecModel):
    name: Annotated[Text, StringConstraints(min_length=2, max_length=100)] | None = None
    settings: OrganizationSettingsPatch | None = None


Role = Literal["admin", "manager", "member", "viewer"]


class InviteMemberRequest(SpecModel):
    email: Email
    role: Role

    _check_email = field_validator("email")(_email)


class UpdateMemberRequest(SpecModel):
    role: Role


class MemberView(BaseModel):
    userId: str
    email: str
    name: str
    role: str
    joinedAt: str


class MemberData(BaseModel):
    member: MemberView


class InvitationView(BaseModel):
    email: str
    role: str
    invitedBy: str
    createdAt: str
    expiresAt: str
    token: str | None = None  # only in the answer that creates it


class InvitationData(BaseModel):
    invitation: InvitationView


# -- agents ------------------------------------------------------------------------------------


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


# -- conversations -----------------------------------------------------------------------------


class StartConversationRequest(SpecModel):
    agentId: str = Field(min_length=1, max_length=64)
    userId: str = Field(min_length=1, max_length=128)
    source: Slug = "web"
    metadata: dict[str, Any] = Field(default_factory=dict)


class MessageMetadata(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)

    timestamp: str | None = Field(default=None, max_length=64)
    clientId: str | None = Field(default=None, min_length=1, max_length=128)


class SendMessageRequest(SpecModel):
    content: Annotated[str, StringConstraints(min_length=1, max_length=4000)]
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
    metadata: dict[str, Any] = Field(default_factory=dict)


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


# -- leads -------------------------------------------------------------------------------------


class ContactInfo(SpecModel):
    email: Email | None = None
    name: Annotated[Text, StringConstraints(min_length=1, max_length=200)] | None = None
    phone: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 ().-]{3,30}$")] | None = None
    preferredContact: Literal["email", "phone", "sms", "whatsapp"] | None = None

    @field_validator("email")
    @classmethod
    def email_address(cls, value: str | None) -> str | None:
        return None if value is None else _email(value)

    @model_validator(mode="after")
    def reachable(self) -> "ContactInfo":
        if self.email is None and self.phone is None:
            raise ValueError("contactInfo needs an email or a phone number")
        return self


class LeadSource(SpecModel):
    channel: Slug = "web"
    referrer: str | None = Field(default=None, max_length=2048)
    campaign: str | None = Field(default=None, max_length=200)


class Bant(SpecModel):
    budget: Score
    authority: Score
    need: Score
    timeline: Score


class CreateLeadRequest(SpecModel):
    contactInfo: ContactInfo
    source: LeadSource = Field(default_factory=LeadSource)
    conversationId: str | None = Field(default=None, min_length=1, max_length=64)
    initialBANT: Bant | None = None
    notes: str | None = Field(default=None, max_length=5000)


class UpdateLeadStatusRequest(SpecModel):
    status: Literal["new", "contacted", "qualified", "converted", "lost"]
    reason: str | None = Field(default=None, max_length=1000)


class BantView(BaseModel):
    budget: int
    authority: int
    need: int
    timeline: int


class StatusChange(BaseModel):
    status: str
    previousStatus: str | None = None
    reason: str | None = None
    changedBy: str
    changedAt: str


class LeadView(BaseModel):
    id: str
    organizationId: str
    contactInfo: dict[str, Any]
    source: dict[str, Any]
    status: str
    conversationId: str | None = None
    agentId: str | None = None
    bantScore: BantView | None = None
    qualificationScore: int | None = None
    bantSuggestion: BantSuggestion | None = None
    notes: str | None = None
    statusHistory: list[StatusChange] = Field(default_factory=list)
    qualifiedAt: str | None = None
    createdAt: str
    updatedAt: str


class LeadData(BaseModel):
    lead: LeadView


class ScoreData(BaseModel):
    bantScore: BantView
    qualificationScore: int
    status: str


# -- webhooks ----------------------------------------------------------------------------------


class DeliveryAttempt(BaseModel):
    attempt: int
    at: str
    statusCode: int | None = None
    durationMs: int | None = None
    error: str | None = None


class DeliveryView(BaseModel):
    id: str
    agentId: str
    event: str
    eventId: str
    url: str
    status: str
    attempts: list[DeliveryAttempt]
    nextAttemptAt: str | None = None
    createdAt: str
    updatedAt: str
    payload: dict[str, Any] | None = None


class DeliveryData(BaseModel):
    delivery: DeliveryView
