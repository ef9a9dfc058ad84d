"""``POST /api/v1/agent/sessions``: record a finished learning session (rules in logic/sessions.py)."""

from typing import Any

from fastapi import APIRouter, Depends, Request

from loqua_agent import dependencies
from loqua_agent.errors import SESSIONS, USER_ID_MISMATCH
from loqua_agent.identity import DelegatedCaller, authenticate_user, delegated_caller, loqua_app
from loqua_agent.logic.sessions import NewSession, create_session
from loqua_agent.models.api import SessionRequest, SessionResponse
from shared.app import lambda_handler
from shared.errors import Forbidden

router = APIRouter(prefix="/api/v1/agent")


@router.post("/sessions", response_model=SessionResponse)
def record_session(
    body: SessionRequest, request: Request, caller: DelegatedCaller = Depends(delegated_caller("session.create"))
) -> Any:
    if body.userId != caller.learner_id:
        raise Forbidden("userId does not name the learner this token belongs to", code=USER_ID_MISMATCH)
    session = NewSession(
        learner_id=caller.learner_id,
        session_id=body.sessionId,
        agent_id=caller.agent_id,
        request_id=request.state.request_id,
        duration_minutes=body.duration_minutes,
        topics_covered=body.topics_covered,
        new_vocabulary=[word.model_dump() for word in body.new_vocabulary],
        grammar_points=list(dict.fromkeys(body.grammar_points)),
        pronunciation_practice_count=body.pronunciation_practice_count,
        overall_performance=body.overall_performance,
        achievements=list(dict.fromkeys(body.achievements)),
        next_session_recommendations=body.next_session_recommendations,
    )
    return create_session(dependencies.learners(), session)


app = loqua_app(SESSIONS, router, authenticate=authenticate_user)
handler = lambda_handler(app)
