"""Bodies of the trading routes and of operator grants."""

from typing import Annotated, Any

from pydantic import BaseModel, Field

from cosmic_ttt.models.common import USERNAME_PATTERN, Currency, SpecModel


class UnlockRequirements(BaseModel):
    matches_required: int
    matches_played: int
    met: bool


class DailyLimit(BaseModel):
    max_trades: int
    trades_today: int
    remaining: int
    resets_at: str


class TradingStatus(BaseModel):
    trading_enabled: bool
    unlock_requirements: UnlockRequirements
    daily_limit: DailyLimit
    tax_rate: float


def _tradeable(schema: dict[str, Any]) -> None:
    from cosmic_ttt.catalogue import economy

    schema["enum"] = [name for name, rule in economy().currencies.items() if rule.tradeable]


def _trade_amounts(schema: dict[str, Any]) -> None:
    from cosmic_ttt.catalogue import economy

    schema.update(minimum=economy().trading.min_amount, maximum=economy().trading.max_amount)


class TradeRequest(SpecModel):
    # Rules of data/economy.json, stated in the document (read when it is built) and checked by
    # logic/trading.py with the spec's codes: a name no player can have is 404 RECEIVER_NOT_FOUND.
    receiver_username: str = Field(min_length=1, max_length=64, json_schema_extra={"pattern": USERNAME_PATTERN})
    resource_type: Currency = Field(json_schema_extra=_tradeable)
    amount: int = Field(description="5 to 50; anything else is 400 INVALID_AMOUNT", json_schema_extra=_trade_amounts)


class TradeResponse(BaseModel):
    trade_id: str
    sender_id: str
    receiver_id: str
    resource_type: Currency
    amount_sent: int
    tax_amount: int
    amount_received: int
    status: str
    executed_at: str
    wallet_after: dict[str, int]


class GrantRequest(SpecModel):
    currencies: dict[Currency, Annotated[int, Field(ge=1, le=1_000_000)]] = Field(default_factory=dict)
    cosmic_resonance: int = Field(default=0, ge=0, le=1_000_000)
    matches_played: int = Field(default=0, ge=0, le=10_000)
    reason: str = Field(min_length=1, max_length=200)


class GrantProgress(BaseModel):
    level: int
    cosmic_resonance: int
    total_matches: int


class GrantResponse(BaseModel):
    player_id: str
    granted: dict[str, int]
    clipped: dict[str, int]
    wallet_after: dict[str, int]
    progress: GrantProgress
