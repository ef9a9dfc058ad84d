"""Matches through HTTP: full games against every tier with both symbols, the move errors in
their order, one match at a time, abandonment, the history and streaks."""

from datetime import UTC, datetime, timedelta

import pytest

from cosmic_ttt.logic import engine
from shared import aws
from shared.dynamo import to_value
from tests.support.cosmic import engine_board

TIERS = ["void_novice", "echoing_acolyte", "grid_walker", "force_adept", "the_eternal"]


@pytest.fixture(scope="module")
def veteran(cosmic):
    return cosmic.veteran()


@pytest.mark.parametrize("symbol", ["o", "x"])
@pytest.mark.parametrize("tier", TIERS)
def test_a_whole_game_against_each_tier_with_each_symbol(cosmic, cosmic_client, veteran, tier, symbol):
    # Given a player who plays perfectly, at random among the best moves
    final = cosmic.play(veteran, tier, symbol, seed=hash((tier, symbol)) % 1000)

    # Then the game ends, never lost, paid through the ledger, and the match tells the story
    assert final["status"] == "completed" and final["current_turn"] is None
    assert final["outcome"] in ("win", "draw")
    if tier == "the_eternal":
        assert final["outcome"] == "draw"
    assert final["rewards"]["cosmic_essence"] > 0
    symbol_currency = "starlight_orbs" if symbol == "o" else "shadow_shards"
    assert final["rewards"][symbol_currency] > 0
    match = cosmic_client.get(f"/v1/matches/{final['match_id']}", headers=veteran.headers).json()
    assert match["outcome"] == final["outcome"]
    assert match["was_perfect_game"] is True
    assert (
        match["total_moves"] == len(match["moves"]) == sum(cell is not None for row in match["board"] for cell in row)
    )
    assert all(move["symbol"] == symbol for move in match["moves"] if move["is_player_move"])
    assert all(move["symbol"] != symbol for move in match["moves"] if not move["is_player_move"])
    assert match["impact_score_total"] == pytest.approx(
        sum(move["impact_score"] for move in match["moves"] if move["is_player_move"])
    )


def test_the_move_answer_has_the_specs_shape_and_the_ai_replies_in_it(cosmic, cosmic_client):
    player = cosmic.register()
    match = cosmic.start(player, "void_novice", "o")

    response = cosmic.move(player, match["match_id"], 1, 1)

    assert response.status_code == 200
    body = response.json()
    assert body["move"] == {
        "turn_number": 1,
        "row": 1,
        "col": 1,
        "symbol": "o",
        "is_player_move": True,
        "cell_value": 3,
        "move_type": "opening",
        "impact_score": 3.0,
    }
    assert body["board"] == [[None, None, None], [None, "o", None], [None, None, None]]
    reply = body["ai_response"]
    assert reply["turn_number"] == 2 and reply["symbol"] == "x" and not reply["is_player_move"]
    assert body["board_after_ai"][reply["row"]][reply["col"]] == "x"
    assert (body["current_turn"], body["status"]) == ("player", "in_progress")


def test_move_errors_come_in_their_documented_order(cosmic, cosmic_client):
    player, stranger = cosmic.register(), cosmic.register()
    match = cosmic.start(player)
    first = cosmic.move(player, match["match_id"], 1, 1).json()
    taken = first["ai_response"]

    def error(who, match_id, row, col):
        response = cosmic.move(who, match_id, row, col)
        return response.status_code, response.json()["error"]["code"]

    assert error(player, match["match_id"], 3, 0) == (400, "INVALID_CELL")
    assert error(player, "no-such-match", 3, 0) == (400, "INVALID_CELL")
    assert error(player, "no-such-match", 0, 0) == (404, "MATCH_NOT_FOUND")
    assert error(stranger, match["match_id"], 0, 0) == (404, "MATCH_NOT_FOUND")
    assert error(player, match["match_id"], 1, 1) == (400, "CELL_OCCUPIED")
    assert error(player, match["match_id"], taken["row"], taken["col"]) == (400, "CELL_OCCUPIED")
    bad_type = cosmic_client.post(
        f"/v1/matches/{match['match_id']}/moves", json={"row": "1", "col": 0}, headers=player.headers
    )
    assert (bad_type.status_code, bad_type.json()["error"]["code"]) == (400, "VALIDATION_ERROR")


def test_a_finished_match_is_410_match_ended(cosmic, veteran):
    final = cosmic.play(veteran, "void_novice", "o", seed=11)
    board = engine_board(final["board_after_ai"], "o")
    free = next((cell for cell in range(9) if board[cell] == engine.EMPTY), 0)

    response = cosmic.move(veteran, final["match_id"], free // 3, free % 3)

    assert response.status_code == 410
    assert response.json()["error"]["code"] == "MATCH_ENDED"


def test_one_match_at_a_time_and_active_answers_204_when_there_is_none(cosmic, cosmic_client):
    player = cosmic.register()
    assert cosmic_client.get("/v1/matches/active", headers=player.headers).status_code == 204

    match = cosmic.start(player)
    second = cosmic_client.post(
        "/v1/matches",
        json={"opponent_type": "ai", "ai_tier": "void_novice", "symbol_choice": "x"},
        headers=player.headers,
    )
    active = cosmic_client.get("/v1/matches/active", headers=player.headers)

    assert second.status_code == 409
    assert second.json()["error"]["code"] == "MATCH_IN_PROGRESS"
    assert second.json()["error"]["details"]["match_id"] == match["match_id"]
    assert active.status_code == 200
    assert active.json()["match"]["match_id"] == match["match_id"]
    assert active.json()["match"]["board"] == [[None] * 3] * 3


def test_a_tier_above_the_players_level_is_403(cosmic, cosmic_client):
    player = cosmic.register()

    response = cosmic_client.post(
        "/v1/matches",
        json={"opponent_type": "ai", "ai_tier": "the_eternal", "symbol_choice": "o"},
        headers=player.headers,
    )

    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "AI_TIER_LOCKED"
    assert error["details"] == {"ai_tier": "the_eternal", "required_level": 60, "current_level": 1}


def age_match(runtime, match_id: str, minutes: int) -> None:
    """Pretend the last move was played ``minutes`` ago."""
    stamp = (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat(timespec="seconds").replace("+00:00", "Z")
    aws.dynamodb().update_item(
        TableName=runtime.physical_id("CosmicTable"),
        Key={"pk": {"S": f"MATCH#{match_id}"}, "sk": {"S": "MATCH"}},
        UpdateExpression="SET last_move_at = :stamp",
        ExpressionAttributeValues={":stamp": to_value(stamp)},
    )


def test_an_abandoned_match_ends_as_a_loss_that_pays_nothing_and_frees_the_slot(runtime, cosmic, cosmic_client):
    player = cosmic.register()
    match = cosmic.start(player)
    cosmic.move(player, match["match_id"], 1, 1)
    age_match(runtime, match["match_id"], minutes=11)

    active = cosmic_client.get("/v1/matches/active", headers=player.headers)
    ended = cosmic_client.get(f"/v1/matches/{match['match_id']}", headers=player.headers).json()
    late_move = cosmic.move(player, match["match_id"], 0, 0)
    again = cosmic.start(player)

    assert active.status_code == 204
    assert (ended["status"], ended["outcome"]) == ("abandoned", "loss")
    assert all(amount == 0 for amount in ended["rewards"].values())
    assert late_move.status_code == 410
    assert again["match_id"] != match["match_id"]
    progress = cosmic.progress(player)
    assert (progress["total_matches"], progress["total_losses"]) == (1, 1)


def test_starting_over_an_abandoned_match_settles_it_first(runtime, cosmic):
    player = cosmic.register()
    stale = cosmic.start(player)
    age_match(runtime, stale["match_id"], minutes=30)

    fresh = cosmic.start(player)

    assert fresh["match_id"] != stale["match_id"]
    assert cosmic.progress(player)["total_losses"] == 1


def test_history_filters_and_paginates_newest_first(cosmic, cosmic_client):
    player = cosmic.veteran()
    played = [cosmic.play(player, "void_novice", symbol, seed=n) for n, symbol in enumerate("oxoxo")]

    everything = cosmic_client.get("/v1/matches/history", headers=player.headers).json()
    as_x = cosmic_client.get("/v1/matches/history", params={"symbol": "x"}, headers=player.headers).json()
    page = cosmic_client.get("/v1/matches/history", params={"limit": 2, "offset": 2}, headers=player.headers).json()
    bad = cosmic_client.get("/v1/matches/history", params={"limit": 101}, headers=player.headers)

    assert everything["pagination"] == {"total": 5, "limit": 20, "offset": 0, "has_more": False}
    assert [m["match_id"] for m in everything["matches"]] == [m["match_id"] for m in reversed(played)]
    assert as_x["pagination"]["total"] == 2 and {m["symbol_played"] for m in as_x["matches"]} == {"x"}
    assert page["pagination"] == {"total": 5, "limit": 2, "offset": 2, "has_more": True}
    assert [m["match_id"] for m in page["matches"]] == [m["match_id"] for m in everything["matches"][2:4]]
    assert bad.status_code == 400


def test_a_streak_is_public_and_counts_wins(cosmic, cosmic_client):
    player, friend = cosmic.veteran(), cosmic.register()
    outcomes = [cosmic.play(player, "void_novice", "o", seed=n)["outcome"] for n in range(3)]

    streak = cosmic_client.get(f"/v1/players/{player.player_id}/streak", headers=friend.headers)
    unknown = cosmic_client.get("/v1/players/nobody/streak", headers=friend.headers)

    assert streak.status_code == 200
    body = streak.json()
    expected = 0
    for outcome in outcomes:
        expected = expected + 1 if outcome == "win" else expected
    assert body["current_win_streak"] == expected
    assert body["next_streak_reward"]["wins_needed"] >= 1
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "PLAYER_NOT_FOUND")


def test_a_move_retried_with_its_idempotency_key_answers_the_same(cosmic, cosmic_client):
    player = cosmic.register()
    match = cosmic.start(player)
    headers = {**player.headers, "Idempotency-Key": "move-1"}
    url = f"/v1/matches/{match['match_id']}/moves"

    first = cosmic_client.post(url, json={"row": 1, "col": 1}, headers=headers)
    again = cosmic_client.post(url, json={"row": 1, "col": 1}, headers=headers)

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
