"""Levels, unlocks and the metrics achievements count (rules in data/progression.json).

Decisions the spec leaves open:

* ``cosmic_resonance`` is the player's total experience (it never goes down); the level follows
  from it on the curve of ``progression.json``: going from level L to L + 1 takes 50 + 10 * L
  resonance (60 from level 1 to 2, 500 from 45 to 46), up to level 100. ``cosmic_resonance_to_next`` is
  what is still missing to the next level (0 at the top).
* Unlocks: the skill tree at level 3; AI tiers by level (Void Novice and Echoing Acolyte from the
  start, Grid Walker at 5, Force Adept at 45 as the spec's ``level_up`` example shows, The Eternal
  at 60); trading after 50 finished matches (``economy.json``).
* ``prestige_level`` is always 0: prestige is not part of this version.
* Which screens are public: a player's progress, streak and loadout can be read by any signed-in
  player (a profile others see); wallet, transactions, inventory, skills and achievements only
  by their owner (403 for anyone else).
"""

from dataclasses import dataclass
from typing import Any

from cosmic_ttt.catalogue import economy, progression

MASTERY_NODES = 12


def level_for(resonance: int) -> int:
    rules = progression()
    level, needed = 1, rules.level_base + rules.level_per_level
    remaining = resonance
    while level < rules.max_level and remaining >= needed:
        remaining -= needed
        level += 1
        needed = rules.level_base + rules.level_per_level * level
    return level


def resonance_for_level(level: int) -> int:
    """Total resonance at which ``level`` is reached."""
    rules = progression()
    return sum(rules.level_base + rules.level_per_level * step for step in range(1, level))


def resonance_to_next(resonance: int) -> int:
    level = level_for(resonance)
    if level >= progression().max_level:
        return 0
    return resonance_for_level(level + 1) - resonance


def unlocks(level: int, matches: int) -> dict[str, bool]:
    found = {unlock.unlock: level >= unlock.level for unlock in progression().unlocks}
    found["trading"] = matches >= economy().trading.matches_required
    return found


def tier_unlocked(tier: str, level: int) -> bool:
    return level >= progression().tier_unlock_level(tier)


def unlocks_between(old_level: int, new_level: int) -> list[dict[str, str]]:
    """What a level-up opens, for the ``level_up`` event."""
    return [
        {"type": unlock.type, "value": unlock.value, "name": unlock.name}
        for unlock in progression().unlocks
        if old_level < unlock.level <= new_level
    ]


def metrics(progress: dict[str, Any]) -> dict[str, int]:
    """What achievements measure, from the PROGRESS record."""
    return {
        "wins": progress["wins"],
        "matches": progress["matches"],
        "swift_victories": progress["swift_victories"],
        "fork_victories": progress["fork_victories"],
        "comeback_victories": progress["comeback_victories"],
        "perfect_games": progress["perfect_games"],
        "draws_vs_eternal": progress["draws_vs_eternal"],
        "best_win_streak": progress["best_win_streak"],
        "wins_as_o": progress["wins_as_o"],
        "wins_as_x": progress["wins_as_x"],
        "level": level_for(progress["cosmic_resonance"]),
        "skill_nodes": progress["skill_nodes"],
        "orbis_nodes": progress["orbis_nodes"],
        "crucia_nodes": progress["crucia_nodes"],
        "cosmetics_owned": progress["cosmetics_owned"],
        "trades_sent": progress["trades_sent"],
    }


@dataclass
class ProgressChange:
    """A change to the PROGRESS record: counters added, fields set, fields set if absent."""

    add: dict[str, int]
    set_values: dict[str, Any]
    set_if_absent: dict[str, Any]

    @classmethod
    def adding(cls, **counters: int) -> "ProgressChange":
        return cls(dict(counters), {}, {})

    def applied_to(self, progress: dict[str, Any]) -> dict[str, Any]:
        after = dict(progress)
        for name, amount in self.add.items():
            after[name] = after.get(name, 0) + amount
        after.update(self.set_values)
        for name, value in self.set_if_absent.items():
            if after.get(name) is None:
                after[name] = value
        return after


def progress_view(player_id: str, progress: dict[str, Any]) -> dict[str, Any]:
    level = level_for(progress["cosmic_resonance"])
    return {
        "player_id": player_id,
        "level": level,
        "cosmic_resonance": progress["cosmic_resonance"],
        "cosmic_resonance_to_next": resonance_to_next(progress["cosmic_resonance"]),
        "prestige_level": 0,
        "total_matches": progress["matches"],
        "total_wins": progress["wins"],
        "total_draws": progress["draws"],
        "total_losses": progress["losses"],
        "wins_as_o": progress["wins_as_o"],
        "wins_as_x": progress["wins_as_x"],
        "draws_vs_eternal": progress["draws_vs_eternal"],
        "perfect_games": progress["perfect_games"],
        "swift_victories": progress["swift_victories"],
        "fork_victories": progress["fork_victories"],
        "comeback_victories": progress["comeback_victories"],
        "first_match_date": progress["first_match_date"],
        "unlocks": unlocks(level, progress["matches"]),
    }
