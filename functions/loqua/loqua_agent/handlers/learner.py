"""The learner's own routes: preferences (GET/PUT) and their audit log (rules in logic/learners.py)."""

from typing import Any

from fastapi import APIRouter, Depends, Query

from loqua_agent import dependencies
from loqua_agent.errors import LEARNER
from loqua_agent.identity import authenticate_learner, loqua_app
from loqua_agent.logic.learners import audit_page, preferences_view, save_preferences
from loqua_agent.models.learner import AuditLogResponse, PreferencesRequest, PreferencesResponse
from shared.app import lambda_handler
from shared.auth import Principal, current_principal
from shared.errors import utc_now_iso

router = APIRouter(prefix="/api/v1/learner")


@router.get("/preferences", response_model=PreferencesResponse)
def get_preferences(caller: Principal = Depends(current_principal)) -> Any:
    return preferences_view(caller.user_id, dependencies.learners().learner(caller.user_id))


@router.put("/preferences", response_model=PreferencesResponse)
def put_preferences(body: PreferencesRequest, caller: Principal = Depends(current_principal)) -> Any:
    return save_preferences(dependencies.learners(), caller.user_id, body.model_dump(), utc_now_iso())


@router.get("/audit-log", response_model=AuditLogResponse)
def get_audit_log(
    caller: Principal = Depends(current_principal),
    limit: int = Query(default=20, ge=1, le=100),
    cursor: str | None = Query(default=None, max_length=2048),
) -> Any:
    return audit_page(dependencies.learners(), caller.user_id, limit, cursor)


app = loqua_app(LEARNER, router, authenticate=authenticate_learner)
handler = lambda_handler(app)
