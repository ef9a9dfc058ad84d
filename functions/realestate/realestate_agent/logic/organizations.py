"""Organisations and their members.

Decisions the spec leaves open:

* ``POST /auth/register`` creates an organisation and its first admin in one transaction; the
  email is the natural key (a second registration with it is 409), so it takes no Idempotency-Key.
* Staff join by invitation: an admin invites an email with a role and receives a one-time token
  (valid 7 days, stored only as a SHA-256 hash) to hand over; ``POST /auth/accept-invitation``
  with the token, a password and a name creates the account. Inviting the same email again
  replaces the earlier token. One account belongs to one organisation.
* An organisation always keeps at least one admin (demoting or removing the last one is 409).
  Removing a member deletes their account, so the email can be invited again; their tokens lapse
  within 15 minutes and their refresh token stops working at once.
* ``settings.leadQualificationThreshold`` (default 80, 1-100) is the qualification score at
  which a lead becomes ``qualified`` by itself (see logic/leads.py).
"""

import hashlib
import secrets
import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from realestate_agent.access import ROLES, Caller
from realestate_agent.errors import field_error
from shared.errors import Conflict, NotFound, Unauthorized, utc_now_iso

if TYPE_CHECKING:
    from realestate_agent.dal.organizations import OrganizationRepository

DEFAULT_QUALIFICATION_THRESHOLD = 80
INVITATION_TTL_SECONDS = 7 * 24 * 3600


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def organization_view(organization: dict[str, Any]) -> dict[str, Any]:
    settings = {"leadQualificationThreshold": DEFAULT_QUALIFICATION_THRESHOLD, **(organization.get("settings") or {})}
    return {
        "id": organization["id"],
        "name": organization["name"],
        "settings": settings,
        "createdAt": organization["createdAt"],
        "updatedAt": organization["updatedAt"],
    }


def qualification_threshold(organization: dict[str, Any] | None) -> int:
    settings = (organization or {}).get("settings") or {}
    return int(settings.get("leadQualificationThreshold", DEFAULT_QUALIFICATION_THRESHOLD))


def user_view(user_id: str, email: str, name: str, organization_id: str, role: str) -> dict[str, Any]:
    return {
        "id": user_id,
        "email": email,
        "name": name,
        "organizationId": organization_id,
        "role": role,
        "permissions": list(ROLES[role]),
    }


def register(repo: "OrganizationRepository", email: str, password: str, name: str, organization_name: str) -> dict:
    now = utc_now_iso()
    organization_id = f"org_{uuid.uuid4().hex[:20]}"
    user_id = f"usr_{uuid.uuid4().hex[:20]}"
    organization = {
        "id": organization_id,
        "name": organization_name,
        "settings": {"leadQualificationThreshold": DEFAULT_QUALIFICATION_THRESHOLD},
        "adminCount": 1,
        "createdAt": now,
        "updatedAt": now,
    }
    member = {"userId": user_id, "email": email, "name": name, "role": "admin", "joinedAt": now}
    repo.users.create(
        email,
        password,
        name,
        roles=["admin"],
        profile={"organizationId": organization_id},
        user_id=user_id,
        extra_writes=repo.registration_writes(organization, member),
    )
    return user_view(user_id, email, name, organization_id, "admin")


def login(repo: "OrganizationRepository", email: str, password: str) -> dict:
    credentials = repo.users.authenticate(email, password)
    return current_user(repo, credentials["userId"])


def current_user(repo: "OrganizationRepository", user_id: str) -> dict:
    """The user with their current role: membership is the source of truth (read at login and refresh)."""
    profile = repo.users.get(user_id)
    member = repo.member(profile["organizationId"], user_id) if profile else None
    if profile is None or member is None:
        raise Unauthorized("This account no longer belongs to an organisation")
    return user_view(user_id, member["email"], member["name"], profile["organizationId"], member["role"])


def invite(repo: "OrganizationRepository", caller: Caller, email: str, role: str) -> dict:
    if repo.users.credentials(email) is not None:
        raise field_error(Conflict, "An account with this email already exists", "email", email)
    token = secrets.token_urlsafe(32)
    now = int(time.time())
    expires = now + INVITATION_TTL_SECONDS
    invitation = {
        "email": email,
        "role": role,
        "invitedBy": caller.user_id,
        "createdAt": utc_now_iso(),
        "expiresAt": datetime.fromtimestamp(expires, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
    repo.invite(caller.organization_id, invitation, token_hash(token), expires)
    return {**invitation, "token": token}


def accept_invitation(repo: "OrganizationRepository", token: str, password: str, name: str) -> dict:
    hashed = token_hash(token)
    invitation = repo.invitation(hashed)
    if invitation is None or invitation.get("expiresAt", 0) < time.time():
        raise Unauthorized("This invitation is not valid or has expired")
    user_id = f"usr_{uuid.uuid4().hex[:20]}"
    member = {
        "userId": user_id,
        "email": invitation["email"],
        "name": name,
        "role": invitation["role"],
        "joinedAt": utc_now_iso(),
    }
    repo.users.create(
        invitation["email"],
        password,
        name,
        roles=[invitation["role"]],
        profile={"organizationId": invitation["organizationId"]},
        user_id=user_id,
        extra_writes=repo.accept_writes(invitation, hashed, member),
    )
    return user_view(user_id, member["email"], name, invitation["organizationId"], member["role"])


def member_of(repo: "OrganizationRepository", caller: Caller, user_id: str) -> dict:
    member = repo.member(caller.organization_id, user_id)
    if member is None:
        raise field_error(NotFound, f"Member {user_id} not found", "userId", user_id)
    return member


def change_role(repo: "OrganizationRepository", caller: Caller, user_id: str, role: str) -> dict:
    member = member_of(repo, caller, user_id)
    if member["role"] != role:
        repo.change_role(caller.organization_id, member, role)
    return {**member, "role": role}


def remove_member(repo: "OrganizationRepository", caller: Caller, user_id: str) -> None:
    repo.remove(caller.organization_id, member_of(repo, caller, user_id))
