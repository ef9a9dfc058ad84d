"""The rules' data: economy, AI tiers, rewards, progression, API versions."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from cosmic_ttt.catalogue.files import load

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
    raw = load("economy.json")
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
    raw = load("tiers.json")
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
    raw = load("rewards.json")
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
    raw = load("progression.json")
    curve = raw["level_curve"]
    return Progression(
        version=raw["version"],
        level_base=curve["base"],
        level_per_level=curve["per_level"],
        max_level=curve["max_level"],
        unlocks=tuple(Unlock(**entry) for entry in raw["unlocks"]),
        abandon_after_minutes=raw["abandon_after_minutes"],
    )


# -- API versions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiVersions:
    current: str
    sunsets: dict[str, date | None]  # supported version -> sunset date (None: not deprecated)
    deprecated_routes: dict[str, date]  # "METHOD /path-template" -> sunset date


@cache
def api_versions() -> ApiVersions:
    raw = load("api_versions.json")
    return ApiVersions(
        current=raw["current"],
        sunsets={
            name: date.fromisoformat(info["sunset"]) if info.get("sunset") else None
            for name, info in raw["versions"].items()
        },
        deprecated_routes={route: date.fromisoformat(day) for route, day in raw["deprecated_routes"].items()},
    )
