"""Achievements (data/achievements.json) and what any change of a player's progress sets off.

Decisions the spec leaves open:

* An achievement measures one metric of the player's progress (wins, perfect games, level,
  cosmetics owned, trades sent...) against ``target_count``. Progress is read from the counters,
  not stored per achievement, so it is always exact; ``current_progress`` may pass the target (the
  spec's Century shows 140 of 100).
* Status: ``complete`` when the metric reaches the target; ``locked`` while the achievement named
  in ``requires`` is not complete (Century after Warrior after First Blood); otherwise
  ``in_progress``. The ``summary`` counts every achievement, whatever the filters.
* Completion is recorded (``unlocked_at``) in the same transaction as the change that completed
  it, and pushed as ``achievement_unlocked``. Rewards are claimed once
  (``POST .../achievements/{achieve_id}/claim``, the id or the code): currencies from the mint,
  clipped at caps like every reward, resonance into progress, and the achievement's title (a
  cosmetic of the ``title`` category) into the inventory, named in ``title_unlocked``.
* Claiming an incomplete achievement is 400 ``ACHIEVEMENT_NOT_COMPLETE``; a second claim 400
  ``ALREADY_CLAIMED``; an unknown id 404 ``ACHIEVEMENT_NOT_FOUND``.
"""

from dataclasses import dataclass, field
from typing import Any

from cosmic_ttt.catalogue import RESONANCE, Achievement, achievements, cosmetics
from cosmic_ttt.logic import economy, progression
from cosmic_ttt.logic.progression import ProgressChange
from cosmic_ttt.logic.rewards import add_to
from shared.errors import InvalidInput, NotFound
from shared.ledger import ExtraWrite


def status_of(achievement: Achievement, metrics: dict[str, int]) -> str:
    if metrics.get(achievement.metric, 0) >= achievement.target_count:
        return "complete"
    if achievement.requires is not None:
        required = achievements().by_code(achievement.requires)
        if metrics.get(required.metric, 0) < required.target_count:
            return "locked"
    return "in_progress"


def crossed(before: dict[str, int], after: dict[str, int]) -> list[Achievement]:
    return [
        achievement
        for achievement in achievements().achievements
        if before.get(achievement.metric, 0) < achievement.target_count <= after.get(achievement.metric, 0)
    ]


@dataclass
class Effects:
    """What a change of progress adds to its transaction, and the events it sets off."""

    after: dict[str, Any]
    writes: list[ExtraWrite] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


def effects(services: Any, player_id: str, before: dict[str, Any], change: ProgressChange, now: str) -> Effects:
    from cosmic_ttt.dal.players import plain  # the write's shape belongs to the data layer

    after = change.applied_to(before)
    result = Effects(after)
    result.writes.append(
        plain(services.players.progress_update(player_id, change.add, change.set_values, change.set_if_absent))
    )
    old, new = progression.metrics(before), progression.metrics(after)
    for achievement in crossed(old, new):
        result.writes.append(plain(services.players.achievement_unlocked(player_id, achievement.achieve_code, now)))
        result.events.append(
            {
                "type": "achievement_unlocked",
                "achievement": {
                    "achieve_code": achievement.achieve_code,
                    "name": achievement.name,
                    "description": achievement.description,
                },
            }
        )
    if new["level"] > old["level"]:
        result.events.append(
            {
                "type": "level_up",
                "old_level": old["level"],
                "new_level": new["level"],
                "unlocks": progression.unlocks_between(old["level"], new["level"]),
            }
        )
    return result


def achievement_view(achievement: Achievement, metrics: dict[str, int], record: dict[str, Any] | None) -> dict:
    status = status_of(achievement, metrics)
    return {
        "achieve_id": achievement.achieve_id,
        "achieve_code": achievement.achieve_code,
        "name": achievement.name,
        "description": achievement.description,
        "tier": achievement.tier,
        "category": achievement.category,
        "is_progressive": achievement.is_progressive,
        "current_progress": metrics.get(achievement.metric, 0),
        "target_count": achievement.target_count,
        "status": status,
        "is_complete": status == "complete",
        "unlocked_at": (record or {}).get("unlocked_at") if status == "complete" else None,
        "reward_claimed": bool((record or {}).get("reward_claimed")),
        "rewards": achievement.rewards,
        "title_unlocked": cosmetics().by_code(achievement.title_item).name if achievement.title_item else None,
    }


def list_achievements(services: Any, player_id: str, category: str | None, status: str | None) -> dict[str, Any]:
    metrics = progression.metrics(services.players.progress(player_id))
    records = {record["achieve_code"]: record for record in services.players.records(player_id, "ACH#")}
    views = [
        achievement_view(achievement, metrics, records.get(achievement.achieve_code))
        for achievement in achievements().achievements
    ]
    summary = {"total": len(views), "complete": 0, "in_progress": 0, "locked": 0}
    for view in views:
        summary[view["status"]] += 1
    shown = [
        view
        for view in views
        if (category is None or view["category"] == category) and (status is None or view["status"] == status)
    ]
    return {"achievements": shown, "summary": summary}


def claim(services: Any, player_id: str, achieve_id: str, now: str) -> dict[str, Any]:
    achievement = achievements().find(achieve_id)
    if achievement is None:
        raise NotFound(f"No achievement {achieve_id}", {"achieve_id": achieve_id}, code="ACHIEVEMENT_NOT_FOUND")
    progress = services.players.progress(player_id)
    metrics = progression.metrics(progress)
    code = achievement.achieve_code
    if status_of(achievement, metrics) != "complete":
        raise InvalidInput(
            f"{achievement.name} is not complete yet",
            {"current_progress": metrics.get(achievement.metric, 0), "target_count": achievement.target_count},
            code="ACHIEVEMENT_NOT_COMPLETE",
        )
    record = next((r for r in services.players.records(player_id, f"ACH#{code}") if r["achieve_code"] == code), None)
    already = lambda: InvalidInput(f"{achievement.name} was already claimed", code="ALREADY_CLAIMED")  # noqa: E731
    if record and record.get("reward_claimed"):
        raise already()
    currencies = {name: amount for name, amount in achievement.rewards.items() if name != RESONANCE}
    resonance = achievement.rewards.get(RESONANCE, 0)
    change = ProgressChange.adding(cosmic_resonance=resonance)
    writes = [services.players.achievement_claim(player_id, code, now, already)]
    postings = []
    title = cosmetics().by_code(achievement.title_item) if achievement.title_item else None
    owned = {r["item_code"] for r in services.players.records(player_id, "INV#")} if title else set()
    if title is not None and title.item_code not in owned:
        postings = economy.item_postings(player_id, title.asset)
        writes.append(
            services.players.inventory_add(player_id, title.item_code, services.new_id(), "achievement", now, already)
        )
        change.add["cosmetics_owned"] = 1
    consequences = effects(services, player_id, progress, change, now)
    moved = economy.move(
        services,
        f"achievement:{player_id}:{code}",
        player_id,
        f"Achievement: {achievement.name}",
        "achievement_reward",
        rewards=currencies,
        postings=postings,
        extra_writes=writes + consequences.writes,
        metadata={"achieve_code": code},
    )
    services.notify(player_id, consequences.events)
    claimed = add_to(dict(moved.credited), {RESONANCE: resonance} if resonance else {})
    return {
        "achievement": {"achieve_code": code, "name": achievement.name},
        "rewards_claimed": claimed,
        "rewards_clipped": moved.clipped,
        "wallet_after": moved.balances_after,
        "title_unlocked": title.name if title is not None and title.item_code not in owned else None,
    }
