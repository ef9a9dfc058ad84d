"""Sessions endpoint group: POST /api/v1/sessions, GET /api/v1/sessions/{sessionId}, and
POST /api/v1/sessions/{sessionId}/review (the hirer rates a finished hire: logic/reviews.py)."""

from typing import Any

from fastapi import APIRouter, Depends, Request

from jiga_store import dependencies
from jiga_store.identity import jiga_app
from jiga_store.logic.reviews import review_hire
from jiga_store.logic.sessions import start_session, visible_session
from jiga_store.models.reviews import Review, ReviewRequest
from jiga_store.models.sessions import SessionResponse, StartSessionRequest, StartSessionResponse
from shared.app import lambda_handler
from shared.auth import Principal, current_principal
from shared.idempotency import respond_idempotently
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/v1/sessions", dependencies=[Depends(no_unknown_query_parameters)])


@router.post("", status_code=201, response_model=StartSessionResponse)
def create_session(body: StartSessionRequest, request: Request, caller: Principal = Depends(current_principal)) -> Any:
    def run() -> tuple[int, Any]:
        return 201, start_session(
            dependencies.session_services(),
            caller.user_id,
            body.agentId,
            body.type,
            body.hireSessionId,
            body.configuration,
        )

    return respond_idempotently(request, caller.user_id, body.model_dump(mode="json"), run)


@router.get("/{sessionId}", response_model=SessionResponse)
def get_session(sessionId: str, caller: Principal = Depends(current_principal)) -> Any:  # noqa: N803 - spec name
    return visible_session(dependencies.session_services(), sessionId, caller.user_id)


@router.post("/{sessionId}/review", status_code=201, response_model=Review)
def review(
    sessionId: str,  # noqa: N803 - spec style
    body: ReviewRequest,
    request: Request,
    caller: Principal = Depends(current_principal),
) -> Any:
    def run() -> tuple[int, Any]:
        return 201, review_hire(dependencies.reviews(), caller.user_id, sessionId, body.rating, body.comment)

    return respond_idempotently(request, caller.user_id, body.model_dump(mode="json"), run)


app = jiga_app(router)
handler = lambda_handler(app)
