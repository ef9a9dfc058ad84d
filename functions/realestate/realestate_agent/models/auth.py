"""Auth and organisation models."""

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from realestate_agent.models.common import Email, SpecModel, Text, _email


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
