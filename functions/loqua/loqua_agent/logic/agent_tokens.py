"""Agent service tokens: minted by operators, revocable at once.

Decisions the spec leaves open:

* Who mints: operators only, with ``python -m ops.loqua_agent_tokens`` against a deployed stack or
  ``POST /api/v1/admin/agents/{agentId}/tokens`` with an admin learner token (the spec's "Loqua
  admin panel"). Agents never hold the stage's agent secret: an agent that could sign its own JWT
  could give itself any agent id and any permission. What an agent keeps in the spec's
  ``<STAGE>_AGENT_SECRET`` variable is its minted JWT for that stage (``get_agent_secret()`` then
  returns the bearer it sends).
* An agent id is 1-64 characters of ``a-z 0-9 . _ -`` starting with a letter or digit
  (``spanish-tutor-v1``). An agent may hold several tokens at once (rotation without downtime).
* Permissions are a non-empty subset of ``user.progress``, ``session.create``, ``user.context``,
  ``user.token``; a token lives 1 to 365 days (90 by default).
* Revocation is per token or for every token of an agent; each request reads its token's record
  with a strongly consistent read, so a revoked token (and every user token issued under it) is
  refused from the next request on. Minting is not idempotent on purpose: a replayed answer would
  hand out a live credential again; a retried mint makes a second token, which can be revoked.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from loqua_agent.errors import loqua_timestamp
from loqua_agent.identity import AGENT, PERMISSIONS
from shared.errors import InvalidInput, NotFound

AGENT_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,63}$"
DEFAULT_TTL_DAYS = 90
MAX_TTL_DAYS = 365


class TokenIssuer(Protocol):
    def issue(
        self, claims: dict[str, Any], token_type: str = ..., ttl_seconds: int | None = ...
    ) -> tuple[str, int]: ...


class AgentTokenStore(Protocol):
    def record(self, token: dict[str, Any], expires_epoch: int) -> None: ...

    def list(self, agent_id: str) -> list[dict[str, Any]]: ...

    def revoke(self, agent_id: str, token_id: str, revoked_by: str) -> bool: ...


@dataclass(frozen=True)
class MintedAgentToken:
    token: str
    token_id: str
    agent_id: str
    permissions: list[str]
    issued_at: str
    expires_at: str

    def view(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "token_id": self.token_id,
            "agent_id": self.agent_id,
            "permissions": self.permissions,
            "issued_at": self.issued_at,
            "expires_at": self.expires_at,
        }


def check_agent_id(agent_id: str) -> str:
    if not re.fullmatch(AGENT_ID_PATTERN, agent_id):
        raise InvalidInput("agent id must be 1-64 characters of a-z, 0-9, '.', '_' or '-'")
    return agent_id


def mint_agent_token(
    issuer: TokenIssuer,
    store: AgentTokenStore,
    agent_id: str,
    permissions: list[str],
    ttl_days: int = DEFAULT_TTL_DAYS,
    issued_by: str = "operator",
    now: datetime | None = None,
) -> MintedAgentToken:
    check_agent_id(agent_id)
    unknown = sorted(set(permissions) - set(PERMISSIONS))
    if not permissions or unknown:
        raise InvalidInput(f"permissions must be a non-empty subset of {', '.join(PERMISSIONS)}")
    if not 1 <= ttl_days <= MAX_TTL_DAYS:
        raise InvalidInput(f"expires_in_days must be between 1 and {MAX_TTL_DAYS}")
    granted = [permission for permission in PERMISSIONS if permission in set(permissions)]
    token_id = f"atk_{uuid.uuid4().hex}"
    issued = now or datetime.now(UTC)
    ttl_seconds = ttl_days * 24 * 3600
    token, _ = issuer.issue({"sub": agent_id, "jti": token_id, "permissions": granted}, AGENT, ttl_seconds)
    expires = issued + timedelta(seconds=ttl_seconds)
    minted = MintedAgentToken(token, token_id, agent_id, granted, loqua_timestamp(issued), loqua_timestamp(expires))
    store.record(
        {
            "agentId": agent_id,
            "tokenId": token_id,
            "permissions": granted,
            "issuedAt": minted.issued_at,
            "expiry": minted.expires_at,
            "issuedBy": issued_by,
        },
        int(expires.timestamp()),
    )
    return minted


def token_view(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "token_id": record["tokenId"],
        "agent_id": record["agentId"],
        "permissions": record.get("permissions", []),
        "status": record["status"],
        "issued_at": record["issuedAt"],
        "expires_at": record["expiry"],
        "revoked_at": record.get("revokedAt"),
    }


def revoke_agent_token(store: AgentTokenStore, agent_id: str, token_id: str, revoked_by: str) -> None:
    if not store.revoke(agent_id, token_id, revoked_by):
        raise NotFound(f"Agent {agent_id} has no token {token_id}", code="AGENT_TOKEN_NOT_FOUND")


def revoke_all_agent_tokens(store: AgentTokenStore, agent_id: str, revoked_by: str) -> list[str]:
    """Every active token of the agent; returns the ids revoked."""
    revoked = []
    for record in store.list(agent_id):
        if record["status"] == "active" and store.revoke(agent_id, record["tokenId"], revoked_by):
            revoked.append(record["tokenId"])
    return revoked
