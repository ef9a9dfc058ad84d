"""``POST /api/v1/agent/progress``: validate, stamp and queue (rules in logic/progress.py)."""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request

from loqua_agent import dependencies
from loqua_agent.errors import PROGRESS, USER_ID_MISMATCH, loqua_timestamp
from loqua_agent.identity import DelegatedCaller, authenticate_user, delegated_caller, loqua_app
from loqua_agent.logic.progress import accept_progress
from loqua_agent.models.api import ProgressRequest, ProgressResponse
from shared.app import lambda_handler
from shared.errors import Forbidden

router = APIRouter(prefix="/api/v1/agent")


@router.post("/progress", response_model=ProgressResponse)
def record_progress(
    body: ProgressRequest, request: Request, caller: DelegatedCaller = Depends(delegated_caller("user.progress"))
) -> Any:
    if body.userId != caller.learner_id:
        raise Forbidden("userId does not name the learner this token belongs to", code=USER_ID_MISMATCH)
    now = datetime.now(UTC)
    accept_progress(
        dependencies.progress_queue(),
        caller.learner_id,
        caller.agent_id,
        body.sessionId,
        body.progress.model_dump(),
        request.state.request_id,
        now,
    )
    return {
        "success": True,
        "message": "Progress updated successfully",
        "userId": caller.learner_id,
        "sessionId": body.sessionId,
        "agentId": caller.agent_id,
        "timestamp": loqua_timestamp(now),
        "batched": True,
    }


app = loqua_app(PROGRESS, router, authenticate=authenticate_user)
handler = lambda_handler(app)
