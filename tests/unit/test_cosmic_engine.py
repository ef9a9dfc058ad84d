"""The game AI: the positions it knows, the proof that The Eternal never loses, and the tiers'
calibration against the reference player (``cosmic_ttt.logic.engine``)."""

import random

import pytest

from cosmic_ttt.catalogue import tiers
from cosmic_ttt.logic import engine
from cosmic_ttt.logic.engine import EMPTY, FIRST, SECOND, START


def test_every_reachable_position_is_solved_and_the_game_is_a_draw():
    positions = engine.reachable_positions()

    assert len(positions) == 5478
    assert engine.solve(START) == (engine.DRAW, 9)


def every_line_against_the_eternal(board=START):
    """Every game a player can play against The Eternal: each player move, each move the AI might
    choose (it picks at random among its best moves). Yields the final boards."""
    if engine.is_over(board):
        yield board
        return
    # the player may play anything; with mistake_rate 0 the AI only ever plays its best moves
    player_to_move = engine.to_move(board) == FIRST
    for cell in engine.legal_moves(board) if player_to_move else engine.best_moves(board):
        yield from every_line_against_the_eternal(engine.play(board, cell))


def test_the_eternal_never_loses_whatever_the_player_plays():
    assert tiers()["the_eternal"].mistake_rate == 0
    endings = list(every_line_against_the_eternal())

    assert len(endings) > 1000
    assert all(engine.winner(board) != FIRST for board in endings)
    assert any(engine.winner(board) == SECOND for board in endings)  # it punishes mistakes
    assert any(engine.winner(board) == EMPTY for board in endings)  # and holds the draw otherwise


def test_the_eternal_takes_a_win_at_once_and_blocks_a_threat():
    # Given the AI (SECOND) can complete the top row
    board = (SECOND, SECOND, EMPTY, FIRST, FIRST, EMPTY, FIRST, EMPTY, EMPTY)
    assert engine.ai_move(board, 0.0, random.Random(1)) == 2
    # Given the player threatens the middle row and the AI cannot win at once
    board = (SECOND, EMPTY, EMPTY, FIRST, FIRST, EMPTY, EMPTY, EMPTY, EMPTY)
    assert engine.ai_move(board, 0.0, random.Random(1)) == 5


def test_a_blunder_lowers_the_game_value_and_optimal_moves_keep_it():
    board = engine.play(START, 0)  # the player took a corner: only the centre holds the draw
    assert engine.optimal_moves(board) == (4,)
    assert 4 not in engine.blunders(board)
    assert set(engine.blunders(board)) == {1, 2, 3, 5, 6, 7, 8}


@pytest.mark.parametrize("tier", ["void_novice", "echoing_acolyte", "grid_walker", "force_adept", "the_eternal"])
def test_each_tier_is_calibrated_so_the_reference_player_wins_the_specs_share(tier):
    rules = tiers()[tier]

    exact = engine.reference_win_rate(rules.mistake_rate)

    assert exact == pytest.approx(rules.target_win_rate, abs=0.001)


def test_simulated_games_agree_with_the_exact_rate():
    rng = random.Random(7)
    rules = tiers()["grid_walker"]
    wins = sum(engine.play_out(engine.reference_move, rules.mistake_rate, rng) == FIRST for _ in range(4000))
    assert wins / 4000 == pytest.approx(rules.target_win_rate, abs=0.03)


def test_the_reference_player_never_loses():
    rng = random.Random(3)
    for rate in (0.0, 0.5, 1.0):
        for _ in range(300):
            assert engine.play_out(engine.reference_move, rate, rng) != SECOND
