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

from cosmic_ttt.catalogue.files import CURRENCIES, DATA, OUTCOMES, RESONANCE, SYMBOLS
from cosmic_ttt.catalogue.items import (
    Achievement,
    Achievements,
    Challenge,
    Challenges,
    Cosmetic,
    Cosmetics,
    ShopRules,
    SkillNode,
    SkillTree,
    SkillTrees,
    achievements,
    challenges,
    cosmetics,
    shop_rules,
    skill_trees,
)
from cosmic_ttt.catalogue.rules import (
    ApiVersions,
    Bonus,
    Conversion,
    CurrencyRule,
    Economy,
    Milestone,
    Progression,
    Rewards,
    Tier,
    TradingRules,
    Unlock,
    api_versions,
    economy,
    progression,
    rewards,
    tier_at_least,
    tiers,
)

__all__ = [
    "CURRENCIES",
    "DATA",
    "OUTCOMES",
    "RESONANCE",
    "SYMBOLS",
    "Achievement",
    "Achievements",
    "ApiVersions",
    "Bonus",
    "Challenge",
    "Challenges",
    "Conversion",
    "Cosmetic",
    "Cosmetics",
    "CurrencyRule",
    "Economy",
    "Milestone",
    "Progression",
    "Rewards",
    "ShopRules",
    "SkillNode",
    "SkillTree",
    "SkillTrees",
    "Tier",
    "TradingRules",
    "Unlock",
    "achievements",
    "api_versions",
    "challenges",
    "cosmetics",
    "economy",
    "progression",
    "rewards",
    "shop_rules",
    "skill_trees",
    "tier_at_least",
    "tiers",
]
