"""The ledger's companion writes: derived from every posted transaction and committed with it."""

import uuid

import pytest

from shared import aws
from shared.dynamo import from_item, to_item
from shared.errors import InsufficientFunds
from shared.ledger import EXTERNAL, Ledger, Posting, system_account, user_account
from tests.integration.test_ledger_properties import create_ledger_table


def notes_of(table_name: str, account: str) -> list[dict]:
    items = aws.dynamodb().query(
        TableName=table_name,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"NOTE#{account}"}},
    )["Items"]
    return [from_item(item) for item in items]


@pytest.fixture
def table(runtime):
    name = create_ledger_table(runtime)
    yield name
    aws.dynamodb().delete_table(TableName=name)


@pytest.fixture
def ledger(table):
    def balance_notes(posted):
        return [
            {
                "Put": {
                    "TableName": table,
                    "Item": to_item(
                        {
                            "pk": f"NOTE#{change.account}",
                            "sk": f"{posted.transaction_id}",
                            "balance": change.balance_after,
                            "kind": posted.metadata.get("kind"),
                        }
                    ),
                }
            }
            for change in posted.changes
            if change.balance_after is not None
        ]

    return Ledger(table, "test", companion_writes=balance_notes)


def test_every_tracked_change_gets_its_companion_write_in_the_same_transaction(ledger, table):
    asset = f"T{uuid.uuid4().hex[:8]}"
    alice, bob, world = user_account("alice", asset), user_account("bob", asset), system_account(EXTERNAL, asset)
    ledger.post("t1", [Posting(world, -100), Posting(alice, 100)], "grant", {"kind": "grant"})
    ledger.post("t2", [Posting(alice, -30), Posting(bob, 30)], "transfer", {"kind": "transfer"})
    assert [(n["sk"], n["balance"]) for n in notes_of(table, alice)] == [("t1", 100), ("t2", 70)]
    assert [(n["sk"], n["balance"], n["kind"]) for n in notes_of(table, bob)] == [("t2", 30, "transfer")]
    assert notes_of(table, world) == []  # untracked system accounts have no balance to report


def test_a_replay_or_a_refused_transaction_writes_no_companion(ledger, table):
    asset = f"T{uuid.uuid4().hex[:8]}"
    alice, world = user_account("alice", asset), system_account(EXTERNAL, asset)
    ledger.post("t1", [Posting(world, -10), Posting(alice, 10)], "grant")
    assert ledger.post("t1", [Posting(world, -10), Posting(alice, 10)], "grant").replayed
    with pytest.raises(InsufficientFunds):
        ledger.post("t2", [Posting(alice, -50), Posting(world, 50)], "too much")
    assert [n["sk"] for n in notes_of(table, alice)] == ["t1"]
