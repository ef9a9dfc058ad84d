"""Lead and BANT models, as the spec spells them."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator, model_validator

from realestate_agent.models.common import Email, Score, Slug, SpecModel, Text, _email
from realestate_agent.models.conversations import BantSuggestion


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
