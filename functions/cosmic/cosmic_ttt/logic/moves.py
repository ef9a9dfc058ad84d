"""What each move was worth, and what kind of victory a match was (rules the spec leaves open).

Move metadata, from the point of view of the side that moves:

* ``cell_value``: how many lines run through the cell, minus one: the centre 3, a corner 2, an
  edge 1 (the spec's examples: the centre is 3, a corner 2).
* ``move_type``, the first that applies: ``opening`` (the match's first move), ``winning``
  (completes a line), ``fork`` (leaves two or more cells that would each win next turn),
  ``block`` (takes the cell the opponent would have won on), ``threat`` (leaves one such
  cell), else ``normal``.
* ``impact_score``: ``cell_value`` plus a bonus for the type: winning 5, fork 4, block 3,
  threat 1.5, opening and normal 0. ``impact_score_total`` sums the player's moves.

Outcome flags of a finished match, all false unless the player won (``was_perfect_game`` also
counts a draw):

* ``was_swift_victory``: won in exactly 5 moves, the fewest possible.
* ``was_fork_victory``: won after making a fork.
* ``was_comeback``: won after the player's own move had left a position lost under perfect
  play (the AI then blundered it back).
* ``was_perfect_game``: won or drew with every player move optimal (keeping the best game value
  the position offered).
"""

from typing import Any

from cosmic_ttt.logic import engine
from cosmic_ttt.logic.engine import EMPTY, FIRST, LINES, Board

TYPE_BONUS = {"winning": 5.0, "fork": 4.0, "block": 3.0, "threat": 1.5, "opening": 0.0, "normal": 0.0}
CELL_VALUES = tuple(sum(cell in line for line in LINES) - 1 for cell in range(9))


def winning_cells(board: Board, mark: int) -> set[int]:
    """Empty cells that would complete a line for ``mark``."""
    cells = set()
    for line in LINES:
        marks = [board[cell] for cell in line]
        if marks.count(mark) == 2 and marks.count(EMPTY) == 1:
            cells.add(line[marks.index(EMPTY)])
    return cells


def move_type(before: Board, cell: int, turn_number: int) -> str:
    mover = engine.to_move(before)
    opponent = 3 - mover
    after = engine.play(before, cell)
    if turn_number == 1:
        return "opening"
    if engine.winner(after) == mover:
        return "winning"
    threats = winning_cells(after, mover)
    if len(threats) >= 2:
        return "fork"
    if cell in winning_cells(before, opponent):
        return "block"
    if threats:
        return "threat"
    return "normal"


def describe(before: Board, cell: int, turn_number: int, symbol: str, is_player_move: bool) -> dict[str, Any]:
    kind = move_type(before, cell, turn_number)
    return {
        "turn_number": turn_number,
        "row": cell // 3,
        "col": cell % 3,
        "symbol": symbol,
        "is_player_move": is_player_move,
        "cell_value": CELL_VALUES[cell],
        "move_type": kind,
        "impact_score": CELL_VALUES[cell] + TYPE_BONUS[kind],
    }


def replay(moves: list[dict[str, Any]]) -> Board:
    board = engine.START
    for move in moves:
        board = engine.play(board, move["row"] * 3 + move["col"])
    return board


def outcome_of(board: Board) -> str | None:
    """``win``/``loss``/``draw`` for the player (who moves first), None while the game goes on."""
    found = engine.winner(board)
    if found != EMPTY:
        return "win" if found == FIRST else "loss"
    return "draw" if EMPTY not in board else None


def outcome_flags(moves: list[dict[str, Any]], outcome: str) -> dict[str, bool]:
    board = engine.START
    perfect = True
    lost_at_some_point = False
    forked = False
    for move in moves:
        cell = move["row"] * 3 + move["col"]
        if move["is_player_move"]:
            perfect = perfect and cell in engine.optimal_moves(board)
            forked = forked or move["move_type"] == "fork"
            board = engine.play(board, cell)
            if not engine.is_over(board) and engine.solve(board)[0] == engine.WIN:
                lost_at_some_point = True  # the AI, to move, had a forced win
        else:
            board = engine.play(board, cell)
    won = outcome == "win"
    return {
        "was_swift_victory": won and len(moves) == 5,
        "was_fork_victory": won and forked,
        "was_comeback": won and lost_at_some_point,
        "was_perfect_game": outcome in ("win", "draw") and perfect,
    }


def impact_total(moves: list[dict[str, Any]]) -> float:
    return round(sum(move["impact_score"] for move in moves if move["is_player_move"]), 2)
