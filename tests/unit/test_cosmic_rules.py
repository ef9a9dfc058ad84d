"""The Cosmic rules the spec leaves open, as pure functions (no AWS): move metadata, outcome
flags, rewards, streaks, levels, caps, conversion, trade tax, the daily shop and challenges, the
password policy and the error envelope."""

from datetime import date

import pytest

from cosmic_ttt.errors import COSMIC_STYLE
from cosmic_ttt.logic import accounts, challenges, economy, engine, moves, progression, rewards, shop, trading
from shared.errors import InvalidInput, RateLimited


def played(cells: list[int]) -> list[dict]:
    """Moves as the match stores them, the player (O) first."""
    board, history = engine.START, []
    for turn, cell in enumerate(cells, 1):
        mover_is_player = turn % 2 == 1
        history.append(moves.describe(board, cell, turn, "o" if mover_is_player else "x", mover_is_player))
        board = engine.play(board, cell)
    return history


def test_the_specs_move_examples_centre_opening_and_corner_reply():
    opening, reply = played([4, 0])
    assert (opening["cell_value"], opening["move_type"], opening["impact_score"]) == (3, "opening", 3.0)
    assert (reply["cell_value"], reply["move_type"], reply["impact_score"]) == (2, "normal", 2.0)


def test_move_types_winning_fork_block_threat():
    # O centre, X edge (a blunder), O corner makes a threat, X blocks, O forks, X blocks one, O wins
    history = played([4, 1, 0, 8, 6, 3, 2])
    assert [m["move_type"] for m in history] == ["opening", "normal", "threat", "block", "fork", "block", "winning"]
    assert history[-1]["impact_score"] == 2 + 5.0


def test_outcome_flags_of_a_fork_win_in_seven_moves():
    history = played([4, 1, 0, 8, 6, 3, 2])
    assert moves.outcome_of(moves.replay(history)) == "win"
    flags = moves.outcome_flags(history, "win")
    assert flags == {
        "was_swift_victory": False,
        "was_fork_victory": True,
        "was_comeback": False,
        "was_perfect_game": True,
    }


def test_a_swift_victory_is_five_moves_and_a_comeback_follows_a_lost_position():
    swift = played([0, 3, 1, 4, 2])
    assert moves.outcome_flags(swift, "win")["was_swift_victory"] is True
    # O corner, X edge, O the other top corner: X now wins by force, but blunders it back
    comeback = played([0, 1, 2, 3, 6, 5, 4])
    assert moves.outcome_of(moves.replay(comeback)) == "win"
    flags = moves.outcome_flags(comeback, "win")
    assert flags["was_comeback"] is True
    assert flags["was_perfect_game"] is False


@pytest.mark.parametrize(
    ("tier", "expected"),
    [
        ("void_novice", {"cosmic_essence": 75, "starlight_orbs": 15, "cosmic_resonance": 50}),
        ("echoing_acolyte", {"cosmic_essence": 112, "starlight_orbs": 22, "cosmic_resonance": 75}),
        ("grid_walker", {"cosmic_essence": 150, "starlight_orbs": 30, "cosmic_resonance": 100}),
    ],
)
def test_a_plain_win_pays_the_base_times_the_tier_rounded_down(tier, expected):
    assert rewards.match_rewards("win", tier, "o", {}) == expected


def test_bonuses_are_added_unmultiplied_and_x_earns_shadow_shards():
    flags = {"was_swift_victory": True, "was_perfect_game": True}
    paid = rewards.match_rewards("win", "force_adept", "x", flags)
    assert paid == {
        "cosmic_essence": 225 + 25,
        "shadow_shards": 45,
        "cosmic_resonance": 150,
        "alignment_crystals": 1,
        "void_fragments": 2,
    }
    assert rewards.match_rewards("draw", "the_eternal", "o", {})["primordial_sparks"] == 1
    assert rewards.match_rewards("loss", "grid_walker", "o", {}, abandoned=True) == {}


def fresh_progress(**fields) -> dict:
    base = {name: 0 for name in ("current_win_streak", "best_win_streak", "current_draw_streak", "best_draw_streak")}
    return {**base, "streak_protected": False, "last_match_outcome": None, **fields}


def test_win_streak_milestones_protection_and_draws():
    progress = fresh_progress(current_win_streak=4, best_win_streak=4)
    fifth = rewards.update_streaks(progress, "win")
    assert fifth.fields["current_win_streak"] == 5
    assert fifth.rewards == {"void_fragments": 3}
    assert fifth.earned[0]["description"] == "5-Win Streak Bonus"

    tenth = rewards.update_streaks(fresh_progress(current_win_streak=9, best_win_streak=9), "win")
    assert tenth.fields["streak_protected"] is True
    protected = rewards.update_streaks({**fresh_progress(), **tenth.fields}, "loss")
    assert protected.protection_used and protected.fields["current_win_streak"] == 10
    assert protected.fields["streak_protected"] is False
    broken = rewards.update_streaks({**fresh_progress(), **protected.fields}, "loss")
    assert broken.fields["current_win_streak"] == 0

    draw = rewards.update_streaks(fresh_progress(current_win_streak=3, current_draw_streak=2), "draw")
    assert draw.fields["current_win_streak"] == 3
    assert draw.fields["current_draw_streak"] == 3
    assert draw.rewards == {"alignment_crystals": 1}


def test_next_streak_reward_names_the_next_milestone():
    assert rewards.next_streak_reward(0) == {
        "wins_needed": 3,
        "reward": {"void_fragments": 1, "description": "3-Win Streak Bonus"},
    }
    assert rewards.next_streak_reward(3)["wins_needed"] == 2
    assert rewards.next_streak_reward(10)["wins_needed"] == 5


def test_level_curve_and_unlocks():
    assert progression.level_for(0) == 1
    assert progression.level_for(59) == 1
    assert progression.level_for(60) == 2
    assert progression.resonance_for_level(45) == 12_100
    assert progression.level_for(12_100) == 45
    assert progression.resonance_to_next(12_100) == 500
    assert progression.level_for(10**9) == 100
    assert progression.resonance_to_next(10**9) == 0
    assert progression.unlocks(45, 49) == {
        "skill_tree": True,
        "grid_walker_ai": True,
        "force_adept_ai": True,
        "the_eternal_ai": False,
        "trading": False,
    }
    assert progression.unlocks_between(44, 45) == [
        {"type": "ai_tier", "value": "force_adept", "name": "Force Adept AI"}
    ]


def test_rewards_meeting_a_cap_are_clipped_and_the_rest_recorded():
    credited, clipped = economy.clip(
        {"void_fragments": 10, "cosmic_essence": 500, "primordial_sparks": 3},
        {"void_fragments": 195, "primordial_sparks": 10},
    )
    assert credited == {"void_fragments": 5, "cosmic_essence": 500}
    assert clipped == {"void_fragments": 5, "primordial_sparks": 3}
    postings = economy.reward_postings("p1", credited, clipped)
    assert sum(p.amount for p in postings if p.account.endswith(":void_fragments")) == 0
    assert {p.account: p.amount for p in postings if "void" in p.account} == {
        "system:external:void_fragments": -10,
        "user:p1:void_fragments": 5,
        "system:cap_overflow:void_fragments": 5,
    }


def test_wallet_warnings_start_at_eighty_percent_of_a_cap():
    view = economy.wallet_view("p1", {"void_fragments": 160, "alignment_crystals": 39, "primordial_sparks": 10}, None)
    assert view["warnings"] == [
        {"currency": "void_fragments", "current": 160, "cap": 200, "at_capacity_percent": 80.0},
        {"currency": "primordial_sparks", "current": 10, "cap": 10, "at_capacity_percent": 100.0},
    ]


def test_conversion_charges_only_what_converts_and_refuses_nothing():
    assert economy.conversion_plan("cosmic_essence", "starlight_orbs", 500) == (500, 10, "50:1")
    assert economy.conversion_plan("cosmic_essence", "shadow_shards", 520) == (500, 10, "50:1")
    assert economy.conversion_plan("starlight_orbs", "cosmic_essence", 3) == (3, 75, "1:25")
    with pytest.raises(InvalidInput) as refused:
        economy.conversion_plan("cosmic_essence", "starlight_orbs", 49)
    assert refused.value.code == "INVALID_AMOUNT"
    with pytest.raises(InvalidInput) as unsupported:
        economy.conversion_plan("void_fragments", "cosmic_essence", 10)
    assert unsupported.value.code == "INVALID_CONVERSION"


def test_trade_tax_is_ten_percent_rounded_up():
    assert [trading.tax_on(amount) for amount in (5, 9, 10, 11, 45, 50)] == [1, 1, 1, 2, 5, 5]


def test_the_daily_shop_is_deterministic_per_date_with_one_limited_and_two_featured_slots():
    day = date(2025, 1, 1)
    first, again = shop.rotation(day), shop.rotation(day)
    assert first == again
    assert len(first) == 6
    assert sum(slot.stock is not None for slot in first) == 1
    featured = [slot for slot in first if slot.is_featured]
    assert [slot.slot_number for slot in featured] == [1, 2]
    for slot in featured:
        for currency, amount in slot.item.price.items():
            assert slot.sale_price[currency] == max(amount * (100 - slot.discount_percent) // 100, 1)
    others = {tuple(s.item.item_code for s in shop.rotation(date(2025, 1, n))) for n in range(2, 9)}
    assert len(others) > 1  # it rotates


def test_daily_challenges_are_deterministic_and_count_matching_matches():
    day = date(2025, 1, 1)
    assert challenges.for_date(day) == challenges.for_date(day)
    assert len(challenges.for_date(day)) == 3
    chosen = challenges.for_date(day)[0]
    match = {
        "status": "completed",
        "outcome": chosen.outcomes[0],
        "symbol_played": chosen.symbol or "o",
        "ai_tier": "the_eternal",
        **{flag: True for flag in ("was_swift_victory", "was_fork_victory", "was_comeback", "was_perfect_game")},
    }
    state = {"progress": {chosen.challenge_id: chosen.target - 1}, "completed": []}
    update = challenges.apply_match(day, state, match)
    assert chosen.challenge_id in update.completed
    assert update.progress[chosen.challenge_id] == chosen.target
    assert any(e["challenge"]["challenge_id"] == chosen.challenge_id for e in update.events)
    for currency, amount in chosen.reward.items():
        assert update.rewards[currency] >= amount
    again = challenges.apply_match(day, {"progress": update.progress, "completed": update.completed}, match)
    assert chosen.challenge_id not in again.rewards and not any(
        e["challenge"]["challenge_id"] == chosen.challenge_id for e in again.events
    )


@pytest.mark.parametrize(
    ("password", "broken"),
    [
        ("short1!", "between 10 and 128 characters"),
        ("onlyletterslong", "at least one letter and at least one digit or symbol"),
        ("1234567890123", "at least one letter and at least one digit or symbol"),
        ("CosmicPlayer99!", "must not contain your username or email"),
        ("password123", "must not be a common password"),
    ],
)
def test_the_password_policy_names_what_is_wrong(password, broken):
    with pytest.raises(InvalidInput) as weak:
        accounts.check_password(password, "CosmicPlayer", "player@example.com")
    assert weak.value.code == "WEAK_PASSWORD"
    assert broken in weak.value.details["rules"]


def test_the_specs_example_password_passes():
    accounts.check_password("SecurePassword123!", "CosmicPlayer", "player@example.com")


def test_errors_render_in_the_specs_envelope_and_429_carries_retry_after():
    status, body = COSMIC_STYLE.body(InvalidInput("Row/col out of bounds", code="INVALID_CELL"), "req_1")
    assert status == 400
    assert body["error"] == {"code": "INVALID_CELL", "message": "Row/col out of bounds", "details": {}}
    assert body["request_id"] == "req_1" and body["timestamp"].endswith("Z")
    limited = RateLimited("Too many requests", {"limit": 10, "remaining": 0, "resetAt": 1, "retryAfter": 15})
    status, body = COSMIC_STYLE.body(limited, "req_2")
    assert status == 429
    assert body["error"]["code"] == "RATE_LIMITED"
    assert body["error"]["retry_after"] == 15
    assert body["error"]["details"] == {"limit": 10, "remaining": 0, "reset_at": 1, "retry_after": 15}
