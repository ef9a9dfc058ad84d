"""Removing a deleted agent completely, in resumable steps.

Each call does a bounded amount of work and says whether anything is left; the worker re-queues
the job until nothing is: conversations (their messages, client records, list entries and the
link from their lead) ten at a time, then the agent's S3 objects (files and knowledge shards),
then its document and delivery records, and last the agent item itself. Every step can run twice.
"""

from dataclasses import dataclass
from typing import Any

CONVERSATIONS_PER_STEP = 10


@dataclass
class CleanupServices:
    agents: Any
    conversations: Any
    documents: Any
    leads: Any


def cleanup_step(services: CleanupServices, organization_id: str, agent_id: str) -> bool:
    """One step; True when the agent is entirely gone."""
    agent = services.agents.get(organization_id, agent_id, consistent=True)
    if agent is None or agent["status"] != "deleting":
        return True
    conversations = services.conversations.of_agent(organization_id, agent_id, CONVERSATIONS_PER_STEP)
    for conversation in conversations:
        unlink = [services.leads.unlink_write(conversation["leadId"])] if conversation.get("leadId") else []
        services.conversations.delete(conversation, unlink)
    if conversations:
        return False
    for prefix in (f"documents/{organization_id}/{agent_id}/", f"knowledge/{organization_id}/{agent_id}/"):
        if services.documents.delete_prefix(prefix):
            return False
    if services.documents.delete_records(agent_id):
        return False
    services.agents.delete_item(organization_id, agent_id)
    return True
