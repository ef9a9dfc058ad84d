"""Player-to-player trades (rules in data/economy.json: 50 matches to unlock, 5 a UTC day, 5 to 50
units, 10 % tax).

Decisions the spec leaves open:

* A trade is a gift of one currency, executed at once (``status: completed``): the sender pays
  ``amount``; the tax, 10 % rounded up to a whole unit (5 of 50, 1 of 5), goes to
  ``system:trade_tax``; the receiver gets the rest. One ledger transaction does all of it,
  together with the trade record and the sender's daily count.
* Tradeable: every currency except Primordial Sparks (``tradeable`` in the data).
* Both players must have unlocked trading (50 finished matches): a receiver who has not is 400
  ``RECEIVER_TRADING_LOCKED``, which stops fresh accounts from being used as mules.
* **A receiver at a cap**: the trade is refused with 400 ``RECEIVER_AT_CAP`` (``details.room``
  says how much they can take) and nothing moves. Clipping would burn the sender's currency.
* The daily limit counts trades sent per UTC day; the count commits with the trade under the
  condition ``trades < 5``, so parallel requests cannot pass it.
* Errors, in order: 400 ``INVALID_AMOUNT``, 400 ``VALIDATION_ERROR`` (currency not tradeable),
  400 ``TRADING_LOCKED``, 404 ``RECEIVER_NOT_FOUND`` (username, case-insensitive), 400
  ``SELF_TRADE``, 400 ``RECEIVER_TRADING_LOCKED``, 400 ``DAILY_LIMIT_REACHED``, 400
  ``INSUFFICIENT_FUNDS``, 400 ``RECEIVER_AT_CAP``.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from cosmic_ttt.catalogue import economy
from cosmic_ttt.logic import economy as money
from cosmic_ttt.logic.achievements import effects
from cosmic_ttt.logic.progression import ProgressChange
from shared.errors import InvalidInput, NotFound
from shared.ledger import BalanceCapExceeded, Posting, system_account, user_account


def tax_on(amount: int) -> int:
    return -(-amount * economy().trading.tax_percent // 100)


def status_view(services: Any, player_id: str, day: date) -> dict[str, Any]:
    rules = economy().trading
    matches = services.players.progress(player_id)["matches"]
    today = services.players.trades_on(player_id, day.isoformat())
    return {
        "trading_enabled": matches >= rules.matches_required,
        "unlock_requirements": {
            "matches_required": rules.matches_required,
            "matches_played": matches,
            "met": matches >= rules.matches_required,
        },
        "daily_limit": {
            "max_trades": rules.max_trades_per_day,
            "trades_today": today,
            "remaining": max(rules.max_trades_per_day - today, 0),
            "resets_at": datetime.combine(day + timedelta(days=1), time.min).isoformat() + "Z",
        },
        "tax_rate": rules.tax_percent / 100,
    }


def trade(
    services: Any, sender_id: str, receiver_username: str, currency: str, amount: int, day: date, now: str
) -> dict[str, Any]:
    rules = economy().trading
    if not rules.min_amount <= amount <= rules.max_amount:
        raise InvalidInput(
            f"Amount must be {rules.min_amount}-{rules.max_amount}",
            {"min": rules.min_amount, "max": rules.max_amount, "amount": amount},
            code="INVALID_AMOUNT",
        )
    rule = economy().currencies.get(currency)
    if rule is None or not rule.tradeable:
        tradeable = [name for name, r in economy().currencies.items() if r.tradeable]
        raise InvalidInput(f"{currency} cannot be traded", {"tradeable": tradeable})
    sender_progress = services.players.progress(sender_id)
    if sender_progress["matches"] < rules.matches_required:
        raise InvalidInput(
            f"Trading unlocks after {rules.matches_required} matches",
            {"matches_required": rules.matches_required, "matches_played": sender_progress["matches"]},
            code="TRADING_LOCKED",
        )
    receiver = services.players.by_username(receiver_username)
    if receiver is None:
        raise NotFound(f"No player named {receiver_username}", code="RECEIVER_NOT_FOUND")
    receiver_id = receiver["player_id"]
    if receiver_id == sender_id:
        raise InvalidInput("You cannot trade with yourself", code="SELF_TRADE")
    if services.players.progress(receiver_id)["matches"] < rules.matches_required:
        raise InvalidInput(f"{receiver['username']} has not unlocked trading yet", code="RECEIVER_TRADING_LOCKED")
    limit_reached = lambda: InvalidInput(  # noqa: E731
        f"At most {rules.max_trades_per_day} trades a day",
        {"max_trades": rules.max_trades_per_day},
        code="DAILY_LIMIT_REACHED",
    )
    if services.players.trades_on(sender_id, day.isoformat()) >= rules.max_trades_per_day:
        raise limit_reached()
    money.require_funds(
        services.wallets.balances(sender_id, [currency]), {currency: amount}, "INSUFFICIENT_FUNDS", "trade"
    )
    tax = tax_on(amount)
    received = amount - tax
    cap = economy().caps.get(currency)
    if cap is not None:
        held = services.wallets.balances(receiver_id, [currency])[currency]
        if held + received > cap:
            raise InvalidInput(
                f"{receiver['username']} cannot hold that much {rule.name}",
                {"cap": cap, "room": max(cap - held, 0), "amount_received": received},
                code="RECEIVER_AT_CAP",
            )
    trade_id = services.new_id()
    record = {
        "trade_id": trade_id,
        "sender_id": sender_id,
        "receiver_id": receiver_id,
        "resource_type": currency,
        "amount_sent": amount,
        "tax_amount": tax,
        "amount_received": received,
        "status": "completed",
        "executed_at": now,
    }
    consequences = effects(services, sender_id, sender_progress, ProgressChange.adding(trades_sent=1), now)
    try:
        moved = _post_trade(services, record, rule.name, receiver["username"], consequences.writes, limit_reached)
    except BalanceCapExceeded as error:  # the receiver's balance grew since it was read
        raise InvalidInput(
            f"{receiver['username']} cannot hold that much {rule.name}",
            {"cap": cap, "amount_received": received},
            code="RECEIVER_AT_CAP",
        ) from error
    services.notify(sender_id, consequences.events)
    assert moved.posted is not None
    after = money.balances_after(services, moved.posted, sender_id, [currency])
    return {**record, "wallet_after": after}


def _post_trade(
    services: Any, record: dict[str, Any], name: str, receiver_name: str, writes: list, limit_reached: Any
) -> money.Movement:
    from cosmic_ttt.dal.players import plain

    sender_id, receiver_id, currency = record["sender_id"], record["receiver_id"], record["resource_type"]
    amount, tax, day = record["amount_sent"], record["tax_amount"], record["executed_at"][:10]
    return money.move(
        services,
        f"trade:{record['trade_id']}",
        sender_id,
        f"Trade: {amount} {name} to {receiver_name}",
        "trade",
        postings=[
            Posting(user_account(sender_id, currency), -amount),
            Posting(user_account(receiver_id, currency), amount - tax),
            Posting(system_account("trade_tax", currency), tax),
        ],
        extra_writes=[
            services.players.count_trade(sender_id, day, economy().trading.max_trades_per_day, limit_reached),
            plain(services.shop.record_trade(record)),
            *writes,
        ],
        metadata={"receiver_id": receiver_id},
    )
