"""Daily challenges (data/challenges.json): what gives the ``challenge_progress`` event its meaning.

Decisions: each UTC date has ``per_day`` (3) challenges drawn from the pool with a generator seeded
by sha256("challenges:<date>"): the same for every player and every instance, known in advance,
and no schedule is needed to rotate them. A finished (not abandoned) match counts toward a
challenge when it meets all its conditions (outcome, symbol, minimum tier, outcome flag). The
match counts on the UTC date it ended. Reaching the target pays the challenge's reward in the same
ledger transaction as the match's own rewards; ``GET /v1/challenges/daily`` shows the day's
challenges with the caller's progress.
"""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from cosmic_ttt.catalogue import Challenge, challenges, tier_at_least
from cosmic_ttt.logic.rewards import add_to


def for_date(day: date) -> list[Challenge]:
    rules = challenges()
    seed = int.from_bytes(hashlib.sha256(f"challenges:{day.isoformat()}".encode()).digest()[:8], "big")
    return random.Random(seed).sample(list(rules.pool), k=min(rules.per_day, len(rules.pool)))  # noqa: S311 - not security


def counts(challenge: Challenge, match: dict[str, Any]) -> bool:
    if match["status"] != "completed" or match["outcome"] not in challenge.outcomes:
        return False
    if challenge.symbol is not None and match["symbol_played"] != challenge.symbol:
        return False
    if not tier_at_least(match["ai_tier"], challenge.min_tier):
        return False
    return challenge.flag is None or bool(match.get(challenge.flag))


@dataclass
class ChallengeUpdate:
    progress: dict[str, int]
    completed: list[str]
    rewards: dict[str, int] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)  # challenge_progress events
    changed: bool = False


def apply_match(day: date, state: dict[str, Any], match: dict[str, Any]) -> ChallengeUpdate:
    update = ChallengeUpdate(dict(state["progress"]), list(state["completed"]))
    for challenge in for_date(day):
        if challenge.challenge_id in update.completed or not counts(challenge, match):
            continue
        done = min(update.progress.get(challenge.challenge_id, 0) + 1, challenge.target)
        update.progress[challenge.challenge_id] = done
        update.changed = True
        update.events.append(
            {
                "type": "challenge_progress",
                "challenge": {
                    "challenge_id": challenge.challenge_id,
                    "name": challenge.name,
                    "progress": done,
                    "target": challenge.target,
                },
            }
        )
        if done >= challenge.target:
            update.completed.append(challenge.challenge_id)
            add_to(update.rewards, challenge.reward)
    return update


def daily_view(day: date, state: dict[str, Any]) -> dict[str, Any]:
    resets = datetime.combine(day + timedelta(days=1), time.min).isoformat() + "Z"
    return {
        "date": day.isoformat(),
        "resets_at": resets,
        "challenges": [
            {
                "challenge_id": challenge.challenge_id,
                "name": challenge.name,
                "progress": state["progress"].get(challenge.challenge_id, 0),
                "target": challenge.target,
                "completed": challenge.challenge_id in state["completed"],
                "reward": challenge.reward,
            }
            for challenge in for_date(day)
        ],
    }
