"""Lead and BANT models, as the spec spells them."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from realestate_agent.models.common import Email, Phone, Score, Slug, SpecModel
from realestate_agent.models.conversations import BantSuggestion
from shared.text import trimmed


class ContactInfo(SpecModel):
    # a way to reach the lead: an email or a phone number that is not null
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["email"], "properties": {"email": {"type": "string"}}},
                {"required": ["phone"], "properties": {"phone": {"type": "string"}}},
            ]
        }
    )

    email: Email | None = None
    name: trimmed(1, 200) | None = None
    phone: Phone | None = None
    preferredContact: Literal["email", "phone", "sms", "whatsapp"] | None = None

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
