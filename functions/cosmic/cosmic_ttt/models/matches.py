"""Bodies of the match routes (the spec's Game Service)."""

from typing import Literal

from pydantic import BaseModel, Field

from cosmic_ttt.models.common import Outcome, Pagination, SpecModel, Symbol, Tier

Board = list[list[Symbol | None]]
MoveType = Literal["opening", "winning", "fork", "block", "threat", "normal"]
Status = Literal["in_progress", "completed", "abandoned"]


class StartMatchRequest(SpecModel):
    opponent_type: Literal["ai"]
    ai_tier: Tier
    symbol_choice: Symbol


_CELL = {"minimum": 0, "maximum": 2}  # checked by the move's rules, so that it is the spec's INVALID_CELL


class MoveRequest(SpecModel):
    row: int = Field(description="0 to 2; anything else is 400 INVALID_CELL", json_schema_extra=_CELL)
    col: int = Field(description="0 to 2; anything else is 400 INVALID_CELL", json_schema_extra=_CELL)


class Move(BaseModel):
    turn_number: int
    row: int
    col: int
    symbol: Symbol
    is_player_move: bool
    cell_value: int
    move_type: MoveType
    impact_score: float


class MatchStarted(BaseModel):
    match_id: str
    player_id: str
    opponent_type: Literal["ai"]
    ai_tier: Tier
    symbol_played: Symbol
    board: Board
    current_turn: Literal["player"]
    status: Literal["in_progress"]
    streak_count_at_start: int
    started_at: str


class MoveResponse(BaseModel):
    match_id: str
    move: Move
    board: Board
    ai_response: Move | None
    board_after_ai: Board
    current_turn: Literal["player"] | None
    status: Status
    outcome: Outcome | None
    rewards: dict[str, int] | None
    rewards_clipped: dict[str, int] | None = None


class MatchDetail(BaseModel):
    match_id: str
    player_id: str
    opponent_type: Literal["ai"]
    ai_tier: Tier
    symbol_played: Symbol
    status: Status
    outcome: Outcome | None
    current_turn: Literal["player"] | None
    board: Board
    total_moves: int
    duration_seconds: int
    impact_score_total: float
    was_swift_victory: bool
    was_fork_victory: bool
    was_comeback: bool
    was_perfect_game: bool
    moves: list[Move]
    rewards: dict[str, int] | None
    rewards_clipped: dict[str, int] | None
    streak_count_at_start: int
    started_at: str
    ended_at: str | None
    played_at: str


class ActiveMatchState(BaseModel):
    match_id: str
    ai_tier: Tier
    symbol_played: Symbol
    board: Board
    current_turn: Literal["player"] | None
    status: Status
    total_moves: int
    started_at: str


class ActiveMatch(BaseModel):
    match: ActiveMatchState


class HistoryLine(BaseModel):
    match_id: str
    outcome: Outcome
    status: Status
    symbol_played: Symbol
    ai_tier: Tier
    total_moves: int
    impact_score_total: float
    played_at: str


class History(BaseModel):
    matches: list[HistoryLine]
    pagination: Pagination


class NextStreakReward(BaseModel):
    wins_needed: int
    reward: dict[str, int | str]


class Streak(BaseModel):
    player_id: str
    current_win_streak: int
    best_win_streak: int
    streak_protected: bool
    current_draw_streak: int
    best_draw_streak: int
    last_match_outcome: Outcome | None
    next_streak_reward: NextStreakReward
