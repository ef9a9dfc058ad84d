"""Match actions and reads (the spec's Game Service): start, move, the match, the active match,
the history, a player's streak. Moves and starts count as the spec's "Match Actions" (60 a
minute); the reads as "Read Operations"."""

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from cosmic_ttt import dependencies
from cosmic_ttt.handlers.access import PlayerId, public
from cosmic_ttt.http import check_api_version
from cosmic_ttt.identity import MATCH_LIMIT, cosmic_app, require_permission
from cosmic_ttt.logic import matches
from cosmic_ttt.logic.rewards import streak_view
from cosmic_ttt.models.common import Outcome, Symbol, Tier
from cosmic_ttt.models.matches import (
    ActiveMatch,
    History,
    MatchDetail,
    MatchStarted,
    MoveRequest,
    MoveResponse,
    StartMatchRequest,
    Streak,
)
from shared.app import lambda_handler
from shared.auth import Principal, current_principal
from shared.idempotency import respond_idempotently
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/v1", dependencies=[Depends(check_api_version), Depends(no_unknown_query_parameters)])
MatchId = Path(min_length=1, max_length=64)


@router.post("/matches", status_code=201, response_model=MatchStarted)
def start_match(
    body: StartMatchRequest, request: Request, caller: Principal = Depends(require_permission("play"))
) -> Any:
    def run() -> tuple[int, Any]:
        return 201, matches.start(dependencies.services(), caller.user_id, body.ai_tier, body.symbol_choice)

    return respond_idempotently(request, caller.user_id, body.model_dump(mode="json"), run)


@router.post("/matches/{match_id}/moves", response_model=MoveResponse)
def play_move(
    body: MoveRequest,
    request: Request,
    match_id: str = MatchId,
    caller: Principal = Depends(require_permission("play")),
) -> Any:
    def run() -> tuple[int, Any]:
        return 200, matches.move(dependencies.services(), caller.user_id, match_id, body.row, body.col)

    return respond_idempotently(request, caller.user_id, {"match_id": match_id, **body.model_dump()}, run)


@router.get(
    "/matches/active",
    response_model=ActiveMatch,
    responses={204: {"description": "No match in progress"}},
)
def active_match(caller: Principal = Depends(current_principal)) -> Any:
    found = matches.active_view(dependencies.services(), caller.user_id)
    return found if found is not None else Response(status_code=204)


@router.get("/matches/history", response_model=History)
def match_history(
    caller: Principal = Depends(current_principal),
    limit: int = Query(default=20, ge=1, le=100),
    offset: int = Query(default=0, ge=0, le=1_000_000),
    # Filters typed without None, so the document does not offer null: absent is the only "any".
    outcome: Outcome = Query(default=None),
    symbol: Symbol = Query(default=None),
    ai_tier: Tier = Query(default=None),
) -> Any:
    filters = {"outcome": outcome, "symbol_played": symbol, "ai_tier": ai_tier}
    return matches.history_view(dependencies.services(), caller.user_id, filters, limit, offset)


@router.get("/matches/{match_id}", response_model=MatchDetail)
def get_match(match_id: str = MatchId, caller: Principal = Depends(current_principal)) -> Any:
    services = dependencies.services()
    match = matches.owned_match(services, caller.user_id, match_id)
    return matches.detail_view(match, services.clock())


@router.get("/players/{player_id}/streak", response_model=Streak)
def player_streak(player_id: str = PlayerId, caller: Principal = Depends(current_principal)) -> Any:
    services = dependencies.services()
    subject = public(player_id, caller, services)
    return streak_view(subject, services.players.progress(subject, consistent=False))


app = cosmic_app(router, writes=MATCH_LIMIT)
handler = lambda_handler(app)
