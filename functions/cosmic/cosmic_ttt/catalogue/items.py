"""The collections' data: skill trees, achievements, cosmetics, the daily shop and challenges."""

from dataclasses import dataclass
from functools import cache
from typing import Any

from cosmic_ttt.catalogue.files import load

# -- skill trees ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillNode:
    node_id: str
    name: str
    tier: int
    cost: dict[str, int]
    prerequisites: tuple[str, ...]
    effect: dict[str, Any]
    tree_id: str
    branch: str


@dataclass(frozen=True)
class SkillTree:
    tree_id: str
    name: str
    faction: str
    branches: tuple[tuple[str, tuple[SkillNode, ...]], ...]

    @property
    def nodes(self) -> list[SkillNode]:
        return [node for _, nodes in self.branches for node in nodes]


@dataclass(frozen=True)
class SkillTrees:
    version: int
    required_wins: int
    requires_mastery: tuple[str, ...]
    trees: tuple[SkillTree, ...]

    @property
    def nodes(self) -> dict[str, SkillNode]:
        return {node.node_id: node for tree in self.trees for node in tree.nodes}


@cache
def skill_trees() -> SkillTrees:
    raw = load("skill_trees.json")
    trees = []
    for tree in raw["trees"]:
        branches = []
        for branch in tree["branches"]:
            nodes = tuple(
                SkillNode(
                    node_id=node["node_id"],
                    name=node["name"],
                    tier=node["tier"],
                    cost=node["cost"],
                    prerequisites=tuple(node["prerequisites"]),
                    effect=node["effect"],
                    tree_id=tree["tree_id"],
                    branch=branch["branch"],
                )
                for node in branch["nodes"]
            )
            branches.append((branch["branch"], nodes))
        trees.append(SkillTree(tree["tree_id"], tree["name"], tree["faction"], tuple(branches)))
    path = raw["awakened_path"]
    return SkillTrees(raw["version"], path["required_wins"], tuple(path["requires_mastery"]), tuple(trees))


# -- achievements --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Achievement:
    achieve_id: str
    achieve_code: str
    name: str
    description: str
    tier: str
    category: str
    metric: str
    target_count: int
    is_progressive: bool
    rewards: dict[str, int]  # currencies and cosmic_resonance
    title_item: str | None
    requires: str | None


@dataclass(frozen=True)
class Achievements:
    version: int
    achievements: tuple[Achievement, ...]

    def find(self, id_or_code: str) -> Achievement | None:
        return next((a for a in self.achievements if id_or_code in (a.achieve_id, a.achieve_code)), None)

    def by_code(self, code: str) -> Achievement:
        return next(a for a in self.achievements if a.achieve_code == code)


@cache
def achievements() -> Achievements:
    raw = load("achievements.json")
    return Achievements(raw["version"], tuple(Achievement(**entry) for entry in raw["achievements"]))


# -- cosmetics -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cosmetic:
    item_id: str
    item_code: str
    name: str
    description: str
    category: str
    tier: str
    faction: str
    symbol: str | None
    price: dict[str, int] | None
    unlock_requirements: dict[str, Any] | None
    limited: bool
    preview_url: str

    @property
    def asset(self) -> str:
        """The ledger asset of this item (one unit per owner)."""
        return f"item.{self.item_code}"


@dataclass(frozen=True)
class Cosmetics:
    version: int
    slots: dict[str, str]  # loadout slot -> category
    tiers: tuple[str, ...]
    items: tuple[Cosmetic, ...]
    index: dict[str, Cosmetic]  # by item_id and by item_code

    def find(self, id_or_code: str) -> Cosmetic | None:
        return self.index.get(id_or_code)

    def by_code(self, code: str) -> Cosmetic:
        return self.index[code]


@cache
def cosmetics() -> Cosmetics:
    raw = load("cosmetics.json")
    slots = {slot: category for category, names in raw["categories"].items() for slot in names}
    items = tuple(Cosmetic(**entry) for entry in raw["items"])
    index = {key: item for item in items for key in (item.item_id, item.item_code)}
    return Cosmetics(raw["version"], slots, tuple(raw["tiers"]), items, index)


# -- daily shop and daily challenges -------------------------------------------------------------


@dataclass(frozen=True)
class ShopRules:
    slots: int
    limited_slots: int
    featured_slots: int
    discounts_percent: tuple[int, ...]
    limited_stock: int


@cache
def shop_rules() -> ShopRules:
    raw = load("shop.json")
    return ShopRules(
        raw["slots"], raw["limited_slots"], raw["featured_slots"], tuple(raw["discounts_percent"]), raw["limited_stock"]
    )


@dataclass(frozen=True)
class Challenge:
    challenge_id: str
    name: str
    outcomes: tuple[str, ...]
    target: int
    reward: dict[str, int]
    symbol: str | None = None
    min_tier: str | None = None
    flag: str | None = None


@dataclass(frozen=True)
class Challenges:
    version: int
    per_day: int
    pool: tuple[Challenge, ...]


@cache
def challenges() -> Challenges:
    raw = load("challenges.json")
    pool = tuple(Challenge(**{**entry, "outcomes": tuple(entry["outcomes"])}) for entry in raw["pool"])
    return Challenges(raw["version"], raw["per_day"], pool)
