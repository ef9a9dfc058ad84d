"""Coin: exact decimal amounts with two places, kept in the ledger as whole cents.

* A price arrives as a JSON number or a string (``5.50``, ``"5.50"``) and becomes a ``Decimal``
  (pydantic converts a JSON number through its shortest text, so ``5.5`` is exactly 5.5); more
  than two decimal places is a 400, never a silent rounding. ``AssetRules(scale=2).to_minor``
  turns it into cents, which is all the ledger and every computation see.
* Fees are basis points of a cent amount, **rounded half up to the cent** (the one rounding rule):
  the listing fee is 1% of the listing's total (5.50 on 550.00, as the spec's example), the
  marketplace fee 5% of a purchase's total (13.75 on 275.00). 0.5 cent and above rounds up.
* Amounts leave as JSON numbers made from the exact cents (``28875`` cents -> ``288.75``): a
  two-place decimal prints exactly as the shortest float text, so a client reads what was stored.
"""

from decimal import Decimal

from shared.ledger import AssetRules

COIN = "COIN"
COIN_RULES = AssetRules(scale=2)
LISTING_FEE_BPS = 100  # 1% of a listing's total, charged to the seller when listing
MARKETPLACE_FEE_BPS = 500  # 5% of a purchase's total, paid by the buyer on top of the price
MAX_PRICE = Decimal("1000000.00")  # per unit
MAX_QUANTITY = 1_000_000
MAX_GRANT = Decimal("100000000.00")


def to_cents(amount: Decimal | int | str) -> int:
    return COIN_RULES.to_minor(amount)


def to_coin(cents: int) -> Decimal:
    return COIN_RULES.to_major(cents)


def as_number(cents: int) -> float:
    """The JSON number for an amount of cents (exact: two places print as the shortest float)."""
    return float(COIN_RULES.to_major(cents))


def fee(cents: int, basis_points: int) -> int:
    """``basis_points`` of ``cents``, rounded half up to the cent."""
    return (cents * basis_points + 5_000) // 10_000
