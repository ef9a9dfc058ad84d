"""The learner's audit log: every action an agent takes with a learner's user token is recorded
as the learner's own action, with the agent that took it ("all actions appear as user actions in
audit logs").

Recorded: ``user_token.issued`` (the agent obtained the learner's token), ``progress.recorded``
(when the queue applies it), ``session.created``, ``context.read``. Each entry is written with the
change it describes (in the same transaction) where there is one, so the log cannot miss a change
or show one that did not happen. Entries are kept a year (DynamoDB TTL) and read newest first by
the learner only (``GET /api/v1/learner/audit-log``).
"""

from dataclasses import dataclass, field
from typing import Any

RETENTION_SECONDS = 365 * 24 * 3600


@dataclass(frozen=True)
class AuditEntry:
    learner_id: str
    action: str
    agent_id: str
    at: str  # ISO 8601 UTC with milliseconds (sorts in time order)
    entry_id: str  # unique per action; a retried action writes the same entry again
    details: dict[str, Any] = field(default_factory=dict)

    def view(self) -> dict[str, Any]:
        return {
            "id": self.entry_id,
            "action": self.action,
            "actor": {"type": "user", "user_id": self.learner_id},
            "via_agent": self.agent_id,
            "details": self.details,
            "timestamp": self.at,
        }
