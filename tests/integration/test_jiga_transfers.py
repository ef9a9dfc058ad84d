"""Transferring DOFs: POST /api/v1/transactions/transfer with its 10% platform fee."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from shared.ledger import Ledger, system_account

TRANSFER = "/api/v1/transactions/transfer"


@pytest.fixture
def platform_balance(runtime):
    ledger = Ledger(runtime.physical_id("LedgerTable"), "jiga")
    return lambda: ledger.balance(system_account("platform", "DOF"))


def transfer(jiga, sender, recipient_id, amount, **extra):
    headers = {**sender.headers, **extra.pop("headers", {})}
    return jiga.client.post(TRANSFER, json={"toUserId": recipient_id, "amount": amount, **extra}, headers=headers)


def test_transfer_moves_dofs_with_exact_balances_and_a_10_percent_fee(jiga, platform_balance):
    # Given a sender with 5,000 DOFs and a recipient with 200
    sender, recipient = jiga.user_with_dofs(5_000), jiga.user_with_dofs(200)
    platform_before = platform_balance()
    # When the sender transfers 1,005 DOFs
    response = transfer(jiga, sender, recipient.user_id, 1_005, note="Gift for team member")
    # Then the sender pays 1,005, the platform keeps 101 (10% rounded half up), the recipient gets 904
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["transactionId"].startswith("trf_")
    assert body["fee"] == 101
    assert body["from"] == {"userId": sender.user_id, "previousBalance": 5_000, "newBalance": 3_995}
    assert body["to"] == {"userId": recipient.user_id, "previousBalance": 200, "newBalance": 1_104}
    assert body["completedAt"].endswith("Z")
    assert jiga.balance(sender) == 3_995
    assert jiga.balance(recipient) == 1_104
    assert platform_balance() - platform_before == 101
    # and both wallets show the transfer in their history
    history = jiga.client.get("/api/v1/wallet", headers=recipient.headers).json()["history"]
    assert history[0]["transactionId"] == body["transactionId"]
    assert history[0]["amount"] == 904
    assert history[0]["kind"] == "transfer"


def test_a_sender_can_send_their_whole_balance(jiga):
    sender, recipient = jiga.user_with_dofs(10), jiga.register()
    response = transfer(jiga, sender, recipient.user_id, 10)
    assert response.status_code == 200
    assert response.json()["fee"] == 1
    assert response.json()["from"]["newBalance"] == 0
    assert response.json()["to"]["newBalance"] == 9


def test_not_enough_dofs_is_402_with_details_and_moves_nothing(jiga):
    sender, recipient = jiga.user_with_dofs(2_500), jiga.register()
    response = transfer(jiga, sender, recipient.user_id, 5_000)
    assert response.status_code == 402
    error = response.json()["error"]
    assert error["code"] == "INSUFFICIENT_DOFS"
    assert error["details"] == {"required": 5_000, "available": 2_500, "shortfall": 2_500}
    assert "Required: 5000, Available: 2500" in error["message"]
    assert jiga.balance(sender) == 2_500
    assert jiga.balance(recipient) == 0


def test_unknown_recipient_is_404_user_not_found(jiga, pair):
    sender, _ = pair
    response = transfer(jiga, sender, "usr_does_not_exist", 100)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "USER_NOT_FOUND"
    assert jiga.balance(sender) == 1_000


def test_transfer_to_self_is_422(jiga, pair):
    sender, _ = pair
    response = transfer(jiga, sender, sender.user_id, 100)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "CANNOT_TRANSFER_TO_SELF"
    assert jiga.balance(sender) == 1_000


@pytest.fixture(scope="module")
def pair(jiga):
    """A funded sender and a recipient for requests that are refused (their balances never move)."""
    return jiga.user_with_dofs(1_000), jiga.register()


@pytest.mark.parametrize("amount", [0, -100, 9, 10.5, "100", None, 1_000_000_001, True])
def test_invalid_transfer_amounts_are_400(jiga, pair, amount):
    sender, recipient = pair
    response = transfer(jiga, sender, recipient.user_id, amount)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "INVALID_INPUT"
    assert "amount" in {detail["field"] for detail in response.json()["error"]["details"]}
    assert jiga.balance(sender) == 1_000


def test_two_transfers_racing_for_the_last_dofs_one_wins_one_gets_402(jiga, platform_balance):
    # Given a sender whose 1,000 DOFs can pay for only one of two transfers
    sender = jiga.user_with_dofs(1_000)
    first, second = jiga.register(), jiga.register()
    platform_before = platform_balance()
    # When both transfers are sent at the same time
    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(lambda recipient: transfer(jiga, sender, recipient.user_id, 800), (first, second)))
    # Then exactly one succeeds and the other is 402
    assert sorted(response.status_code for response in responses) == [200, 402]
    # and no DOF was created or lost: 1,000 = sender + both recipients + platform fee
    balances = [jiga.balance(user) for user in (sender, first, second)]
    assert balances[0] == 200
    assert sum(balances) + platform_balance() - platform_before == 1_000


def test_a_retried_transfer_with_the_same_idempotency_key_moves_dofs_once(jiga):
    sender, recipient = jiga.user_with_dofs(1_000), jiga.register()
    key = {"Idempotency-Key": "transfer-1"}
    first = transfer(jiga, sender, recipient.user_id, 500, headers=key)
    again = transfer(jiga, sender, recipient.user_id, 500, headers=key)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert jiga.balance(sender) == 500
    assert jiga.balance(recipient) == 450
    # the same key with another body is refused, and a failed request is not remembered
    assert transfer(jiga, sender, recipient.user_id, 400, headers=key).status_code == 422
    short = transfer(jiga, sender, recipient.user_id, 900, headers={"Idempotency-Key": "transfer-2"})
    assert short.status_code == 402
    jiga.grant(sender, 1_000)
    retried = transfer(jiga, sender, recipient.user_id, 900, headers={"Idempotency-Key": "transfer-2"})
    assert retried.status_code == 200


def test_only_the_two_parties_can_read_a_transfer(jiga):
    sender, recipient, stranger = jiga.user_with_dofs(1_000), jiga.register(), jiga.register()
    transaction_id = transfer(jiga, sender, recipient.user_id, 100, note="thanks").json()["transactionId"]
    url = f"/api/v1/transactions/{transaction_id}"
    for party in (sender, recipient):
        seen = jiga.client.get(url, headers=party.headers)
        assert seen.status_code == 200
        assert seen.json()["amount"] == 100
        assert seen.json()["fee"] == 10
        assert seen.json()["note"] == "thanks"
    hidden = jiga.client.get(url, headers=stranger.headers)
    assert hidden.status_code == 404
    assert hidden.json()["error"]["code"] == "TRANSACTION_NOT_FOUND"
    # nor can anyone read other ledger transactions through this route
    grant_id = jiga.grant(stranger, 10)["transactionId"]
    assert jiga.client.get(f"/api/v1/transactions/{grant_id}", headers=stranger.headers).status_code == 404


def test_a_user_cannot_move_someone_elses_dofs(jiga, pair):
    victim, thief = pair
    # the sender is always the token's subject: there is no way to name another sender
    response = jiga.client.post(
        TRANSFER,
        json={"toUserId": thief.user_id, "amount": 500, "fromUserId": victim.user_id},
        headers=thief.headers,
    )
    assert response.status_code == 400
    assert jiga.balance(victim) == 1_000
