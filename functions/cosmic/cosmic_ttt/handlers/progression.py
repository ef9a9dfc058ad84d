"""Progression (the spec's Progression Service): progress and level, skill trees, achievements,
and today's challenges (``GET /v1/challenges/daily``, beyond the spec: what ``challenge_progress``
events count toward)."""

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request

from cosmic_ttt import dependencies
from cosmic_ttt.handlers.access import PlayerId, own, public
from cosmic_ttt.http import NOT_MODIFIED, cacheable, check_api_version
from cosmic_ttt.identity import cosmic_app, require_permission
from cosmic_ttt.logic import achievements, challenges, skills
from cosmic_ttt.logic.progression import progress_view
from cosmic_ttt.models.progression import (
    AchievementList,
    AchievementStatus,
    Category,
    ClaimResponse,
    DailyChallenges,
    Progress,
    Skills,
    UnlockResponse,
)
from shared.app import lambda_handler
from shared.auth import Principal, current_principal
from shared.idempotency import respond_idempotently
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/v1", dependencies=[Depends(check_api_version), Depends(no_unknown_query_parameters)])


@router.get("/players/{player_id}/progress", response_model=Progress, responses=NOT_MODIFIED)
def get_progress(request: Request, player_id: str = PlayerId, caller: Principal = Depends(current_principal)) -> Any:
    services = dependencies.services()
    subject = public(player_id, caller, services)
    return cacheable(request, progress_view(subject, services.players.progress(subject)))


@router.get("/players/{player_id}/skills", response_model=Skills)
def get_skills(player_id: str = PlayerId, caller: Principal = Depends(current_principal)) -> Any:
    return skills.skills_view(dependencies.services(), own(player_id, caller))


@router.post("/players/{player_id}/skills/{node_id}/unlock", response_model=UnlockResponse)
def unlock_skill(
    request: Request,
    player_id: str = PlayerId,
    node_id: str = Path(min_length=1, max_length=64),
    caller: Principal = Depends(require_permission("play")),
) -> Any:
    subject = own(player_id, caller)

    def run() -> tuple[int, Any]:
        services = dependencies.services()
        return 200, skills.unlock(services, subject, node_id, services.stamp())

    return respond_idempotently(request, caller.user_id, {"node_id": node_id}, run)


@router.get("/players/{player_id}/achievements", response_model=AchievementList)
def get_achievements(
    player_id: str = PlayerId,
    caller: Principal = Depends(current_principal),
    # Filters typed without None, so the document does not offer null: absent is the only "any".
    category: Category = Query(default=None),
    status: AchievementStatus = Query(default=None),
) -> Any:
    return achievements.list_achievements(dependencies.services(), own(player_id, caller), category, status)


@router.post("/players/{player_id}/achievements/{achieve_id}/claim", response_model=ClaimResponse)
def claim_achievement(
    request: Request,
    player_id: str = PlayerId,
    achieve_id: str = Path(min_length=1, max_length=64),
    caller: Principal = Depends(require_permission("play")),
) -> Any:
    subject = own(player_id, caller)

    def run() -> tuple[int, Any]:
        services = dependencies.services()
        return 200, achievements.claim(services, subject, achieve_id, services.stamp())

    return respond_idempotently(request, caller.user_id, {"achieve_id": achieve_id}, run)


@router.get("/challenges/daily", response_model=DailyChallenges)
def daily_challenges(caller: Principal = Depends(current_principal)) -> Any:
    services = dependencies.services()
    day = services.clock().date()
    return challenges.daily_view(day, services.players.challenges_on(caller.user_id, day.isoformat()))


app = cosmic_app(router)
handler = lambda_handler(app)
