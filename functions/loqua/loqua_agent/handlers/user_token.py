"""``POST /api/v1/agent/user-token``: the encrypted learner JWT (rules in logic/user_token.py)."""

from typing import Any

from fastapi import APIRouter, Depends, Request

from loqua_agent import dependencies
from loqua_agent.errors import TOKEN
from loqua_agent.identity import AgentCaller, agent_caller, authenticate_agent, learner_policy, loqua_app
from loqua_agent.logic.user_token import TokenRequest, issue_user_token
from loqua_agent.models.api import UserTokenRequest, UserTokenResponse
from shared.app import lambda_handler

router = APIRouter(prefix="/api/v1/agent")


@router.post("/user-token", response_model=UserTokenResponse, response_model_exclude_none=True)
def get_user_token(
    body: UserTokenRequest, request: Request, caller: AgentCaller = Depends(agent_caller("user.token"))
) -> Any:
    return issue_user_token(
        caller,
        TokenRequest(body.room_name, body.user_id, body.agent_id, body.encryption),
        rooms=dependencies.rooms(),
        learners=dependencies.users(),
        issuer=learner_policy(),
        user_token_secret=dependencies.user_token_secret(),
        audit=dependencies.learners(),
        request_id=request.state.request_id,
    )


app = loqua_app(TOKEN, router, authenticate=authenticate_agent)
handler = lambda_handler(app)
