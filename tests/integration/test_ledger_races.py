"""Races at the ledger itself: a competing transaction commits between our read and our write.

The runtime serialises invocations like one Lambda instance, so HTTP-level races are decided in
arrival order. Here the interleaving is forced instead: the competitor commits after the first
transfer read the sender's balance and just before it writes, the way two Lambda instances race
in AWS. The version condition must turn the stale write into a re-read and a clean 402.
"""

import uuid
from typing import Any

import pytest

from shared import aws
from shared.errors import InsufficientFunds
from shared.ledger import Ledger, Posting, system_account, user_account

PLATFORM = system_account("platform", "DOF")
OUTSIDE = system_account("external", "DOF")


class CompetitorFirst:
    """A DynamoDB client that lets ``competitor`` commit right before our first write."""

    def __init__(self, competitor):
        self.client = aws.dynamodb()
        self.competitor = competitor
        self.fired = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def transact_write_items(self, **request: Any) -> Any:
        if not self.fired:
            self.fired = True
            self.competitor()
        return self.client.transact_write_items(**request)


def funded_account(ledger: Ledger, amount: int) -> str:
    account = user_account(f"usr_race_{uuid.uuid4().hex[:10]}", "DOF")
    ledger.post(f"fund-{uuid.uuid4().hex}", [Posting(OUTSIDE, -amount), Posting(account, amount)], "test funds")
    return account


def transfer_postings(sender: str, recipient: str, amount: int) -> list[Posting]:
    fee = (amount + 5) // 10
    return [Posting(sender, -amount), Posting(recipient, amount - fee), Posting(PLATFORM, fee)]


def test_the_loser_of_a_race_for_the_last_dofs_gets_insufficient_funds(runtime):
    table = runtime.physical_id("LedgerTable")
    ledger = Ledger(table, "test")
    sender = funded_account(ledger, 1_000)
    first, second = user_account("usr_first", "DOF"), user_account(f"usr_{uuid.uuid4().hex[:8]}", "DOF")
    before = ledger.balances([sender, first, second, PLATFORM])
    outcomes = []

    def competitor() -> None:
        outcomes.append(ledger.post(f"trf-b-{uuid.uuid4().hex}", transfer_postings(sender, second, 800), "b"))

    racing = Ledger(table, "test", client_factory=lambda: racing_client)
    racing_client = CompetitorFirst(competitor)
    # When transfer A has read 1,000 DOFs but transfer B commits first
    with pytest.raises(InsufficientFunds) as lost:
        racing.post(f"trf-a-{uuid.uuid4().hex}", transfer_postings(sender, first, 800), "a")
    # Then B won, A saw the new balance and failed with the real figures
    assert len(outcomes) == 1
    assert lost.value.details == {"required": 800, "available": 200, "shortfall": 600}
    after = ledger.balances([sender, first, second, PLATFORM])
    assert after[sender][0] == 200
    assert after[first][0] == before[first][0]
    # and the total over every account touched is unchanged
    assert sum(balance for balance, _ in after.values()) == sum(balance for balance, _ in before.values())


def test_a_race_that_leaves_enough_for_both_commits_both(runtime):
    table = runtime.physical_id("LedgerTable")
    ledger = Ledger(table, "test")
    sender = funded_account(ledger, 1_000)
    recipient = user_account(f"usr_{uuid.uuid4().hex[:8]}", "DOF")

    def competitor() -> None:
        ledger.post(f"trf-b-{uuid.uuid4().hex}", transfer_postings(sender, recipient, 300), "b")

    racing_client = CompetitorFirst(competitor)
    racing = Ledger(table, "test", client_factory=lambda: racing_client)
    posted = racing.post(f"trf-a-{uuid.uuid4().hex}", transfer_postings(sender, recipient, 300), "a")
    # the retried write saw the competitor's result, so balances chain exactly
    assert posted.change_for(sender).balance_before == 700
    assert posted.change_for(sender).balance_after == 400
    assert ledger.balance(sender) == 400
    assert ledger.balance(recipient) == 540
