"""The game's data files are well formed and consistent: every file against its schema, and every
reference between them resolves (prerequisites, titles, requirements, tiers, challenges)."""

import json
import uuid
from datetime import date
from decimal import Decimal
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from cosmic_ttt import catalogue
from cosmic_ttt.logic import engine

DATA = catalogue.DATA
Currency = Literal[
    "cosmic_essence", "starlight_orbs", "shadow_shards", "void_fragments", "alignment_crystals", "primordial_sparks"
]
TierName = Literal["void_novice", "echoing_acolyte", "grid_walker", "force_adept", "the_eternal"]
Amounts = dict[Currency, int]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class TierEntry(Strict):
    tier: TierName
    name: str
    target_win_rate: float = Field(ge=0, le=1)
    mistake_rate: float = Field(ge=0, le=1)
    reward_multiplier: str


class TiersFile(Strict):
    version: int
    reference_player: str
    mistake_rule: str
    tiers: list[TierEntry]


class CurrencyEntry(Strict):
    currency: Currency
    name: str
    cap: int | None
    tradeable: bool


class ConversionEntry(Strict):
    from_currency: Currency
    to_currency: Currency
    from_units: int = Field(ge=1)
    to_units: int = Field(ge=1)


class Trading(Strict):
    matches_required: int
    max_trades_per_day: int
    min_amount: int
    max_amount: int
    tax_percent: int = Field(ge=0, le=100)


class EconomyFile(Strict):
    version: int
    currencies: list[CurrencyEntry]
    cap_warning_percent: int
    conversions: list[ConversionEntry]
    trading: Trading


class Base(Strict):
    cosmic_essence: int
    symbol_currency: int
    cosmic_resonance: int


class When(Strict):
    outcome: Literal["win", "draw", "loss"]
    flag: Literal["was_swift_victory", "was_fork_victory", "was_comeback", "was_perfect_game"] | None = None
    min_tier: TierName | None = None


class BonusEntry(Strict):
    bonus: str
    description: str
    when: When
    rewards: Amounts


class MatchRewards(Strict):
    multiplied: str
    symbol_currency: dict[Literal["o", "x"], Currency]
    base: dict[Literal["win", "draw", "loss", "abandoned"], Base]
    bonuses: list[BonusEntry]


class WinMilestone(Strict):
    wins: int
    description: str
    reward: Amounts


class DrawMilestone(Strict):
    draws: int
    description: str
    reward: Amounts


class WinStreaks(Strict):
    rule: str
    milestones: list[WinMilestone]
    repeat_every: int
    repeat_description: str
    repeat_reward: Amounts
    protection_every: int


class DrawStreaks(Strict):
    rule: str
    milestones: list[DrawMilestone]


class RewardsFile(Strict):
    version: int
    match: MatchRewards
    win_streaks: WinStreaks
    draw_streaks: DrawStreaks


class Curve(Strict):
    rule: str
    base: int
    per_level: int
    max_level: int


class UnlockEntry(Strict):
    unlock: str
    type: Literal["feature", "ai_tier"]
    value: str
    name: str
    level: int


class ProgressionFile(Strict):
    version: int
    level_curve: Curve
    unlocks: list[UnlockEntry]
    abandon_after_minutes: int


class Effect(Strict):
    type: str
    config: dict[str, Any]


class Node(Strict):
    node_id: str
    name: str
    tier: int = Field(ge=1, le=4)
    cost: Amounts
    prerequisites: list[str]
    effect: Effect


class BranchEntry(Strict):
    branch: str
    nodes: list[Node]


class TreeEntry(Strict):
    tree_id: str
    name: str
    faction: Literal["orbis", "crucia"]
    branches: list[BranchEntry]


class Awakened(Strict):
    required_wins: int
    requires_mastery: list[str]


class SkillsFile(Strict):
    version: int
    rule: str
    awakened_path: Awakened
    trees: list[TreeEntry]


class AchievementEntry(Strict):
    achieve_id: str
    achieve_code: str
    name: str
    description: str
    tier: Literal["bronze", "silver", "gold", "platinum"]
    category: Literal["combat", "progression", "collection", "social"]
    metric: str
    target_count: int = Field(ge=1)
    is_progressive: bool
    rewards: dict[str, int]
    title_item: str | None
    requires: str | None


class AchievementsFile(Strict):
    version: int
    rule: str
    metrics: dict[str, str]
    achievements: list[AchievementEntry]


class CosmeticEntry(Strict):
    item_id: str
    item_code: str
    name: str
    description: str
    category: Literal[
        "symbol_trail", "symbol_evolution", "cell_animation", "grid_skin", "victory_effect", "profile_frame", "title"
    ]
    tier: Literal["common", "uncommon", "rare", "epic", "legendary"]
    faction: Literal["orbis", "crucia", "neutral", "awakened"]
    symbol: Literal["o", "x", "any"] | None
    price: Amounts | None
    unlock_requirements: dict[Literal["level", "achievement", "skill_node", "awakened_path"], Any] | None
    limited: bool
    preview_url: str


class CosmeticsFile(Strict):
    version: int
    categories: dict[str, list[str]]
    tiers: list[str]
    factions: list[str]
    rule: str
    items: list[CosmeticEntry]


class ShopFile(Strict):
    version: int
    rule: str
    slots: int
    limited_slots: int
    featured_slots: int
    discounts_percent: list[int]
    limited_stock: int


class ChallengeEntry(Strict):
    challenge_id: str
    name: str
    outcomes: list[Literal["win", "draw", "loss"]]
    symbol: Literal["o", "x"] | None = None
    min_tier: TierName | None = None
    flag: Literal["was_swift_victory", "was_fork_victory", "was_comeback", "was_perfect_game"] | None = None
    target: int = Field(ge=1)
    reward: Amounts


class ChallengesFile(Strict):
    version: int
    rule: str
    per_day: int
    pool: list[ChallengeEntry]


class VersionInfo(Strict):
    sunset: str | None


class VersionsFile(Strict):
    version: int
    rule: str
    current: str
    versions: dict[str, VersionInfo]
    deprecated_routes: dict[str, str]


SCHEMAS = {
    "tiers.json": TiersFile,
    "economy.json": EconomyFile,
    "rewards.json": RewardsFile,
    "progression.json": ProgressionFile,
    "skill_trees.json": SkillsFile,
    "achievements.json": AchievementsFile,
    "cosmetics.json": CosmeticsFile,
    "shop.json": ShopFile,
    "challenges.json": ChallengesFile,
    "api_versions.json": VersionsFile,
}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_each_data_file_matches_its_schema_and_has_a_version(name):
    raw = json.loads((DATA / name).read_text())

    parsed = SCHEMAS[name].model_validate(raw)

    assert parsed.version >= 1


def test_every_data_file_has_a_schema():
    assert {path.name for path in DATA.glob("*.json")} == set(SCHEMAS)


def test_tiers_are_the_specs_five_with_its_rates_and_multipliers():
    found = {t.tier: (t.target_win_rate, t.reward_multiplier) for t in catalogue.tiers().values()}
    assert found == {
        "void_novice": (0.9, Decimal("0.5")),
        "echoing_acolyte": (0.7, Decimal("0.75")),
        "grid_walker": (0.5, Decimal("1.0")),
        "force_adept": (0.3, Decimal("1.5")),
        "the_eternal": (0.0, Decimal("2.0")),
    }


def test_mistake_rates_are_the_calibration_of_their_targets():
    for tier in catalogue.tiers().values():
        assert tier.mistake_rate == pytest.approx(engine.calibrate(tier.target_win_rate), abs=1e-5)


def test_currencies_caps_and_conversions_are_the_specs():
    economy = catalogue.economy()
    assert list(economy.currencies) == list(catalogue.CURRENCIES)
    assert economy.caps == {"void_fragments": 200, "alignment_crystals": 50, "primordial_sparks": 10}
    rates = {pair: rule.rate for pair, rule in economy.conversions.items()}
    assert rates == {
        ("cosmic_essence", "starlight_orbs"): "50:1",
        ("cosmic_essence", "shadow_shards"): "50:1",
        ("starlight_orbs", "cosmic_essence"): "1:25",
        ("shadow_shards", "cosmic_essence"): "1:25",
    }
    trading = economy.trading
    assert (trading.matches_required, trading.max_trades_per_day, trading.min_amount, trading.max_amount) == (
        50,
        5,
        5,
        50,
    )
    assert trading.tax_percent == 10


def test_skill_nodes_have_unique_ids_and_prerequisites_within_their_branch():
    trees = catalogue.skill_trees()
    ids = [node.node_id for tree in trees.trees for node in tree.nodes]
    assert len(ids) == len(set(ids)) == 24
    for tree in trees.trees:
        assert len(tree.nodes) == 12
        for _, nodes in tree.branches:
            for node in nodes:
                for required in node.prerequisites:
                    prerequisite = trees.nodes[required]
                    assert (prerequisite.branch, prerequisite.tier) == (node.branch, node.tier - 1)
    assert set(trees.requires_mastery) == {tree.tree_id for tree in trees.trees}


def test_achievements_are_unique_and_their_references_resolve():
    entries = catalogue.achievements().achievements
    codes = [a.achieve_code for a in entries]
    assert len(codes) == len(set(codes))
    assert len({a.achieve_id for a in entries}) == len(entries)
    metrics = json.loads((DATA / "achievements.json").read_text())["metrics"]
    for achievement in entries:
        uuid.UUID(achievement.achieve_id)
        assert achievement.metric in metrics
        if achievement.requires:
            assert achievement.requires in codes
        if achievement.title_item:
            assert catalogue.cosmetics().by_code(achievement.title_item).category == "title"
        assert set(achievement.rewards) <= {*catalogue.CURRENCIES, catalogue.RESONANCE}


def test_cosmetics_are_unique_sold_or_earned_and_their_requirements_resolve():
    items = catalogue.cosmetics().items
    assert len({i.item_code for i in items}) == len({i.item_id for i in items}) == len(items)
    titles = {a.title_item for a in catalogue.achievements().achievements if a.title_item}
    codes = {a.achieve_code for a in catalogue.achievements().achievements}
    for item in items:
        uuid.UUID(item.item_id)
        if item.price is None:  # not sold: earned through an achievement
            assert item.item_code in titles
        required = item.unlock_requirements or {}
        assert required.get("achievement") in (None, *codes)
        assert required.get("skill_node") in (None, *catalogue.skill_trees().nodes)
        if item.category in ("symbol_trail", "symbol_evolution"):
            assert item.symbol in ("o", "x", "any")
    for slot, category in catalogue.cosmetics().slots.items():
        assert any(item.category == category for item in items), slot


def test_the_shop_has_enough_to_rotate_and_challenges_can_be_met():
    rules = catalogue.shop_rules()
    items = catalogue.cosmetics().items
    assert sum(1 for i in items if i.limited and i.price) >= rules.limited_slots
    assert sum(1 for i in items if not i.limited and i.price) >= rules.slots - rules.limited_slots
    assert rules.featured_slots <= rules.slots
    pool = catalogue.challenges().pool
    assert len({c.challenge_id for c in pool}) == len(pool) >= catalogue.challenges().per_day


def test_unlocks_name_real_tiers_and_the_api_version_is_a_date():
    for unlock in catalogue.progression().unlocks:
        if unlock.type == "ai_tier":
            assert unlock.value in catalogue.tiers()
    versions = catalogue.api_versions()
    date.fromisoformat(versions.current)
    assert versions.current in versions.sunsets
