"""Local-only sample data for ``make dev`` and the tests (called by local/seed.py, never in AWS):
the sample agent ``spanish-tutor-v1`` with all four permissions."""

from loqua_agent import dependencies
from loqua_agent.identity import PERMISSIONS, agent_policy
from loqua_agent.logic.agent_tokens import MAX_TTL_DAYS, mint_agent_token

SAMPLE_AGENT_ID = "spanish-tutor-v1"


def seed_sample_agent() -> list[str]:
    minted = mint_agent_token(
        agent_policy(), dependencies.agent_tokens(), SAMPLE_AGENT_ID, list(PERMISSIONS), MAX_TTL_DAYS, "local seed"
    )
    return [f"AGENT {minted.agent_id} {minted.token}"]
