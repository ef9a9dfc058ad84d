"""Matches against the AI tiers: start, moves with the AI's reply, the end and what it pays.

Decisions the spec leaves open:

* ``opponent_type`` is ``ai`` (the only opponent this version has). The player always moves first,
  with the symbol they chose; the AI plays the other. The AI answers in the same response.
* One match in progress per player: a second ``POST /matches`` is 409 ``MATCH_IN_PROGRESS`` (with
  its ``match_id``). A tier above the player's level is 403 ``AI_TIER_LOCKED``.
* Move errors: 400 ``INVALID_CELL`` first (it needs nothing but the request), then 404
  ``MATCH_NOT_FOUND`` and 410 ``MATCH_ENDED`` (nothing about cells or turns means anything without a
  live match), then the spec's order among the 400s: ``CELL_OCCUPIED``, ``NOT_YOUR_TURN``. Another
  player's match is 404, as if it did not exist.
* **Abandonment**: a match without a move for 10 minutes (``progression.json``) is abandoned: it
  ends as a loss (``status: abandoned``), pays nothing, and breaks the win streak like a loss.
  No timer is needed: it is settled the next time the player touches it, their active match, or
  starts another, and every read of it shows it ended.
* The end of a match is one ledger transaction: the rewards (match, streak milestones, daily
  challenges), the match's final state, the release of the active slot, the history line, the
  progress counters and streaks, achievements completed, the challenge progress. ``rewards`` on the
  match is what was credited; ``rewards_clipped`` what a cap held back.
* Realtime: ``match_update`` (``opponent_move``) for each AI move, ``match_complete`` at the end,
  then ``achievement_unlocked``, ``level_up`` and ``challenge_progress`` as they happen.
"""

from datetime import datetime, timedelta
from typing import Any

from cosmic_ttt.catalogue import CURRENCIES, RESONANCE, tiers
from cosmic_ttt.errors import Gone
from cosmic_ttt.logic import challenges, engine, progression
from cosmic_ttt.logic import economy as money
from cosmic_ttt.logic.achievements import effects
from cosmic_ttt.logic.moves import describe, impact_total, outcome_flags, outcome_of, replay
from cosmic_ttt.logic.progression import ProgressChange
from cosmic_ttt.logic.rewards import add_to, match_rewards, update_streaks
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound

FLAGS = ("was_swift_victory", "was_fork_victory", "was_comeback", "was_perfect_game")


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def board_view(board: engine.Board, symbol: str) -> list[list[str | None]]:
    other = "x" if symbol == "o" else "o"
    marks = {engine.EMPTY: None, engine.FIRST: symbol, engine.SECOND: other}
    return [[marks[board[row * 3 + col]] for col in range(3)] for row in range(3)]


def not_found(match_id: str) -> NotFound:
    return NotFound(f"Match {match_id} not found", {"match_id": match_id}, code="MATCH_NOT_FOUND")


def is_abandoned(match: dict[str, Any], now: datetime) -> bool:
    idle = timedelta(minutes=progression.progression().abandon_after_minutes)
    return match["status"] == "in_progress" and now - parse(match["last_move_at"]) > idle


def owned_match(services: Any, player_id: str, match_id: str) -> dict[str, Any]:
    """The caller's match, settled first if it was abandoned (404 for anyone else's)."""
    match = services.matches.get(match_id)
    if match is None or match["player_id"] != player_id:
        raise not_found(match_id)
    if is_abandoned(match, services.clock()):
        ended = finish(services, match, "loss", abandoned=True)
        services.notify(player_id, ended["events"])
        return ended["match"]
    return match


# -- start -------------------------------------------------------------------------------------


def start(services: Any, player_id: str, tier: str, symbol: str) -> dict[str, Any]:
    now = services.clock()
    progress = services.players.progress(player_id)
    level = progression.level_for(progress["cosmic_resonance"])
    if not progression.tier_unlocked(tier, level):
        raise Forbidden(
            f"{tiers()[tier].name} unlocks at level {progression.progression().tier_unlock_level(tier)}",
            {
                "ai_tier": tier,
                "required_level": progression.progression().tier_unlock_level(tier),
                "current_level": level,
            },
            code="AI_TIER_LOCKED",
        )
    in_progress = services.players.active_match_id(player_id)
    if in_progress is not None:
        current = services.matches.get(in_progress)
        if current is not None and current["status"] == "in_progress":
            if not is_abandoned(current, now):
                raise busy(in_progress)
            services.notify(player_id, finish(services, current, "loss", abandoned=True)["events"])
        else:  # a pointer left by a match that has ended (never written so, but harmless to mend)
            services.players.commit(
                [services.players.release_active(player_id, in_progress)], [lambda: busy(in_progress)]
            )
    match = {
        "match_id": services.new_id(),
        "player_id": player_id,
        "opponent_type": "ai",
        "ai_tier": tier,
        "symbol_played": symbol,
        "status": "in_progress",
        "current_turn": "player",
        "outcome": None,
        "moves": [],
        "streak_count_at_start": progress["current_win_streak"],
        "started_at": iso(now),
        "last_move_at": iso(now),
        "ended_at": None,
        "version": 1,
    }
    services.players.commit(
        [services.players.claim_active(player_id, match["match_id"]), services.matches.create(match)],
        [lambda: busy(services.players.active_match_id(player_id)), lambda: Conflict("Please retry")],
    )
    return {
        **{key: match[key] for key in ("match_id", "player_id", "opponent_type", "ai_tier", "symbol_played")},
        "board": board_view(engine.START, symbol),
        "current_turn": "player",
        "status": "in_progress",
        "streak_count_at_start": match["streak_count_at_start"],
        "started_at": match["started_at"],
    }


def busy(match_id: str | None) -> Conflict:
    return Conflict("You already have a match in progress", {"match_id": match_id}, code="MATCH_IN_PROGRESS")


# -- moves -------------------------------------------------------------------------------------


def move(services: Any, player_id: str, match_id: str, row: int, col: int) -> dict[str, Any]:
    if not (0 <= row <= 2 and 0 <= col <= 2):
        raise InvalidInput("Row and col must be 0, 1 or 2", {"row": row, "col": col}, code="INVALID_CELL")
    match = owned_match(services, player_id, match_id)
    if match["status"] != "in_progress":
        raise Gone(f"Match {match_id} has ended", {"match_id": match_id, "status": match["status"]}, code="MATCH_ENDED")
    board = replay(match["moves"])
    cell = row * 3 + col
    if board[cell] != engine.EMPTY:
        raise InvalidInput(f"Cell ({row}, {col}) is taken", {"row": row, "col": col}, code="CELL_OCCUPIED")
    if match["current_turn"] != "player" or engine.to_move(board) != engine.FIRST:
        raise InvalidInput("It is not your turn", code="NOT_YOUR_TURN")
    symbol = match["symbol_played"]
    ai_symbol = "x" if symbol == "o" else "o"
    moves = list(match["moves"])
    played = describe(board, cell, len(moves) + 1, symbol, True)
    moves.append(played)
    board = engine.play(board, cell)
    after_player = board
    reply = None
    if not engine.is_over(board):
        ai_cell = engine.ai_move(board, tiers()[match["ai_tier"]].mistake_rate, services.rng)
        reply = describe(board, ai_cell, len(moves) + 1, ai_symbol, False)
        moves.append(reply)
        board = engine.play(board, ai_cell)
    read_version = match["version"]
    match = {**match, "moves": moves, "last_move_at": iso(services.clock()), "version": read_version + 1}
    events: list[dict[str, Any]] = []
    if reply is not None:
        data = {key: reply[key] for key in ("turn_number", "row", "col", "symbol")}
        events.append({"type": "match_update", "match_id": match_id, "event": "opponent_move", "data": data})
    outcome = outcome_of(board)
    answer: dict[str, Any] = {
        "match_id": match_id,
        "move": played,
        "board": board_view(after_player, symbol),
        "ai_response": reply,
        "board_after_ai": board_view(board, symbol),
    }
    if outcome is None:
        services.matches.save(match, read_version)
        services.notify(player_id, events)
        return {**answer, "current_turn": "player", "status": "in_progress", "outcome": None, "rewards": None}
    result = finish(services, match, outcome, read_version=read_version)
    ended = result["match"]
    services.notify(player_id, events + result["events"])
    return {
        **answer,
        "current_turn": None,
        "status": ended["status"],
        "outcome": outcome,
        "rewards": ended["rewards"],
        "rewards_clipped": ended["rewards_clipped"],
    }


# -- the end -----------------------------------------------------------------------------------


def finish(
    services: Any, match: dict[str, Any], outcome: str, *, abandoned: bool = False, read_version: int | None = None
) -> dict[str, Any]:
    """End a match: pay it, count it, record it, all in one transaction. Returns the ended match
    and the events it sets off, for the caller to push once everything has committed."""
    now = services.clock()
    stamp = iso(now)
    player_id = match["player_id"]
    read_version = match["version"] if read_version is None else read_version
    flags = dict.fromkeys(FLAGS, False) if abandoned else outcome_flags(match["moves"], outcome)
    ended = {
        **match,
        **flags,
        "status": "abandoned" if abandoned else "completed",
        "outcome": outcome,
        "current_turn": None,
        "ended_at": stamp,
        "ended_at_us": int(now.timestamp() * 1_000_000),  # orders the history within a second
        "total_moves": len(match["moves"]),
        "impact_score_total": impact_total(match["moves"]),
        "version": read_version + 1,
    }
    day = now.date()
    progress, today = services.players.progress_and_challenges(player_id, day.isoformat())
    streak = update_streaks(progress, outcome)
    paid = match_rewards(outcome, match["ai_tier"], match["symbol_played"], flags, abandoned)
    add_to(paid, streak.rewards)
    challenge = challenges.apply_match(day, today, ended)
    add_to(paid, challenge.rewards)
    resonance = paid.pop(RESONANCE, 0)
    change = ProgressChange(
        add={"matches": 1, "cosmic_resonance": resonance, **_counters(ended)},
        set_values=streak.fields,
        set_if_absent={"first_match_date": day.isoformat()},
    )
    consequences = effects(services, player_id, progress, change, stamp)

    def records(credited: dict[str, int], clipped: dict[str, int]) -> list:
        from cosmic_ttt.dal.players import plain

        ended["rewards"] = {**{c: credited.get(c, 0) for c in CURRENCIES}, RESONANCE: resonance}
        ended["rewards_clipped"] = clipped
        writes = [
            services.matches.finish(ended, read_version),
            plain(services.players.release_active(player_id, match["match_id"])),
            plain(services.matches.summary(ended)),
            *consequences.writes,
        ]
        if challenge.changed:
            writes.append(
                plain(
                    services.players.challenges_write(
                        player_id, day.isoformat(), challenge.progress, challenge.completed
                    )
                )
            )
        return writes

    verb = {"win": "Victory", "draw": "Draw", "loss": "Defeat"}[outcome]
    money.move(
        services,
        f"match:{match['match_id']}",
        player_id,
        f"{'Abandoned' if abandoned else verb} vs {tiers()[match['ai_tier']].name}",
        "match_reward",
        rewards=paid,
        extra_writes=records,
        metadata={"match_id": match["match_id"], "outcome": outcome},
    )
    earned = streak.earned[0] if streak.earned else None
    complete = {
        "type": "match_complete",
        "match_id": match["match_id"],
        "outcome": outcome,
        "rewards": {name: amount for name, amount in ended["rewards"].items() if amount},
        "streak_update": {"new_streak": streak.fields["current_win_streak"], "streak_reward_earned": earned},
    }
    if abandoned:
        complete["abandoned"] = True
    return {"match": ended, "events": [complete, *consequences.events, *challenge.events]}


def _counters(match: dict[str, Any]) -> dict[str, int]:
    outcome = match["outcome"]
    counters = {{"win": "wins", "draw": "draws", "loss": "losses"}[outcome]: 1}
    if outcome == "win":
        counters[f"wins_as_{match['symbol_played']}"] = 1
        for flag, counter in (
            ("was_swift_victory", "swift_victories"),
            ("was_fork_victory", "fork_victories"),
            ("was_comeback", "comeback_victories"),
        ):
            if match[flag]:
                counters[counter] = 1
    if match["was_perfect_game"]:
        counters["perfect_games"] = 1
    if outcome == "draw" and match["ai_tier"] == "the_eternal":
        counters["draws_vs_eternal"] = 1
    return counters


# -- reads -------------------------------------------------------------------------------------


def detail_view(match: dict[str, Any], now: datetime) -> dict[str, Any]:
    board = replay(match["moves"])
    end = parse(match["ended_at"]) if match.get("ended_at") else now
    rewards = match.get("rewards")
    return {
        "match_id": match["match_id"],
        "player_id": match["player_id"],
        "opponent_type": match["opponent_type"],
        "ai_tier": match["ai_tier"],
        "symbol_played": match["symbol_played"],
        "status": match["status"],
        "outcome": match.get("outcome"),
        "current_turn": match.get("current_turn"),
        "board": board_view(board, match["symbol_played"]),
        "total_moves": len(match["moves"]),
        "duration_seconds": max(int((end - parse(match["started_at"])).total_seconds()), 0),
        "impact_score_total": impact_total(match["moves"]),
        **{flag: bool(match.get(flag, False)) for flag in FLAGS},
        "moves": match["moves"],
        "rewards": rewards,
        "rewards_clipped": match.get("rewards_clipped") if rewards is not None else None,
        "streak_count_at_start": match["streak_count_at_start"],
        "started_at": match["started_at"],
        "ended_at": match.get("ended_at"),
        "played_at": match["started_at"],
    }


def active_view(services: Any, player_id: str) -> dict[str, Any] | None:
    match_id = services.players.active_match_id(player_id)
    if match_id is None:
        return None
    match = owned_match(services, player_id, match_id)
    if match["status"] != "in_progress":
        return None
    return {
        "match": {
            "match_id": match["match_id"],
            "ai_tier": match["ai_tier"],
            "symbol_played": match["symbol_played"],
            "board": board_view(replay(match["moves"]), match["symbol_played"]),
            "current_turn": match["current_turn"],
            "status": match["status"],
            "total_moves": len(match["moves"]),
            "started_at": match["started_at"],
        }
    }


def history_view(
    services: Any, player_id: str, filters: dict[str, str | None], limit: int, offset: int
) -> dict[str, Any]:
    rows = [
        row
        for row in services.matches.history(player_id)
        if all(value is None or row.get(field) == value for field, value in filters.items())
    ]
    page = rows[offset : offset + limit]
    return {
        "matches": [
            {
                "match_id": row["match_id"],
                "outcome": row["outcome"],
                "status": row["status"],
                "symbol_played": row["symbol_played"],
                "ai_tier": row["ai_tier"],
                "total_moves": row["total_moves"],
                "impact_score_total": row["impact_score_total"],
                "played_at": row["played_at"],
            }
            for row in page
        ],
        "pagination": {"total": len(rows), "limit": limit, "offset": offset, "has_more": offset + limit < len(rows)},
    }
