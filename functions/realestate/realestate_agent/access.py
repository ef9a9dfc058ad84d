"""Roles and permissions of the Real Estate API (pure: no web framework, so workers import it cheaply).

Roles and their permissions (an admin assigns roles; nobody assigns their own):

| role | permissions |
|---|---|
| admin | everything, including ``organization:manage`` (members, invitations, settings) |
| manager | everything except ``organization:manage`` |
| member | reads everything; ``conversation:manage``, ``lead:create``, ``lead:update`` |
| viewer | reads everything (``*:read``) |
"""

from dataclasses import dataclass

READ_PERMISSIONS = (
    "organization:read",
    "agent:read",
    "document:read",
    "conversation:read",
    "lead:read",
    "webhook:read",
)
WRITE_PERMISSIONS = (
    "agent:create",
    "agent:update",
    "agent:delete",
    "document:create",
    "conversation:manage",
    "lead:create",
    "lead:update",
    "webhook:manage",
)
PERMISSIONS = (*READ_PERMISSIONS, *WRITE_PERMISSIONS, "organization:manage")
ROLES: dict[str, tuple[str, ...]] = {
    "admin": PERMISSIONS,
    "manager": (*READ_PERMISSIONS, *WRITE_PERMISSIONS),
    "member": (*READ_PERMISSIONS, "conversation:manage", "lead:create", "lead:update"),
    "viewer": READ_PERMISSIONS,
}


@dataclass(frozen=True)
class Caller:
    user_id: str
    organization_id: str
    role: str
    permissions: frozenset[str]

    def may(self, permission: str) -> bool:
        return permission in self.permissions
