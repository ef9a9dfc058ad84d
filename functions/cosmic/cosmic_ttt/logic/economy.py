"""The six currencies: caps, rewards that meet a cap, payments, conversion, the wallet and its history.

Every movement is one transaction of the shared ledger (namespace ``cosmic``):

* ``user:<player id>:<currency>``: a player's balance. The ledger's floor (0) makes a negative
  balance impossible, and the caps of ``economy.json`` are the ledger's ``AssetRules(cap=...)``:
  void fragments 200, alignment crystals 50, primordial sparks 10.
* ``system:external:<asset>``: the game's mint. Rewards, grants and conversions' proceeds come
  from it (it goes negative by what was ever minted), so the sum over every account of a currency
  is always zero and any coin can be traced to where it came from and went.
* Sinks, where spent currency goes: ``system:cosmetics``, ``system:skills``, ``system:conversion``,
  ``system:trade_tax``; and ``system:cap_overflow``, below.

Decisions the spec leaves open:

* **A reward that meets a cap is clipped, never lost silently**: the player is credited up to the
  cap and the rest is posted to ``system:cap_overflow:<currency>`` in the same transaction. The
  answer (match, claim, grant) shows it as ``rewards_clipped``; the transaction's metadata keeps
  it. Payments and trades are never clipped (a trade to a receiver at a cap is refused).
* ``warnings`` list each capped currency at 80 % of its cap or more (``cap_warning_percent``).
* Conversion uses the spec's rates. Only whole units convert: the amount charged is rounded down
  to a multiple of the rate's left side (520 essence buys 10 orbs for 500 essence; the answer's
  ``from_amount`` says what was charged), and an amount that converts to nothing is 400
  ``INVALID_AMOUNT``. Converted currency comes from the mint; the spent one goes to
  ``system:conversion``.
* The transaction history has one line per currency moved (a match paying essence and orbs is two
  lines with one ``txn_id``). ``txn_type`` is the kind of movement (``match_reward``,
  ``achievement_reward``, ``purchase``, ``skill_unlock``, ``conversion``, ``trade``, ``grant``);
  ``source_type`` and ``source_id`` come from the ledger transaction id, ``<source type>:<id>``.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cosmic_ttt.catalogue import CURRENCIES, economy
from shared.errors import InsufficientFunds, InvalidInput
from shared.ledger import (
    BalanceCapExceeded,
    ExtraWrite,
    LedgerConflict,
    PostedTransaction,
    Posting,
    system_account,
    user_account,
)

MINT = "external"
OVERFLOW = "cap_overflow"
TXN_TYPES = ("match_reward", "achievement_reward", "purchase", "skill_unlock", "conversion", "trade", "grant")
_ATTEMPTS = 4


def clip(credits: Mapping[str, int], balances: Mapping[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """Split rewards into what fits under each cap and what does not."""
    caps = economy().caps
    credited, clipped = {}, {}
    for currency, amount in credits.items():
        if amount <= 0:
            continue
        cap = caps.get(currency)
        room = amount if cap is None else max(min(amount, cap - balances.get(currency, 0)), 0)
        if room:
            credited[currency] = room
        if amount - room:
            clipped[currency] = amount - room
    return credited, clipped


def reward_postings(player_id: str, credited: Mapping[str, int], clipped: Mapping[str, int]) -> list[Posting]:
    postings = []
    for currency in dict.fromkeys([*credited, *clipped]):
        total = credited.get(currency, 0) + clipped.get(currency, 0)
        postings.append(Posting(system_account(MINT, currency), -total))
        if credited.get(currency):
            postings.append(Posting(user_account(player_id, currency), credited[currency]))
        if clipped.get(currency):
            postings.append(Posting(system_account(OVERFLOW, currency), clipped[currency]))
    return postings


def payment_postings(player_id: str, prices: Mapping[str, int], sink: str) -> list[Posting]:
    postings = []
    for currency, amount in prices.items():
        if amount > 0:
            postings += [
                Posting(user_account(player_id, currency), -amount),
                Posting(system_account(sink, currency), amount),
            ]
    return postings


def item_postings(player_id: str, asset: str) -> list[Posting]:
    """One unit of an item from the mint to the player (its cap of 1 forbids a second)."""
    return [Posting(system_account(MINT, asset), -1), Posting(user_account(player_id, asset), 1)]


def require_funds(balances: Mapping[str, int], prices: Mapping[str, int], code: str, action: str) -> None:
    """400 with the spec's details when a price is more than the wallet holds."""
    for currency, amount in prices.items():
        available = balances.get(currency, 0)
        if amount > available:
            error = InsufficientFunds(
                amount, available, currency, f"Not enough {economy().display_name(currency)} to {action}"
            )
            error.details = {"currency": currency, "required": amount, "available": available}
            error.code = code
            raise error


@dataclass
class Movement:
    """What a posted movement did: rewards credited and clipped, balances after, the transaction."""

    credited: dict[str, int] = field(default_factory=dict)
    clipped: dict[str, int] = field(default_factory=dict)
    balances_after: dict[str, int] = field(default_factory=dict)
    posted: PostedTransaction | None = None


def move(
    services: Any,
    transaction_id: str,
    player_id: str,
    description: str,
    kind: str,
    *,
    rewards: Mapping[str, int] | None = None,
    payments: Mapping[str, int] | None = None,
    sink: str = "",
    postings: Iterable[Posting] = (),
    extra_writes: Iterable[ExtraWrite] | Callable[[dict[str, int], dict[str, int]], Iterable[ExtraWrite]] = (),
    metadata: Mapping[str, Any] | None = None,
    insufficient_code: str = "INSUFFICIENT_FUNDS",
) -> Movement:
    """Post one transaction: the player pays ``payments`` to ``sink``, receives ``rewards`` from the
    mint (clipped at caps), plus any other ``postings``, with ``extra_writes`` committed alongside
    (or a function of the credited and clipped rewards that returns them, for records that show
    what was paid).

    Clipping reads the player's capped balances first; if another transaction moved one of them
    before ours committed, the ledger refuses the cap and the clipping is planned again."""
    rewards = {currency: amount for currency, amount in (rewards or {}).items() if amount > 0}
    fixed = payment_postings(player_id, payments or {}, sink) + list(postings)
    capped = [currency for currency in rewards if currency in economy().caps]
    for _attempt in range(_ATTEMPTS):
        balances = services.wallets.balances(player_id, capped) if capped else {}
        credited, clipped = clip(rewards, balances)
        extra = list(extra_writes(credited, clipped) if callable(extra_writes) else extra_writes)
        all_postings = fixed + reward_postings(player_id, credited, clipped)
        if not all_postings:
            services.players.commit(
                [write.operation for write in extra], [write.on_condition_failure for write in extra]
            )
            return Movement(credited, clipped)
        details = {**dict(metadata or {}), "kind": kind, "player_id": player_id}
        if clipped:
            details["clipped"] = clipped
        try:
            posted = services.ledger.post(transaction_id, all_postings, description, details, extra)
        except BalanceCapExceeded:
            if not capped:  # a credit that is not a reward (a trade) met a cap: the caller decides
                raise
            continue
        except InsufficientFunds as error:  # spent by another request since the caller checked
            error.code = insufficient_code
            raise
        touched = [*credited, *(payments or {})]
        return Movement(credited, clipped, balances_after(services, posted, player_id, touched), posted)
    raise LedgerConflict("The wallet kept changing; please retry", {"transactionId": transaction_id})


def balances_after(services: Any, posted: PostedTransaction, player_id: str, assets: Iterable[str]) -> dict[str, int]:
    wanted = list(dict.fromkeys(assets))
    found = {}
    for change in posted.changes:
        asset = change.account.rsplit(":", 1)[1]
        if change.account == user_account(player_id, asset) and change.balance_after is not None and asset in wanted:
            found[asset] = change.balance_after
    missing = [asset for asset in wanted if asset not in found]
    if missing:  # a replayed transaction carries no balances: read them
        found.update(services.wallets.balances(player_id, missing))
    return {asset: found[asset] for asset in wanted}


# -- the wallet ----------------------------------------------------------------------------------


def wallet_view(player_id: str, balances: Mapping[str, int], updated_at: str | None) -> dict[str, Any]:
    rules = economy()
    caps = rules.caps
    warnings = []
    for currency, cap in caps.items():
        current = balances.get(currency, 0)
        if current * 100 >= cap * rules.cap_warning_percent:
            percent = round(current * 100 / cap, 1)
            warnings.append({"currency": currency, "current": current, "cap": cap, "at_capacity_percent": percent})
    return {
        "player_id": player_id,
        "currencies": {currency: balances.get(currency, 0) for currency in CURRENCIES},
        "caps": caps,
        "warnings": warnings,
        "updated_at": updated_at,
    }


def conversion_plan(from_currency: str, to_currency: str, amount: int) -> tuple[int, int, str]:
    """(amount charged, amount received, rate) of a conversion request."""
    rate = economy().conversions.get((from_currency, to_currency))
    if rate is None:
        pairs = [f"{a}->{b}" for a, b in economy().conversions]
        raise InvalidInput(
            f"{from_currency} cannot be converted to {to_currency}", {"supported": pairs}, code="INVALID_CONVERSION"
        )
    units = amount // rate.from_units
    if units <= 0:
        raise InvalidInput(
            f"At least {rate.from_units} {from_currency} are needed for one conversion",
            {"minimum": rate.from_units, "amount": amount},
            code="INVALID_AMOUNT",
        )
    return units * rate.from_units, units * rate.to_units, rate.rate


def convert(services: Any, player_id: str, from_currency: str, to_currency: str, amount: int, request_id: str) -> dict:
    charged, received, rate = conversion_plan(from_currency, to_currency, amount)
    balances = services.wallets.balances(player_id, [from_currency])
    require_funds(balances, {from_currency: charged}, "INSUFFICIENT_FUNDS", "convert")
    moved = move(
        services,
        f"conversion:{request_id}",
        player_id,
        f"Converted {charged} {economy().display_name(from_currency)}",
        "conversion",
        payments={from_currency: charged},
        sink="conversion",
        postings=[
            Posting(system_account(MINT, to_currency), -received),
            Posting(user_account(player_id, to_currency), received),
        ],
    )
    assert moved.posted is not None
    after = balances_after(services, moved.posted, player_id, [from_currency, to_currency])
    return {
        "conversion": {
            "from_currency": from_currency,
            "from_amount": charged,
            "to_currency": to_currency,
            "to_amount": received,
            "rate": rate,
        },
        "wallet_after": after,
    }


def transaction_lines(
    services: Any, player_id: str, txn_type: str | None, currency: str | None
) -> list[dict[str, Any]]:
    """The player's currency movements, newest first, filtered."""
    lines = []
    for name in [currency] if currency else CURRENCIES:
        for entry in services.wallets.entries(player_id, name):
            if txn_type is not None and entry.kind != txn_type:
                continue
            source_type, _, source_id = entry.transaction_id.partition(":")
            lines.append(
                {
                    "txn_id": entry.transaction_id,
                    "txn_type": entry.kind,
                    "resource": name,
                    "amount": entry.amount,
                    "balance_after": entry.balance_after,
                    "source_type": source_type,
                    "source_id": source_id.split(":")[-1] if source_id else None,
                    "description": entry.description,
                    "created_at": entry.created_at,
                }
            )
    lines.sort(key=lambda line: (line["created_at"], line["txn_id"]), reverse=True)
    return lines
