"""What a finished match pays, and streaks (the tables are in data/rewards.json).

Match rewards: the outcome's base (win 150 essence, 30 of the symbol's currency, 100 resonance;
draw 60/10/40; loss 20/0/15; an abandoned match nothing), times the tier's multiplier (0.5x to
2.0x, the spec's table), rounded down. The symbol's currency is Starlight Orbs for O and Shadow
Shards for X, the currencies of the Orbis and Crucia skill trees. Bonuses are added unmultiplied:
a swift victory +25 essence, a fork victory +1 void fragment, a perfect win against Grid Walker or
stronger +1 alignment crystal, any win over Force Adept or stronger +2 void fragments, a draw
against The Eternal +1 primordial spark.

Streaks. A win extends the win streak; a draw leaves it as it is (draws are the expected result
against the strongest tiers, and should not punish playing them); a loss or an abandoned match
ends it, unless the player holds streak protection, which absorbs that one loss and is used up.
Protection is earned every 10 consecutive wins (one held at a time). A draw extends the draw
streak; a win or a loss ends it. Milestones pay once per streak: 3 wins 1 void fragment, 5 wins
3 ("5-Win Streak Bonus"), 10 wins 5 and an alignment crystal, then every 5 more wins 3 void
fragments; 3 draws in a row 1 alignment crystal. ``next_streak_reward`` is the next win
milestone above the current streak.
"""

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from cosmic_ttt.catalogue import RESONANCE, rewards, tier_at_least, tiers


def add_to(total: dict[str, int], amounts: dict[str, int]) -> dict[str, int]:
    for name, amount in amounts.items():
        total[name] = total.get(name, 0) + amount
    return total


def match_rewards(
    outcome: str, tier: str, symbol: str, flags: dict[str, bool], abandoned: bool = False
) -> dict[str, int]:
    """Currencies and ``cosmic_resonance`` a match pays (before caps)."""
    table = rewards()
    base = table.base["abandoned" if abandoned else outcome]
    multiplier = tiers()[tier].reward_multiplier

    def scaled(amount: int) -> int:
        return int((Decimal(amount) * multiplier).to_integral_value(rounding=ROUND_DOWN))

    paid = {
        "cosmic_essence": scaled(base["cosmic_essence"]),
        table.symbol_currency[symbol]: scaled(base["symbol_currency"]),
        RESONANCE: scaled(base["cosmic_resonance"]),
    }
    if not abandoned:
        for bonus in table.bonuses:
            if bonus.outcome != outcome or not tier_at_least(tier, bonus.min_tier):
                continue
            if bonus.flag is not None and not flags.get(bonus.flag):
                continue
            add_to(paid, bonus.rewards)
    return {name: amount for name, amount in paid.items() if amount > 0}


@dataclass
class StreakUpdate:
    fields: dict[str, Any]  # the PROGRESS fields to set
    rewards: dict[str, int] = field(default_factory=dict)
    earned: list[dict[str, Any]] = field(default_factory=list)  # milestones reached: description, reward
    protection_used: bool = False


def _win_milestone(streak: int) -> tuple[str, dict[str, int]] | None:
    table = rewards()
    for milestone in table.win_milestones:
        if milestone.count == streak:
            return milestone.description, milestone.reward
    last = table.win_milestones[-1].count
    if streak > last and (streak - last) % table.repeat_every == 0:
        return table.repeat_description, table.repeat_reward
    return None


def update_streaks(progress: dict[str, Any], outcome: str) -> StreakUpdate:
    """The streak fields after a finished match (``loss`` also for an abandoned one)."""
    table = rewards()
    wins, draws = progress["current_win_streak"], progress["current_draw_streak"]
    protected = bool(progress["streak_protected"])
    update = StreakUpdate(fields={})
    if outcome == "win":
        wins, draws = wins + 1, 0
        reached = _win_milestone(wins)
        if reached:
            update.earned.append({"description": reached[0], "reward": reached[1]})
            add_to(update.rewards, reached[1])
        if wins % table.protection_every == 0:
            protected = True
    elif outcome == "draw":
        draws += 1
        for milestone in table.draw_milestones:
            if milestone.count == draws:
                update.earned.append({"description": milestone.description, "reward": milestone.reward})
                add_to(update.rewards, milestone.reward)
    elif protected and wins > 0:
        protected, draws = False, 0
        update.protection_used = True
    else:
        wins, draws = 0, 0
    update.fields = {
        "current_win_streak": wins,
        "best_win_streak": max(progress["best_win_streak"], wins),
        "current_draw_streak": draws,
        "best_draw_streak": max(progress["best_draw_streak"], draws),
        "streak_protected": protected,
        "last_match_outcome": outcome,
    }
    return update


def next_streak_reward(current_win_streak: int) -> dict[str, Any]:
    streak = current_win_streak + 1
    while (reached := _win_milestone(streak)) is None:
        streak += 1
    description, reward = reached
    return {"wins_needed": streak - current_win_streak, "reward": {**reward, "description": description}}


def streak_view(player_id: str, progress: dict[str, Any]) -> dict[str, Any]:
    return {
        "player_id": player_id,
        "current_win_streak": progress["current_win_streak"],
        "best_win_streak": progress["best_win_streak"],
        "streak_protected": bool(progress["streak_protected"]),
        "current_draw_streak": progress["current_draw_streak"],
        "best_draw_streak": progress["best_draw_streak"],
        "last_match_outcome": progress["last_match_outcome"],
        "next_streak_reward": next_streak_reward(progress["current_win_streak"]),
    }
