"""Agent and document models, as the spec spells them."""

import re
from collections.abc import Callable, Iterable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from realestate_agent.logic import extraction
from realestate_agent.models.common import WEBHOOK_EVENTS, WS, Slug, SpecModel, Whole, matching
from shared.text import trimmed


class AgentSettings(SpecModel):
    tone: trimmed(1, 50) = "Professional"
    systemPrompt: str = Field(default="", max_length=4000)
    fallbackPrompt: str = Field(
        default="I apologize, but I need more information to help you with that.", min_length=1, max_length=1000
    )
    maxTokens: Annotated[int, Field(ge=16, le=4000), Whole] = 1000
    temperature: float = Field(default=0.7, ge=0, le=2)

    @field_validator("temperature")
    @classmethod
    def to_thousandths(cls, value: float) -> float:
        return round(value, 3)  # finer means nothing to a model, and 1e-200 is not a number DynamoDB stores


class AgentSettingsPatch(SpecModel):
    tone: trimmed(1, 50) | None = None
    systemPrompt: str | None = Field(default=None, max_length=4000)
    fallbackPrompt: str | None = Field(default=None, min_length=1, max_length=1000)
    maxTokens: Annotated[int, Field(ge=16, le=4000), Whole] | None = None
    temperature: float | None = Field(default=None, ge=0, le=2)

    @field_validator("temperature")
    @classmethod
    def to_thousandths(cls, value: float | None) -> float | None:
        return None if value is None else round(value, 3)


_PORT = r"([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
WEBHOOK_URL_PATTERN = (
    rf"^https://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z][A-Za-z0-9-]*(:{_PORT})?([/?][^ \t\r\n\f\v#]*)?$"
)
WebhookEvent = Literal["conversation.started", "conversation.ended", "lead.created", "lead.qualified"]


class WebhookConfig(SpecModel):
    # The document states the URL's shape (https, a host whose last label is a name, an optional
    # port up to 65535); logic/webhooks.py also refuses credentials and local names such as
    # ``.internal`` (and, where REALESTATE_WEBHOOK_ALLOW_LOCAL_TARGETS is on, also takes http).
    url: str = Field(min_length=8, max_length=2048, json_schema_extra={"pattern": WEBHOOK_URL_PATTERN})
    events: list[WebhookEvent] = Field(
        min_length=1, max_length=len(WEBHOOK_EVENTS), json_schema_extra={"uniqueItems": True}
    )
    secretToken: str | None = Field(default=None, min_length=16, max_length=256)

    @field_validator("events")
    @classmethod
    def no_repeats(cls, events: list[str]) -> list[str]:
        if len(set(events)) != len(events):
            raise ValueError("events must not repeat an event")
        return events


class CreateAgentRequest(SpecModel):
    name: trimmed(3, 100)
    description: str | None = Field(default=None, max_length=1000)
    settings: AgentSettings = Field(default_factory=AgentSettings)
    webhook: WebhookConfig | None = None


class UpdateAgentRequest(SpecModel):
    """A partial update: ``settings`` is merged key by key; ``webhook: null`` removes the webhook."""

    name: trimmed(3, 100) | None = None
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


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _chars(keep: Callable[[int], bool]) -> str:
    return "[" + "".join(re.escape(char) for index, char in enumerate(_B64) if keep(index)) + "]"


_ANY = _chars(lambda index: True)
_TAIL = rf"({_ANY}{{4}})*({_ANY}{{2}}==|{_ANY}{{3}}=)?"  # whole groups, then one padded group or none
# Base64 of ASCII text: each byte's top bit is clear (bit 5 of a group's first character, bit 3
# of its second, bit 1 of its third).
_A1, _A2, _A3 = _chars(lambda i: i < 32), _chars(lambda i: not i & 8), _chars(lambda i: not i & 2)
_ASCII_GROUP = f"{_A1}{_A2}{_A3}{_ANY}"
# What the document states each declared type's content must be: base64 (standard alphabet,
# padded) of a file that starts as that type does. PDF: "%PDF-"; DOCX: a ZIP header "PK\x03\x04";
# text, Markdown and HTML: UTF-8 text, of which the document states the ASCII part (the server
# also takes other UTF-8 text, a data: URL prefix and surrounding whitespace).
CONTENT_PATTERNS = {
    extraction.PDF: rf"^JVBERi[0-3](=|{_ANY}{_TAIL})$",
    extraction.DOCX: rf"^UEsDB[A-P](==|{_ANY}=|{_ANY}{{2}}{_TAIL})$",
    "text": rf"^({_ASCII_GROUP})*({_ASCII_GROUP}|{_A1}{_ANY}==|{_A1}{_A2}{_ANY}=)$",
}


def _any_case(text: str) -> str:
    return "".join(f"[{char.upper()}{char}]" if char.isalpha() else re.escape(char) for char in text)


def _mime_pattern(mime_types: Iterable[str]) -> str:
    choices = "|".join(_any_case(mime_type) for mime_type in mime_types)
    return rf"^[{WS}]*({choices})[{WS}]*(;[ -~]{{0,100}})?$"


MIME_PATTERN = _mime_pattern(extraction.SUPPORTED_TYPES)
_KIND_PATTERNS = {
    kind: _mime_pattern(mime for mime, of in extraction.SUPPORTED_TYPES.items() if of == kind)
    for kind in set(extraction.SUPPORTED_TYPES.values())
}


def _content_rules() -> list[dict[str, Any]]:
    return [
        {
            "if": {"properties": {"mimeType": {"pattern": pattern}}, "required": ["mimeType"]},
            "then": {"properties": {"content": {"pattern": CONTENT_PATTERNS.get(kind, CONTENT_PATTERNS["text"])}}},
        }
        for kind, pattern in sorted(_KIND_PATTERNS.items())
    ]


class DocumentUpload(SpecModel):
    """A JSON upload: the content is checked against its declared type at upload
    (logic/documents.py), as the document's if/then rules state."""

    model_config = ConfigDict(json_schema_extra={"allOf": _content_rules()})

    name: trimmed(1, 255)
    content: str = Field(min_length=1, description="base64 (a data: URL is also taken)")
    type: Slug = "knowledge_base"
    mimeType: matching(MIME_PATTERN, "must be a supported document type", lower=True)  # bounded by the pattern


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
