"""``POST /api/v1/agent/health`` (rules in logic/health.py)."""

from typing import Any

from fastapi import APIRouter, Depends

from loqua_agent import dependencies
from loqua_agent.errors import HEALTH
from loqua_agent.identity import AgentCaller, agent_caller, authenticate_agent, loqua_app
from loqua_agent.logic.health import check_health
from loqua_agent.models.api import HealthRequest, HealthResponse
from loqua_agent.settings import API_NAME
from shared.app import lambda_handler

router = APIRouter(prefix="/api/v1/agent")


@router.post("/health", response_model=HealthResponse)
def health(body: HealthRequest, caller: AgentCaller = Depends(agent_caller(None))) -> Any:
    checks = {
        "table": lambda: dependencies.learners().context_stamp(body.userId),
        "progress queue": lambda: dependencies.progress_queue().reachable(),
        "user-token secret": dependencies.user_token_secret,
    }
    return check_health(caller, checks, API_NAME)


app = loqua_app(HEALTH, router, authenticate=authenticate_agent)
handler = lambda_handler(app)
