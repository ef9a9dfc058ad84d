"""``POST /api/v1/agent/user/{user_id}/context``: the learner's context, cached (logic/context.py)."""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Path, Request

from loqua_agent import dependencies
from loqua_agent.errors import CONTEXT, USER_ID_MISMATCH
from loqua_agent.identity import DelegatedCaller, authenticate_user, delegated_caller, loqua_app
from loqua_agent.logic.audit import AuditEntry
from loqua_agent.logic.context import learner_context
from loqua_agent.models.api import ContextRequest, ContextResponse
from shared.app import lambda_handler
from shared.errors import Forbidden

router = APIRouter(prefix="/api/v1/agent")


@router.post("/user/{user_id}/context", response_model=ContextResponse)
def read_context(
    body: ContextRequest,
    request: Request,
    user_id: str = Path(min_length=1, max_length=128),
    caller: DelegatedCaller = Depends(delegated_caller("user.context")),
) -> Any:
    if not (user_id == body.userId == caller.learner_id):
        raise Forbidden("user_id, userId and the user token must name the same learner", code=USER_ID_MISMATCH)
    now = datetime.now(UTC)
    context = learner_context(
        dependencies.learners(), dependencies.context_cache(), caller.learner_id, caller.agent_id, now
    )
    details = {"session_id": body.sessionId} if body.sessionId else {}
    dependencies.learners().write_audit(
        [
            AuditEntry(
                caller.learner_id,
                "context.read",
                caller.agent_id,
                now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                request.state.request_id,
                details,
            )
        ]
    )
    return context


app = loqua_app(CONTEXT, router, authenticate=authenticate_user)
handler = lambda_handler(app)
