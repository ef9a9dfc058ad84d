"""Properties of the ledger under random sequences of postings, against DynamoDB (moto).

Each Hypothesis example gets fresh accounts (its own asset, ``T<uuid>``) in a fresh table defined
exactly as the template's ``LedgerTable``: examples never see each other's money, and the
session's shared table does not grow (moto copies a whole table on every transaction).
"""

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from local.runtime import LocalRuntime
from shared import aws
from shared.dynamo import to_item
from shared.errors import Conflict, InsufficientFunds, InvalidInput, NotFound
from shared.ledger import (
    EXTERNAL,
    PLATFORM,
    ExtraWrite,
    Ledger,
    LedgerConflict,
    LedgerEntry,
    Posting,
    escrow_account,
    is_tracked,
    system_account,
    user_account,
)
from shared.pagination import encode_cursor

USERS = 3
amounts = st.integers(min_value=1, max_value=1_500)


def create_ledger_table(runtime: LocalRuntime) -> str:
    """A new, empty table with the template's LedgerTable definition."""
    properties = runtime.resource("LedgerTable").resolved()
    name = f"LedgerTable-{uuid.uuid4().hex[:12]}"
    wanted = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")
    aws.dynamodb().create_table(TableName=name, **{key: properties[key] for key in wanted if key in properties})
    return name


@pytest.fixture
def table(runtime: LocalRuntime) -> Iterator[str]:
    name = create_ledger_table(runtime)
    yield name
    aws.dynamodb().delete_table(TableName=name)


def fresh_accounts() -> dict[str, str]:
    asset = f"T{uuid.uuid4().hex[:12]}"
    accounts = {f"user{i}": user_account(f"u{i}", asset) for i in range(USERS)}
    accounts["escrow"] = escrow_account("contract", asset)
    accounts["platform"] = system_account(PLATFORM, asset)
    accounts["external"] = system_account(EXTERNAL, asset)
    return accounts


def chronological(ledger: Ledger, account: str) -> list[LedgerEntry]:
    """Every history entry of an account, oldest first, read page by page as a wallet would."""
    entries: list[LedgerEntry] = []
    cursor = None
    while True:
        _, page = ledger.history(account, limit=7, cursor=cursor)
        entries.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return list(reversed(entries))


def marker_write(table: str, key: str, must_exist: bool) -> ExtraWrite:
    """A write committed with a posting; ``must_exist`` makes its condition fail on a fresh key."""
    return ExtraWrite(
        {
            "Put": {
                "TableName": table,
                "Item": to_item({"pk": f"MARKER#{key}", "sk": "MARKER"}),
                "ConditionExpression": "attribute_exists(pk)" if must_exist else "attribute_not_exists(pk)",
            }
        },
        lambda: NotFound("the guarded record is missing", code="GUARD_FAILED"),
    )


def marker_exists(table: str, key: str) -> bool:
    response = aws.dynamodb().get_item(
        TableName=table, Key={"pk": {"S": f"MARKER#{key}"}, "sk": {"S": "MARKER"}}, ConsistentRead=True
    )
    return "Item" in response


class LedgerMachine(RuleBasedStateMachine):
    """Random deposits, transfers, splits, withdrawals, replays and guarded postings, checked against a model."""

    runtime: LocalRuntime  # set by the test that runs the machine

    def __init__(self) -> None:
        super().__init__()
        self.table = create_ledger_table(self.runtime)
        self.ledger = Ledger(self.table, "test")
        self.accounts = fresh_accounts()
        self.expected = dict.fromkeys(self.accounts.values(), 0)
        self.postings_per_account = dict.fromkeys(self.accounts.values(), 0)
        self.committed: list[tuple[str, list[Posting]]] = []

    # -- helpers ---------------------------------------------------------------------------

    def would_overdraw(self, postings: list[Posting]) -> bool:
        net: dict[str, int] = {}
        for posting in postings:
            net[posting.account] = net.get(posting.account, 0) + posting.amount
        return any(
            self.expected[account] + amount < 0
            for account, amount in net.items()
            if account != self.accounts["external"]
        )

    def attempt(self, postings: list[Posting], extra_writes: list[ExtraWrite] | None = None) -> None:
        transaction_id = f"txn-{uuid.uuid4().hex}"
        if self.would_overdraw(postings):
            # Then an overdraft is refused and nothing moves
            with pytest.raises(InsufficientFunds):
                self.ledger.post(transaction_id, postings, "overdraft attempt", extra_writes=extra_writes)
            assert self.ledger.get_transaction(transaction_id) is None
            return
        posted = self.ledger.post(transaction_id, postings, "random posting", {"kind": "test"}, extra_writes)
        assert not posted.replayed
        for change in posted.changes:
            if is_tracked(change.account):
                assert change.balance_before == self.expected[change.account]
                assert change.balance_after == change.balance_before + change.amount
        self.apply(postings)
        self.committed.append((transaction_id, postings))

    def apply(self, postings: list[Posting]) -> None:
        net: dict[str, int] = {}
        for posting in postings:
            net[posting.account] = net.get(posting.account, 0) + posting.amount
        for account, amount in net.items():
            self.expected[account] += amount
            if amount:
                self.postings_per_account[account] += 1

    def user(self, index: int) -> str:
        return self.accounts[f"user{index}"]

    # -- rules -----------------------------------------------------------------------------

    @rule(to=st.integers(0, USERS - 1), amount=amounts)
    def deposit_from_outside(self, to: int, amount: int) -> None:
        self.attempt([Posting(self.accounts["external"], -amount), Posting(self.user(to), amount)])

    @rule(
        sender=st.sampled_from(["user0", "user1", "user2", "escrow", "platform"]),
        receiver=st.sampled_from(["user0", "user1", "user2", "escrow", "platform"]),
        amount=amounts,
    )
    def transfer(self, sender: str, receiver: str, amount: int) -> None:
        if sender == receiver:
            return
        self.attempt([Posting(self.accounts[sender], -amount), Posting(self.accounts[receiver], amount)])

    @rule(payer=st.integers(0, USERS - 1), payee=st.integers(0, USERS - 1))
    def spend_everything(self, payer: int, payee: int) -> None:
        everything = self.expected[self.user(payer)]
        if payer != payee and everything:
            self.attempt([Posting(self.user(payer), -everything), Posting(self.user(payee), everything)])

    @rule(payer=st.integers(0, USERS - 1), amount=amounts, fee_percent=st.integers(0, 100))
    def pay_into_escrow_with_a_platform_fee(self, payer: int, amount: int, fee_percent: int) -> None:
        fee = amount * fee_percent // 100
        legs = [Posting(self.user(payer), -amount), Posting(self.accounts["escrow"], amount - fee)]
        if fee:
            legs.append(Posting(self.accounts["platform"], fee))
        self.attempt(legs)

    @rule(source=st.integers(0, USERS - 1), amount=amounts)
    def withdraw_to_outside(self, source: int, amount: int) -> None:
        self.attempt([Posting(self.user(source), -amount), Posting(self.accounts["external"], amount)])

    @precondition(lambda self: self.committed)
    @rule(data=st.data())
    def retry_a_committed_transaction(self, data: st.DataObject) -> None:
        # Given a transaction that was posted, most often a recent one, perhaps before money moved on
        transaction_id, postings = data.draw(st.sampled_from(self.committed[::-1]))
        # When it is posted again with the same id
        replay = self.ledger.post(transaction_id, postings, "a client retry")
        # Then the first result comes back and no money moves (the invariants check the balances)
        assert replay.replayed
        assert {c.account: c.amount for c in replay.changes} == _net(postings)

    @precondition(lambda self: self.committed)
    @rule(data=st.data(), amount=amounts)
    def reuse_an_id_for_a_different_transaction(self, data: st.DataObject, amount: int) -> None:
        transaction_id, postings = data.draw(st.sampled_from(self.committed))
        different = [Posting(self.accounts["external"], -amount), Posting(self.user(0), amount)]
        if _net(different) == _net(postings):
            return
        with pytest.raises(Conflict) as refused:
            self.ledger.post(transaction_id, different, "not the same transaction")
        assert refused.value.code == "TRANSACTION_ID_REUSED"

    @rule(to=st.integers(0, USERS - 1), amount=amounts)
    def posting_whose_extra_write_fails_leaves_no_trace(self, to: int, amount: int) -> None:
        # Given a deposit that must commit together with a write whose condition fails
        transaction_id = f"txn-{uuid.uuid4().hex}"
        key = uuid.uuid4().hex
        postings = [Posting(self.accounts["external"], -amount), Posting(self.user(to), amount)]
        good, bad = f"{key}-good", f"{key}-bad"
        # When it is posted
        with pytest.raises(NotFound) as refused:
            self.ledger.post(
                transaction_id,
                postings,
                "guarded",
                extra_writes=[marker_write(self.table, good, False), marker_write(self.table, bad, True)],
            )
        # Then the extra write's own error is raised and nothing at all was written
        assert refused.value.code == "GUARD_FAILED"
        assert self.ledger.get_transaction(transaction_id) is None
        assert not marker_exists(self.table, good)

    @rule(to=st.integers(0, USERS - 1), amount=amounts)
    def posting_with_a_succeeding_extra_write_commits_both(self, to: int, amount: int) -> None:
        key = uuid.uuid4().hex
        self.attempt(
            [Posting(self.accounts["external"], -amount), Posting(self.user(to), amount)],
            [marker_write(self.table, key, False)],
        )
        assert marker_exists(self.table, key)

    # -- invariants --------------------------------------------------------------------------

    @invariant()
    def balances_match_the_model_sum_to_zero_and_never_go_negative(self) -> None:
        stored = {account: balance for account, (balance, _) in self.ledger.balances(self.accounts.values()).items()}
        assert stored == self.expected
        assert sum(stored.values()) == 0
        for account, balance in stored.items():
            if account != self.accounts["external"]:
                assert balance >= 0, account

    def teardown(self) -> None:
        try:
            self.every_posting_left_one_chained_history_entry_per_account()
        finally:
            aws.dynamodb().delete_table(TableName=self.table)

    def every_posting_left_one_chained_history_entry_per_account(self) -> None:
        # Tracked accounts chain: each entry starts from the balance the previous one ended at.
        for account, expected_balance in self.expected.items():
            entries = chronological(self.ledger, account)
            assert len(entries) == self.postings_per_account[account], account
            assert sum(entry.amount for entry in entries) == expected_balance
            if is_tracked(account):
                running = 0
                for entry in entries:
                    assert entry.balance_before == running
                    assert entry.balance_after == running + entry.amount
                    running = entry.balance_after
            assert self.ledger.history(account, limit=1)[0] == expected_balance


def _net(postings: list[Posting]) -> dict[str, int]:
    net: dict[str, int] = {}
    for posting in postings:
        net[posting.account] = net.get(posting.account, 0) + posting.amount
    return {account: amount for account, amount in net.items() if amount}


def test_ledger_invariants_hold_under_random_postings(runtime):
    LedgerMachine.runtime = runtime
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


# -- concurrency -------------------------------------------------------------------------------


class CompetingClient:
    """The real DynamoDB client, except that a competing writer commits first, just before
    this ledger's transaction (after it has read the balances it plans from)."""

    def __init__(self, compete: Callable[[], None], times: int = 1):
        self._client = aws.dynamodb()
        self._compete = compete
        self.remaining = times
        self.transactions = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def transact_write_items(self, **kwargs: Any) -> Any:
        self.transactions += 1
        if self.remaining:
            self.remaining -= 1
            self._compete()
        return self._client.transact_write_items(**kwargs)


def funded(ledger: Ledger, account: str, amount: int) -> None:
    asset = account.rsplit(":", 1)[1]
    ledger.post(
        f"fund-{uuid.uuid4().hex}",
        [Posting(system_account(EXTERNAL, asset), -amount), Posting(account, amount)],
        "fund",
    )


def balances_of(ledger: Ledger, *accounts: str) -> list[int]:
    found = ledger.balances(accounts)
    return [found[account][0] for account in accounts]


def test_a_competing_write_between_read_and_write_is_retried_and_both_postings_count(table):
    # Given a user with 1,000 and a ledger whose first write is beaten by another posting
    plain = Ledger(table, "test")
    accounts = fresh_accounts()
    payer, first_payee, second_payee = accounts["user0"], accounts["user1"], accounts["user2"]
    funded(plain, payer, 1_000)
    competitor = CompetingClient(
        lambda: plain.post(f"c-{uuid.uuid4().hex}", [Posting(payer, -200), Posting(second_payee, 200)], "competitor")
    )
    racing = Ledger(table, "test", client_factory=lambda: competitor)
    # When it posts its own payment
    posted = racing.post(f"r-{uuid.uuid4().hex}", [Posting(payer, -300), Posting(first_payee, 300)], "racer")
    # Then it retried once, planned from the new balance, and both payments are in
    assert competitor.transactions == 2
    assert posted.change_for(payer).balance_before == 800
    assert balances_of(plain, payer, first_payee, second_payee) == [500, 300, 200]
    assert [e.balance_after for e in chronological(plain, payer)] == [1_000, 800, 500]


def test_two_postings_racing_for_the_last_funds_one_wins_the_other_is_insufficient(table):
    # Given a user whose whole balance two payments want
    plain = Ledger(table, "test")
    accounts = fresh_accounts()
    payer, loser_payee, winner_payee = accounts["user0"], accounts["user1"], accounts["user2"]
    funded(plain, payer, 100)
    competitor = CompetingClient(
        lambda: plain.post(f"w-{uuid.uuid4().hex}", [Posting(payer, -100), Posting(winner_payee, 100)], "winner")
    )
    racing = Ledger(table, "test", client_factory=lambda: competitor)
    late = f"l-{uuid.uuid4().hex}"
    # When the second arrives after it read the balance but before it wrote
    with pytest.raises(InsufficientFunds) as refused:
        racing.post(late, [Posting(payer, -100), Posting(loser_payee, 100)], "loser")
    # Then it is refused, the first payment stands, and the balance never went below zero
    assert refused.value.available == 0
    assert balances_of(plain, payer, loser_payee, winner_payee) == [0, 0, 100]
    assert plain.get_transaction(late) is None


def test_two_debits_racing_for_a_system_accounts_last_funds_cannot_overdraw_it(table):
    # Given a platform account (updated blindly, without a version) holding 100
    plain = Ledger(table, "test")
    accounts = fresh_accounts()
    platform = accounts["platform"]
    funded(plain, platform, 100)
    competitor = CompetingClient(
        lambda: plain.post(f"w-{uuid.uuid4().hex}", [Posting(platform, -100), Posting(accounts["user1"], 100)], "win")
    )
    racing = Ledger(table, "test", client_factory=lambda: competitor)
    # When a second payout of 100 is beaten to it
    with pytest.raises(InsufficientFunds):
        racing.post(f"l-{uuid.uuid4().hex}", [Posting(platform, -100), Posting(accounts["user2"], 100)], "lose")
    # Then the platform account is empty, not negative
    assert balances_of(plain, platform, accounts["user1"], accounts["user2"]) == [0, 100, 0]


def test_the_same_transaction_posted_concurrently_takes_effect_once(table):
    # Given a client retry that races the original request with the same transaction id
    plain = Ledger(table, "test")
    accounts = fresh_accounts()
    payer, payee = accounts["user0"], accounts["user1"]
    funded(plain, payer, 500)
    transaction_id = f"dup-{uuid.uuid4().hex}"
    postings = [Posting(payer, -400), Posting(payee, 400)]
    competitor = CompetingClient(lambda: plain.post(transaction_id, postings, "original"))
    racing = Ledger(table, "test", client_factory=lambda: competitor)
    # When the retry writes second
    retried = racing.post(transaction_id, postings, "retry")
    # Then it reports the original as a replay and the money moved once
    assert retried.replayed
    assert balances_of(plain, payer, payee) == [100, 400]


def test_writers_that_keep_winning_give_a_retryable_conflict_and_nothing_half_written(table):
    # Given an account that another writer changes before every one of our attempts
    plain = Ledger(table, "test")
    accounts = fresh_accounts()
    payer, payee, other = accounts["user0"], accounts["user1"], accounts["user2"]
    funded(plain, payer, 10_000)
    competitor = CompetingClient(
        lambda: plain.post(f"c-{uuid.uuid4().hex}", [Posting(payer, -1), Posting(other, 1)], "busy"), times=100
    )
    racing = Ledger(table, "test", client_factory=lambda: competitor)
    transaction_id = f"busy-{uuid.uuid4().hex}"
    # When we post
    with pytest.raises(LedgerConflict):
        racing.post(transaction_id, [Posting(payer, -50), Posting(payee, 50)], "starved")
    # Then the caller is told to retry, and none of our posting was written
    assert plain.get_transaction(transaction_id) is None
    assert balances_of(plain, payee)[0] == 0
    payer_balance, other_balance = balances_of(plain, payer, other)
    assert payer_balance + other_balance == 10_000


# -- history cursors ---------------------------------------------------------------------------


def test_a_history_cursor_only_pages_through_the_account_it_was_issued_for(table):
    # Given two accounts with enough history to page
    ledger = Ledger(table, "test")
    accounts = fresh_accounts()
    mine, theirs = accounts["user0"], accounts["user1"]
    for _ in range(3):
        funded(ledger, mine, 10)
        funded(ledger, theirs, 10)
    _, first_page = ledger.history(mine, limit=1)
    _, their_page = ledger.history(theirs, limit=1)
    assert first_page.next_cursor and their_page.next_cursor
    # When their cursor is handed to my history
    # Then it is invalid input (400), and none of their entries are read
    with pytest.raises(InvalidInput):
        ledger.history(mine, limit=1, cursor=their_page.next_cursor)
    _, second_page = ledger.history(mine, limit=1, cursor=first_page.next_cursor)
    assert len(second_page.items) == 1


@pytest.mark.parametrize(
    "start_key",
    [
        lambda account: {"pk": {"S": f"ACCOUNT#{account}"}},  # no sort key
        lambda account: {"pk": {"S": f"ACCOUNT#{account}"}, "sk": {"N": "1"}},  # wrong type
        lambda account: {"pk": {"S": f"ACCOUNT#{account}"}, "sk": {"S": "x"}, "extra": {"S": "y"}},
        lambda account: {"pk": {"S": f"ACCOUNT#{account}"}, "sk": {"S": ""}},  # DynamoDB refuses empty keys
        lambda account: {"pk": {"S": f"ACCOUNT#{account}"}, "sk": {"S": ["not", "a", "string"]}},
    ],
    ids=["no-sort-key", "numeric-sort-key", "extra-attribute", "empty-sort-key", "list-sort-key"],
)
def test_a_forged_history_cursor_is_invalid_input_not_a_server_error(table, start_key):
    ledger = Ledger(table, "test")
    account = fresh_accounts()["user0"]
    funded(ledger, account, 10)
    with pytest.raises(InvalidInput):
        ledger.history(account, cursor=encode_cursor(start_key(account)))


class RefusingClient:
    """DynamoDB refusing the query's start key, as it does for keys that do not fit the table."""

    def __init__(self) -> None:
        self._client = aws.dynamodb()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def query(self, **kwargs: Any) -> Any:
        error = {"Code": "ValidationException", "Message": "The provided starting key is invalid"}
        raise ClientError({"Error": error}, "Query")


def test_dynamodb_refusing_a_cursor_is_invalid_input_not_a_server_error(table):
    client = RefusingClient()
    ledger = Ledger(table, "test", client_factory=lambda: client)
    account = fresh_accounts()["user0"]
    cursor = encode_cursor({"pk": {"S": f"ACCOUNT#{account}"}, "sk": {"S": "ENTRY#x"}})
    with pytest.raises(InvalidInput) as refused:
        ledger.history(account, cursor=cursor)
    assert refused.value.details == {"cursor": cursor}
