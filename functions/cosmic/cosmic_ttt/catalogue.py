"""The game's catalogue: versioned data files in ``cosmic_ttt/data``, read once per process.

What designers tune lives in data, not in handler code: the AI tiers and their calibrated mistake
rates (``tiers.json``), currencies, caps, conversion and trading rules (``economy.json``), match,
streak and bonus rewards (``rewards.json``), the level curve and unlocks (``progression.json``),
skill trees, achievements, cosmetics, the daily shop and daily challenges, and the API versions.
Each file carries a ``version`` (the shop's rotation is seeded with the cosmetics version, so a new
catalogue reshuffles the shop) and a ``rule`` that says in words what its numbers mean.

The files are validated by ``tests/unit/test_cosmic_catalogue.py`` (schemas with pydantic, and
every cross-reference: prerequisites, titles, requirements, tiers). At runtime they are read
into plain frozen dataclasses: no schema work on a cold start.
"""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
CURRENCIES = (
    "cosmic_essence",
    "starlight_orbs",
    "shadow_shards",
    "void_fragments",
    "alignment_crystals",
    "primordial_sparks",
)
RESONANCE = "cosmic_resonance"  # experience, not a currency: it lives in the player's progress
OUTCOMES = ("win", "draw", "loss")
SYMBOLS = ("o", "x")


def _load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text())


# -- economy -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurrencyRule:
    currency: str
    name: str
    cap: int | None
    tradeable: bool


@dataclass(frozen=True)
class Conversion:
    from_currency: str
    to_currency: str
    from_units: int
    to_units: int

    @property
    def rate(self) -> str:
        return f"{self.from_units}:{self.to_units}"


@dataclass(frozen=True)
class TradingRules:
    matches_required: int
    max_trades_per_day: int
    min_amount: int
    max_amount: int
    tax_percent: int


@dataclass(frozen=True)
class Economy:
    version: int
    currencies: dict[str, CurrencyRule]
    cap_warning_percent: int
    conversions: dict[tuple[str, str], Conversion]
    trading: TradingRules

    @property
    def caps(self) -> dict[str, int]:
        return {name: rule.cap for name, rule in self.currencies.items() if rule.cap is not None}

    def display_name(self, currency: str) -> str:
        rule = self.currencies.get(currency)
        return rule.name if rule else currency


@cache
def economy() -> Economy:
    raw = _load("economy.json")
    return Economy(
        version=raw["version"],
        currencies={entry["currency"]: CurrencyRule(**entry) for entry in raw["currencies"]},
        cap_warning_percent=raw["cap_warning_percent"],
        conversions={
            (entry["from_currency"], entry["to_currency"]): Conversion(**entry) for entry in raw["conversions"]
        },
        trading=TradingRules(**raw["trading"]),
    )


# -- AI tiers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    tier: str
    name: str
    target_win_rate: float
    mistake_rate: float
    reward_multiplier: Decimal
    rank: int


@cache
def tiers() -> dict[str, Tier]:
    raw = _load("tiers.json")
    return {
        entry["tier"]: Tier(
            tier=entry["tier"],
            name=entry["name"],
            target_win_rate=entry["target_win_rate"],
            mistake_rate=entry["mistake_rate"],
            reward_multiplier=Decimal(entry["reward_multiplier"]),
            rank=rank,
        )
        for rank, entry in enumerate(raw["tiers"])
    }


def tier_at_least(tier: str, minimum: str | None) -> bool:
    return minimum is None or tiers()[tier].rank >= tiers()[minimum].rank


# -- rewards -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bonus:
    bonus: str
    description: str
    outcome: str
    flag: str | None
    min_tier: str | None
    rewards: dict[str, int]


@dataclass(frozen=True)
class Milestone:
    count: int
    description: str
    reward: dict[str, int]


@dataclass(frozen=True)
class Rewards:
    version: int
    symbol_currency: dict[str, str]
    base: dict[str, dict[str, int]]  # outcome -> cosmic_essence, symbol_currency, cosmic_resonance
    bonuses: tuple[Bonus, ...]
    win_milestones: tuple[Milestone, ...]
    repeat_every: int
    repeat_description: str
    repeat_reward: dict[str, int]
    protection_every: int
    draw_milestones: tuple[Milestone, ...]


@cache
def rewards() -> Rewards:
    raw = _load("rewards.json")
    match, wins, draws = raw["match"], raw["win_streaks"], raw["draw_streaks"]
    return Rewards(
        version=raw["version"],
        symbol_currency=match["symbol_currency"],
        base=match["base"],
        bonuses=tuple(
            Bonus(
                bonus=entry["bonus"],
                description=entry["description"],
                outcome=entry["when"]["outcome"],
                flag=entry["when"].get("flag"),
                min_tier=entry["when"].get("min_tier"),
                rewards=entry["rewards"],
            )
            for entry in match["bonuses"]
        ),
        win_milestones=tuple(Milestone(m["wins"], m["description"], m["reward"]) for m in wins["milestones"]),
        repeat_every=wins["repeat_every"],
        repeat_description=wins["repeat_description"],
        repeat_reward=wins["repeat_reward"],
        protection_every=wins["protection_every"],
        draw_milestones=tuple(Milestone(m["draws"], m["description"], m["reward"]) for m in draws["milestones"]),
    )


# -- progression ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unlock:
    unlock: str
    type: str
    value: str
    name: str
    level: int


@dataclass(frozen=True)
class Progression:
    version: int
    level_base: int
    level_per_level: int
    max_level: int
    unlocks: tuple[Unlock, ...]
    abandon_after_minutes: int

    def tier_unlock_level(self, tier: str) -> int:
        return next((u.level for u in self.unlocks if u.type == "ai_tier" and u.value == tier), 1)

    def feature_level(self, feature: str) -> int:
        return next((u.level for u in self.unlocks if u.type == "feature" and u.value == feature), 1)


@cache
def progression() -> Progression:
    raw = _load("progression.json")
    curve = raw["level_curve"]
    return Progression(
        version=raw["version"],
        level_base=curve["base"],
        level_per_level=curve["per_level"],
        max_level=curve["max_level"],
        unlocks=tuple(Unlock(**entry) for entry in raw["unlocks"]),
        abandon_after_minutes=raw["abandon_after_minutes"],
    )


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
    raw = _load("skill_trees.json")
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
    raw = _load("achievements.json")
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
    raw = _load("cosmetics.json")
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
    raw = _load("shop.json")
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
    raw = _load("challenges.json")
    pool = tuple(Challenge(**{**entry, "outcomes": tuple(entry["outcomes"])}) for entry in raw["pool"])
    return Challenges(raw["version"], raw["per_day"], pool)


# -- API versions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiVersions:
    current: str
    sunsets: dict[str, date | None]  # supported version -> sunset date (None: not deprecated)
    deprecated_routes: dict[str, date]  # "METHOD /path-template" -> sunset date


@cache
def api_versions() -> ApiVersions:
    raw = _load("api_versions.json")
    return ApiVersions(
        current=raw["current"],
        sunsets={
            name: date.fromisoformat(info["sunset"]) if info.get("sunset") else None
            for name, info in raw["versions"].items()
        },
        deprecated_routes={route: date.fromisoformat(day) for route, day in raw["deprecated_routes"].items()},
    )
