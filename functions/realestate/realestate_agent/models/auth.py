"""Auth and organisation models."""

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from realestate_agent.models.common import Email, SpecModel, Whole
from shared.text import trimmed


class RegisterRequest(SpecModel):
    email: Email
    password: str = Field(min_length=8, max_length=128)
    name: trimmed(1, 100)
    organizationName: trimmed(2, 100)


class LoginRequest(SpecModel):
    email: Email
    password: str = Field(min_length=1, max_length=128)


class RefreshRequest(SpecModel):
    refreshToken: str = Field(min_length=1, max_length=256)


class AcceptInvitationRequest(SpecModel):
    token: str = Field(min_length=16, max_length=128)
    password: str = Field(min_length=8, max_length=128)
    name: trimmed(1, 100)


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
    leadQualificationThreshold: Annotated[int, Field(ge=1, le=100), Whole] | None = None


class UpdateOrganizationRequest(SpecModel):
    name: trimmed(2, 100) | None = None
    settings: OrganizationSettingsPatch | None = None


Role = Literal["admin", "manager", "member", "viewer"]


class InviteMemberRequest(SpecModel):
    email: Email
    role: Role


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
