"""What several endpoint groups share: strict request bodies, money and id types, pagination, a listing."""

import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, WithJsonSchema

from bluemarble_market.logic.islands import ISLANDS
from bluemarble_market.logic.money import MAX_GRANT, MAX_PRICE, MAX_QUANTITY

# Every character ``str.strip()`` removes, spelled out (a fuzzer's ``\\s`` is narrower).
WS = r"\t\n\u000b\u000c\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# An island as logic/islands.canonical_island reads it: any case, surrounding whitespace trimmed.
_ISLAND_NAMES = "|".join("".join(f"[{c.upper()}{c.lower()}]" for c in island) for island in ISLANDS)
ISLAND_PATTERN = rf"^[{WS}]*({_ISLAND_NAMES})[{WS}]*$"
# In a URL path: the name alone, any case (whitespace there is a client's mistake).
PATH_ISLAND_PATTERN = rf"^({_ISLAND_NAMES})$"
# The same, where an empty (or blank) value means "not given", as forms send it.
OPTIONAL_ISLAND_PATTERN = rf"^[{WS}]*(({_ISLAND_NAMES})[{WS}]*)?$"


def _integral(value: Any) -> Any:
    """JSON has one number type: ``7.0`` is the integer 7 (as JSON Schema says); ``7.5`` stays a
    float and is refused, and so are strings and booleans (strict)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


def decimal_pattern(most: Decimal, positive: bool) -> str:
    """The strings the server reads as an amount: plain digits with at most two decimals (no sign,
    exponent, separator or whitespace), above 0 (``positive``) or from 0, up to ``most`` (a power
    of ten)."""
    digits = len(str(int(most))) - 1
    cents = r"(\.[0-9]{1,2})?"
    top = rf"{int(most)}(\.0{{1,2}})?"
    if positive:
        below = rf"[1-9][0-9]{{0,{digits - 1}}}{cents}|0?\.(0[1-9]|[1-9][0-9]?)"
    else:
        below = rf"(0|[1-9][0-9]{{0,{digits - 1}}}){cents}|\.[0-9]{{1,2}}"
    return rf"^({below}|{top})$"


def amount(pattern: str) -> Any:
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, str) and not compiled.match(value):
            raise ValueError("Must be a decimal amount like 12.50")
        return value

    return BeforeValidator(check)


def amount_schema(most: Decimal, positive: bool) -> dict[str, Any]:
    bound = {"exclusiveMinimum": 0} if positive else {"minimum": 0}
    return {
        "anyOf": [
            {"type": "number", **bound, "maximum": float(most), "multipleOf": 0.01},
            {"type": "string", "pattern": decimal_pattern(most, positive)},
        ]
    }


Quantity = Annotated[int, Strict(), Field(gt=0, le=MAX_QUANTITY), BeforeValidator(_integral)]
Price = Annotated[
    Decimal,
    Field(gt=0, le=MAX_PRICE, decimal_places=2, allow_inf_nan=False),
    amount(decimal_pattern(MAX_PRICE, True)),
    WithJsonSchema(amount_schema(MAX_PRICE, True)),
]
GrantCoin = Annotated[
    Decimal,
    Field(ge=0, le=MAX_GRANT, decimal_places=2, allow_inf_nan=False),
    amount(decimal_pattern(MAX_GRANT, False)),
    WithJsonSchema(amount_schema(MAX_GRANT, False)),
]
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"  # base64url without padding, as every list encodes its cursors
Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Money = float


class StrictBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MessageResponse(BaseModel):
    success: Literal[True] = True
    message: str


class Pagination(BaseModel):
    page: int | None = None
    limit: int
    total: int
    pages: int
    hasMore: bool
    nextCursor: str | None = None


class ListingSummary(BaseModel):
    id: str
    sellerId: str
    sellerName: str
    itemId: str
    itemName: str
    itemType: str
    quantity: int
    pricePerUnit: Money
    totalPrice: Money
    listingFee: Money
    island: str
    expiresAt: str
    createdAt: str
    updatedAt: str | None = None
    status: Literal["ACTIVE", "SOLD", "EXPIRED", "CANCELLED"]
    views: int
    favorites: int


class ItemDetail(BaseModel):
    id: str
    name: str
    type: str
    description: str
    quality: str | None = None
    attributes: dict[str, Any]
