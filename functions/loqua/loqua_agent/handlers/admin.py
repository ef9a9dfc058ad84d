"""Operators' routes: mint, list and revoke agent tokens (rules in logic/agent_tokens.py).

Callers are Loqua users with the ``admin`` role (``python -m ops.grant_role --table <LoquaTable>``).
"""

from typing import Any

from fastapi import APIRouter, Depends, Path, Response

from loqua_agent import dependencies
from loqua_agent.errors import ADMIN
from loqua_agent.identity import agent_policy, authenticate_learner, loqua_app
from loqua_agent.logic.agent_tokens import (
    AGENT_ID_PATTERN,
    mint_agent_token,
    revoke_agent_token,
    revoke_all_agent_tokens,
    token_view,
)
from loqua_agent.models.learner import AgentTokenList, MintAgentTokenRequest, MintedAgentTokenResponse, RevokedTokens
from shared.app import lambda_handler
from shared.auth import Principal, require_role

router = APIRouter(prefix="/api/v1/admin/agents")
AgentId = Path(pattern=AGENT_ID_PATTERN, max_length=64)
TokenId = Path(pattern=r"^atk_[0-9a-f]{32}$")


@router.post("/{agent_id}/tokens", status_code=201, response_model=MintedAgentTokenResponse)
def mint(
    body: MintAgentTokenRequest, agent_id: str = AgentId, operator: Principal = Depends(require_role("admin"))
) -> Any:
    minted = mint_agent_token(
        agent_policy(),
        dependencies.agent_tokens(),
        agent_id,
        list(body.permissions),
        body.expires_in_days,
        operator.user_id,
    )
    return minted.view()


@router.get("/{agent_id}/tokens", response_model=AgentTokenList)
def list_tokens(agent_id: str = AgentId, _operator: Principal = Depends(require_role("admin"))) -> Any:
    return {
        "agent_id": agent_id,
        "tokens": [token_view(record) for record in dependencies.agent_tokens().list(agent_id)],
    }


@router.delete("/{agent_id}/tokens/{token_id}", status_code=204, response_class=Response)
def revoke(
    agent_id: str = AgentId, token_id: str = TokenId, operator: Principal = Depends(require_role("admin"))
) -> Response:
    revoke_agent_token(dependencies.agent_tokens(), agent_id, token_id, operator.user_id)
    return Response(status_code=204)


@router.delete("/{agent_id}/tokens", response_model=RevokedTokens)
def revoke_all(agent_id: str = AgentId, operator: Principal = Depends(require_role("admin"))) -> Any:
    return {
        "agent_id": agent_id,
        "revoked": revoke_all_agent_tokens(dependencies.agent_tokens(), agent_id, operator.user_id),
    }


app = loqua_app(ADMIN, router, authenticate=authenticate_learner)
handler = lambda_handler(app)
