"""Bodies of the economy routes: wallet, transactions, conversion."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cosmic_ttt.models.common import Currency, Pagination, SpecModel


class CapWarning(BaseModel):
    currency: Currency
    current: int
    cap: int
    at_capacity_percent: float


class Wallet(BaseModel):
    player_id: str
    currencies: dict[str, int]
    caps: dict[str, int]
    warnings: list[CapWarning]
    updated_at: str | None


class TransactionLine(BaseModel):
    txn_id: str
    txn_type: str | None
    resource: Currency
    amount: int
    balance_after: int | None
    source_type: str
    source_id: str | None
    description: str
    created_at: str


class Transactions(BaseModel):
    transactions: list[TransactionLine]
    pagination: Pagination


def _conversion_pairs(schema: dict[str, Any]) -> None:
    """The pairs ``data/economy.json`` converts, each with the least amount that buys one unit
    (anything else is 400 INVALID_CONVERSION / INVALID_AMOUNT). Read when the document is built."""
    from cosmic_ttt.catalogue import economy

    schema["anyOf"] = [
        {
            "properties": {
                "from_currency": {"const": rate.from_currency},
                "to_currency": {"const": rate.to_currency},
                "amount": {"minimum": rate.from_units},
            }
        }
        for rate in economy().conversions.values()
    ]


class ConvertRequest(SpecModel):
    model_config = ConfigDict(json_schema_extra=_conversion_pairs)

    from_currency: Currency
    to_currency: Currency
    amount: int = Field(ge=1, le=1_000_000_000)


class Conversion(BaseModel):
    from_currency: Currency
    from_amount: int
    to_currency: Currency
    to_amount: int
    rate: str


class ConvertResponse(BaseModel):
    conversion: Conversion
    wallet_after: dict[str, int]
