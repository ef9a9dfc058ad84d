"""Bodies of the progression routes: progress, skill trees, achievements, daily challenges."""

from typing import Any, Literal

from pydantic import BaseModel

AchievementStatus = Literal["complete", "in_progress", "locked"]
Category = Literal["combat", "progression", "collection", "social"]


class Progress(BaseModel):
    player_id: str
    level: int
    cosmic_resonance: int
    cosmic_resonance_to_next: int
    prestige_level: int
    total_matches: int
    total_wins: int
    total_draws: int
    total_losses: int
    wins_as_o: int
    wins_as_x: int
    draws_vs_eternal: int
    perfect_games: int
    swift_victories: int
    fork_victories: int
    comeback_victories: int
    first_match_date: str | None
    unlocks: dict[str, bool]


class UnlockedNode(BaseModel):
    node_id: str
    name: str
    tier: int
    unlocked_at: str


class LockedNode(BaseModel):
    node_id: str
    name: str
    tier: int
    cost: dict[str, int]
    prerequisites: list[str]


class Branch(BaseModel):
    branch: str
    unlocked_nodes: list[UnlockedNode]
    locked_nodes: list[LockedNode]


class Tree(BaseModel):
    tree_id: str
    name: str
    faction: str
    nodes_unlocked: int
    total_nodes: int
    total_invested: dict[str, int]
    is_mastered: bool
    branches: list[Branch]


class AwakenedPath(BaseModel):
    accessible: bool
    requirements: dict[str, bool | int]


class Skills(BaseModel):
    player_id: str
    trees: list[Tree]
    awakened_path: AwakenedPath


class NodeUnlocked(BaseModel):
    node_id: str
    name: str
    tier: int
    effect: dict[str, Any]


class TreeProgress(BaseModel):
    nodes_unlocked: int
    total_nodes: int


class UnlockResponse(BaseModel):
    unlocked: NodeUnlocked
    currency_spent: dict[str, int]
    wallet_after: dict[str, int]
    tree_progress: TreeProgress


class AchievementView(BaseModel):
    achieve_id: str
    achieve_code: str
    name: str
    description: str
    tier: str
    category: Category
    is_progressive: bool
    current_progress: int
    target_count: int
    status: AchievementStatus
    is_complete: bool
    unlocked_at: str | None
    reward_claimed: bool
    rewards: dict[str, int]
    title_unlocked: str | None


class AchievementSummary(BaseModel):
    total: int
    complete: int
    in_progress: int
    locked: int


class AchievementList(BaseModel):
    achievements: list[AchievementView]
    summary: AchievementSummary


class ClaimedAchievement(BaseModel):
    achieve_code: str
    name: str


class ClaimResponse(BaseModel):
    achievement: ClaimedAchievement
    rewards_claimed: dict[str, int]
    rewards_clipped: dict[str, int]
    wallet_after: dict[str, int]
    title_unlocked: str | None


class DailyChallenge(BaseModel):
    challenge_id: str
    name: str
    progress: int
    target: int
    completed: bool
    reward: dict[str, int]


class DailyChallenges(BaseModel):
    date: str
    resets_at: str
    challenges: list[DailyChallenge]
