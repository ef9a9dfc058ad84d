"""The ledger's checks before anything is written: a transaction balances, moves something, in whole units."""

from decimal import Decimal

import pytest

from shared.errors import InvalidInput
from shared.ledger import Posting, _merge_and_check, escrow_account, system_account, user_account

ALICE, BOB = user_account("alice", "DOF"), user_account("bob", "DOF")
PLATFORM = system_account("platform", "DOF")


def test_a_balanced_transaction_nets_postings_per_account():
    merged = _merge_and_check([Posting(ALICE, -100), Posting(BOB, 70), Posting(PLATFORM, 35), Posting(ALICE, -5)])
    assert merged == {ALICE: -105, BOB: 70, PLATFORM: 35}


def test_accounts_whose_postings_cancel_out_are_left_out():
    merged = _merge_and_check([Posting(ALICE, -10), Posting(BOB, 10), Posting(PLATFORM, 5), Posting(PLATFORM, -5)])
    assert merged == {ALICE: -10, BOB: 10}


def test_an_unbalanced_transaction_is_refused_with_the_imbalance():
    with pytest.raises(InvalidInput) as refused:
        _merge_and_check([Posting(ALICE, -100), Posting(BOB, 90)])
    assert refused.value.details == {"imbalance": {"DOF": -10}}


def test_balance_is_checked_per_asset_not_across_assets():
    gems = user_account("bob", "GEM")
    with pytest.raises(InvalidInput) as refused:
        _merge_and_check([Posting(ALICE, -50), Posting(gems, 50)])
    assert refused.value.details == {"imbalance": {"DOF": -50, "GEM": 50}}


@pytest.mark.parametrize(
    "postings",
    [[], [Posting(ALICE, 0), Posting(BOB, 0)], [Posting(ALICE, 10), Posting(ALICE, -10)]],
    ids=["no-postings", "zero-amounts", "self-cancelling"],
)
def test_a_transaction_that_moves_nothing_is_refused(postings):
    with pytest.raises(InvalidInput):
        _merge_and_check(postings)


@pytest.mark.parametrize("amount", [10.0, 10.5, Decimal("10"), "10", True, None])
def test_amounts_must_be_whole_units(amount):
    with pytest.raises(InvalidInput) as refused:
        _merge_and_check([Posting(ALICE, -10), Posting(BOB, amount)])
    assert "whole units" in refused.value.message


def test_a_transaction_must_fit_one_dynamodb_transaction_with_room_for_extra_writes():
    # Each account costs two items (balance and entry) besides the transaction record: 44 fit in 90, 45 do not.
    def spread_over(accounts: int) -> list[Posting]:
        escrows = [Posting(escrow_account(f"c{i}", "DOF"), 1) for i in range(accounts - 1)]
        return [*escrows, Posting(ALICE, -(accounts - 1))]

    assert len(_merge_and_check(spread_over(44))) == 44
    with pytest.raises(InvalidInput):
        _merge_and_check(spread_over(45))
