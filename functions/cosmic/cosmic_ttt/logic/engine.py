"""Tic-tac-toe solved: every reachable position's game value, and the moves the AI tiers choose.

A position is a 9-tuple in row-major order (cell = row * 3 + col): ``EMPTY``, ``FIRST`` (the
player's mark: the player always moves first) or ``SECOND`` (the AI's). Who moves next follows
from the counts. ``solve`` is memoised minimax over the 5,478 positions reachable from the empty
board: each is solved once per process, in a few milliseconds in all.

Values are from the point of view of the side to move: +1 a forced win, 0 a draw, -1 a forced
loss, each with the number of plies to the end under the preferred line (win soonest, lose
latest). Three move sets follow from them:

* ``optimal_moves``: every move that keeps the position's game value (win stays win, draw stays
  draw). The reference player (below) chooses uniformly among these.
* ``best_moves``: the optimal moves that also win soonest or lose latest. A tier that is not
  blundering chooses uniformly among these, so it never dawdles on a won game.
* ``blunders``: moves that lower the game value (draw to loss, win to draw or loss).

Every tier plays ``best_moves`` except that, at each of its turns where a blunder exists, it
blunders with the tier's ``mistake_rate`` (uniformly among the blunders). ``the_eternal`` has a
rate of 0: it is perfect, and cannot lose (tests enumerate every line to prove it). The other
rates are calibrated (``calibrate``) so that the *reference player*, who always plays an optimal
move chosen uniformly at random among the optimal ones, wins exactly the spec's share of games;
``reference_win_rate`` computes that share exactly over the game tree.
"""

import random
from collections.abc import Callable
from functools import cache

EMPTY, FIRST, SECOND = 0, 1, 2
Board = tuple[int, ...]
START: Board = (EMPTY,) * 9
LINES = ((0, 1, 2), (3, 4, 5), (6, 7, 8), (0, 3, 6), (1, 4, 7), (2, 5, 8), (0, 4, 8), (2, 4, 6))
WIN, DRAW, LOSS = 1, 0, -1


def winner(board: Board) -> int:
    """FIRST or SECOND if that mark has three in a line, else EMPTY."""
    for a, b, c in LINES:
        if board[a] != EMPTY and board[a] == board[b] == board[c]:
            return board[a]
    return EMPTY


def is_over(board: Board) -> bool:
    return winner(board) != EMPTY or EMPTY not in board


def to_move(board: Board) -> int:
    return FIRST if board.count(FIRST) == board.count(SECOND) else SECOND


def legal_moves(board: Board) -> list[int]:
    return [] if winner(board) != EMPTY else [cell for cell in range(9) if board[cell] == EMPTY]


def play(board: Board, cell: int) -> Board:
    """The position after the side to move marks ``cell`` (which must be empty)."""
    if board[cell] != EMPTY:
        raise ValueError(f"cell {cell} is occupied")
    return (*board[:cell], to_move(board), *board[cell + 1 :])


def _preference(value: int, plies: int) -> tuple[int, int]:
    """Sort key of an outcome for the side that gets it: better value, then win soon / lose late."""
    return value, -plies if value > 0 else plies


@cache
def solve(board: Board) -> tuple[int, int]:
    """(value, plies to the end) for the side to move, under perfect play by both sides."""
    if winner(board) != EMPTY:
        return LOSS, 0  # the side to move has just been beaten
    if EMPTY not in board:
        return DRAW, 0
    return max(move_outcomes(board).values(), key=lambda outcome: _preference(*outcome))


@cache
def move_outcomes(board: Board) -> dict[int, tuple[int, int]]:
    """For each legal move: (value, plies) of the game after it, for the side that plays it."""
    outcomes = {}
    for cell in legal_moves(board):
        value, plies = solve(play(board, cell))
        outcomes[cell] = (-value, plies + 1)
    return outcomes


@cache
def optimal_moves(board: Board) -> tuple[int, ...]:
    outcomes = move_outcomes(board)
    best = max(value for value, _ in outcomes.values())
    return tuple(cell for cell, (value, _) in outcomes.items() if value == best)


@cache
def best_moves(board: Board) -> tuple[int, ...]:
    outcomes = move_outcomes(board)
    best = max(_preference(*outcome) for outcome in outcomes.values())
    return tuple(cell for cell, outcome in outcomes.items() if _preference(*outcome) == best)


@cache
def blunders(board: Board) -> tuple[int, ...]:
    outcomes = move_outcomes(board)
    best = max(value for value, _ in outcomes.values())
    return tuple(cell for cell, (value, _) in outcomes.items() if value < best)


def ai_move(board: Board, mistake_rate: float, rng: random.Random) -> int:
    """The AI's move: a best move, or (with ``mistake_rate``, where one exists) a blunder."""
    mistakes = blunders(board)
    if mistakes and mistake_rate > 0 and rng.random() < mistake_rate:
        return rng.choice(mistakes)
    return rng.choice(best_moves(board))


def reference_move(board: Board, rng: random.Random) -> int:
    """The reference player's move: uniformly random among the optimal ones."""
    return rng.choice(optimal_moves(board))


def reachable_positions() -> set[Board]:
    """Every position reachable from the empty board with the player moving first (5,478)."""
    seen = {START}
    frontier = [START]
    while frontier:
        board = frontier.pop()
        for cell in legal_moves(board):
            child = play(board, cell)
            if child not in seen:
                seen.add(child)
                frontier.append(child)
    return seen


def reference_win_rate(mistake_rate: float) -> float:
    """The exact probability that the reference player beats an AI with this mistake rate."""

    @cache
    def win_probability(board: Board) -> float:
        found = winner(board)
        if found != EMPTY:
            return 1.0 if found == FIRST else 0.0
        if EMPTY not in board:
            return 0.0
        if to_move(board) == FIRST:
            moves = optimal_moves(board)
            return sum(win_probability(play(board, cell)) for cell in moves) / len(moves)
        best = best_moves(board)
        careful = sum(win_probability(play(board, cell)) for cell in best) / len(best)
        mistakes = blunders(board)
        if not mistakes:
            return careful
        careless = sum(win_probability(play(board, cell)) for cell in mistakes) / len(mistakes)
        return mistake_rate * careless + (1 - mistake_rate) * careful

    return win_probability(START)


def calibrate(target_win_rate: float, tolerance: float = 1e-7) -> float:
    """The mistake rate at which the reference player wins ``target_win_rate`` of games (bisection:
    the win rate only grows with the mistake rate)."""
    low, high = 0.0, 1.0
    if target_win_rate <= reference_win_rate(low):
        return low
    while high - low > tolerance:
        middle = (low + high) / 2
        if reference_win_rate(middle) < target_win_rate:
            low = middle
        else:
            high = middle
    return (low + high) / 2


Policy = Callable[[Board, random.Random], int]


def play_out(player: Policy, mistake_rate: float, rng: random.Random, board: Board = START) -> int:
    """Play a game to its end (the player's policy against a tier); returns the winner or EMPTY."""
    while not is_over(board):
        cell = player(board, rng) if to_move(board) == FIRST else ai_move(board, mistake_rate, rng)
        board = play(board, cell)
    return winner(board)
