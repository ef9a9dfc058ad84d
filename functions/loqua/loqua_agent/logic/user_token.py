"""``POST /api/v1/agent/user-token``: the learner's JWT for the agent in their call, encrypted.

Decisions the spec leaves open:

* The agent must be the one its token names, in ``X-Agent-ID`` and in the body's ``agent_id``
  (403 ``AGENT_ID_MISMATCH``), and hold ``user.token``.
* The learner ``user_id`` must be a participant of ``room_name`` now (403 ``USER_NOT_IN_ROOM``),
  and so must the agent (403 ``AGENT_NOT_IN_ROOM``): membership comes from LiveKit's webhooks
  (logic/membership.py). A participant who is no Loqua learner is 404 ``USER_NOT_FOUND``.
* The JWT inside is the learner's, scoped to this agent: ``sub`` = learner, ``act.sub`` = agent,
  ``permissions`` = the agent token's, ``agent_token`` = that token's id, ``room``; one hour
  (``expires_in: 3600``). It works only on the agent routes, only with this agent's
  ``X-Agent-ID``, and stops working at once when the agent token is revoked.
* Encryption per logic/encryption.py: AES-256-CBC by default (the spec's), AES-256-GCM on request.
* Each issuance is written to the learner's audit log (``user_token.issued``).
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from loqua_agent.errors import AGENT_ID_MISMATCH, AGENT_NOT_IN_ROOM, USER_NOT_IN_ROOM, loqua_timestamp
from loqua_agent.identity import USER, AgentCaller
from loqua_agent.logic import encryption
from loqua_agent.logic.audit import AuditEntry
from loqua_agent.logic.membership import presence
from shared.errors import Forbidden, NotFound


class Rooms(Protocol):
    def records(self, room_name: str) -> list[dict[str, Any]]: ...


class Learners(Protocol):
    def get(self, user_id: str) -> dict[str, Any] | None: ...


class Issuer(Protocol):
    def issue(
        self, claims: dict[str, Any], token_type: str = ..., ttl_seconds: int | None = ...
    ) -> tuple[str, int]: ...


class AuditLog(Protocol):
    def write_audit(self, entries: list[AuditEntry]) -> None: ...


@dataclass(frozen=True)
class TokenRequest:
    room_name: str
    user_id: str
    agent_id: str
    encryption: str = encryption.CBC


def issue_user_token(
    caller: AgentCaller,
    request: TokenRequest,
    rooms: Rooms,
    learners: Learners,
    issuer: Issuer,
    user_token_secret: str,
    audit: AuditLog,
    request_id: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    moment = now or datetime.now(UTC)
    if request.agent_id != caller.agent_id:
        raise Forbidden("agent_id does not name the agent this token belongs to", code=AGENT_ID_MISMATCH)
    here = presence(rooms.records(request.room_name), request.user_id, caller.agent_id, int(moment.timestamp()))
    if not here.learner_present:
        raise Forbidden(f"User is not a participant of room {request.room_name}", code=USER_NOT_IN_ROOM)
    if not here.agent_present:
        raise Forbidden(f"Agent is not a participant of room {request.room_name}", code=AGENT_NOT_IN_ROOM)
    if learners.get(request.user_id) is None:
        raise NotFound("User not found", code="USER_NOT_FOUND")
    jwt, expires_in = issuer.issue(
        {
            "sub": request.user_id,
            "act": {"sub": caller.agent_id},
            "permissions": sorted(caller.permissions),
            "agent_token": caller.token_id,
            "room": request.room_name,
        },
        USER,
    )
    if request.encryption == encryption.GCM:
        associated = encryption.gcm_associated_data(caller.agent_id, request.user_id)
        sealed = encryption.encrypt_gcm(jwt, user_token_secret, associated)
    else:
        sealed = encryption.encrypt_cbc(jwt, user_token_secret)
    stored_at = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    audit.write_audit(
        [
            AuditEntry(
                request.user_id,
                "user_token.issued",
                caller.agent_id,
                stored_at,
                request_id,
                {"room_name": request.room_name, "encryption": request.encryption, "expires_in": expires_in},
            )
        ]
    )
    answer: dict[str, Any] = {
        "success": True,
        "encrypted_token": sealed,
        "expires_in": expires_in,
        "issued_at": loqua_timestamp(moment),
        "user_id": request.user_id,
        "agent_id": caller.agent_id,
    }
    if request.encryption == encryption.GCM:
        answer["encryption"] = encryption.GCM
    return answer
