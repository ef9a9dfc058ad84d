"""The spec's scenario 4, "Concurrent Purchase Conflict": two buyers attempt to purchase the last
item; the first succeeds, the second receives an error, and no currency is lost.

Over HTTP, both requests are sent at once from two threads. The local runtime may decide such a
race in arrival order, so the interleaving that matters is also forced at the ledger: the
competitor's purchase commits after ours read the listing and the lock account, right before our
write, the way two Lambda instances race in AWS. Our stale write must fail its conditions and turn
into a clean 409 with the buyer's coin untouched.
"""

import threading
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from shared.ledger import Ledger
from tests.integration.test_ledger_races import CompetitorFirst
from tests.support.bluemarble import conservation_problems, ledger_balances


def test_two_buyers_race_for_the_last_item_over_http(bluemarble, runtime):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 1)])
    buyers = [bluemarble.funded(coin="50.00"), bluemarble.funded(coin="50.00")]
    listing = bluemarble.list_item(seller, item, 1, "10.00")
    start = threading.Barrier(2)
    outcomes: dict[int, Any] = {}

    def buy(number: int) -> None:
        start.wait()
        outcomes[number] = bluemarble.buy(buyers[number], listing["id"], 1)

    threads = [threading.Thread(target=buy, args=(number,)) for number in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(response.status_code for response in outcomes.values())
    assert statuses == [201, 409], [response.text for response in outcomes.values()]
    loser = next(number for number, response in outcomes.items() if response.status_code == 409)
    winner = 1 - loser
    assert outcomes[loser].json()["error"]["code"] == "LISTING_UNAVAILABLE"
    assert bluemarble.balance(buyers[loser]) == Decimal("50.00")
    assert bluemarble.balance(buyers[winner]) == Decimal("39.50")  # 10.00 + 5% fee
    assert bluemarble.inventory(buyers[winner])[("Aethermoor", item)] == 1
    assert (("Aethermoor", item)) not in bluemarble.inventory(buyers[loser])
    assert not conservation_problems(ledger_balances(runtime))


@pytest.mark.parametrize("remaining", [1, 3])
def test_a_purchase_that_loses_the_race_re_reads_and_never_oversells(bluemarble, runtime, remaining):
    from bluemarble_market import dependencies
    from bluemarble_market.logic.market import Player
    from bluemarble_market.logic.purchases import purchase

    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, remaining)])
    first, second = bluemarble.funded(coin="100.00"), bluemarble.funded(coin="100.00")
    listing = bluemarble.list_item(seller, item, remaining, "10.00")
    with runtime.function_environment("BlueMarbleTransactionsFunction"):
        market = dependencies.market()
        as_player = lambda p: Player(p.player_id, p.name, p.island)  # noqa: E731
        competitor = CompetitorFirst(lambda: purchase(market, as_player(first), listing["id"], remaining - 1 or 1))
        racing = replace(
            market,
            ledger=Ledger(market.ledger.table_name, "bluemarble", market.ledger.asset_rules, lambda: competitor),
        )
        if remaining == 1:
            # the competitor takes the last one between our read and our write: we get 409
            with pytest.raises(Exception) as lost:
                purchase(racing, as_player(second), listing["id"], 1)
            assert getattr(lost.value, "code", None) == "LISTING_UNAVAILABLE"
            assert bluemarble.balance(second) == Decimal("100.00")
        else:
            # the competitor takes 2 of 3 first: we re-read and buy the one that is left
            bought = purchase(racing, as_player(second), listing["id"], 1)
            assert bought["status"] == "COMPLETED"
            assert bluemarble.listing(second, listing["id"])["status"] == "SOLD"
    assert competitor.fired
    assert not conservation_problems(ledger_balances(runtime))


def test_eight_buyers_for_three_items_three_win_and_nobody_loses_coin(bluemarble, runtime):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 3)])
    buyers = [bluemarble.funded(coin="20.00") for _ in range(8)]
    listing = bluemarble.list_item(seller, item, 3, "10.00")
    start = threading.Barrier(len(buyers))
    outcomes: dict[int, Any] = {}

    def buy(number: int) -> None:
        start.wait()
        outcomes[number] = bluemarble.buy(buyers[number], listing["id"], 1)

    threads = [threading.Thread(target=buy, args=(number,)) for number in range(len(buyers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [n for n, response in outcomes.items() if response.status_code == 201]
    losers = [n for n, response in outcomes.items() if response.status_code != 201]
    assert len(winners) == 3, [response.text for response in outcomes.values()]
    assert {outcomes[n].json()["error"]["code"] for n in losers} == {"LISTING_UNAVAILABLE"}
    assert all(bluemarble.balance(buyers[n]) == Decimal("20.00") for n in losers)
    assert all(bluemarble.balance(buyers[n]) == Decimal("9.50") for n in winners)
    assert bluemarble.listing(seller, listing["id"])["status"] == "SOLD"
    assert not conservation_problems(ledger_balances(runtime))
