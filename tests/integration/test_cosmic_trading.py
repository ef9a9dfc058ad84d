"""Trading through HTTP: the status, a trade with its tax, every refusal, the daily limit and a
receiver at a cap."""

import pytest

from shared.ledger import Ledger


@pytest.fixture
def traders(cosmic):
    sender = cosmic.veteran(currencies={"starlight_orbs": 500, "void_fragments": 100, "primordial_sparks": 5})
    receiver = cosmic.veteran()
    return sender, receiver


def trade(cosmic_client, sender, receiver_username, amount=50, resource="starlight_orbs"):
    return cosmic_client.post(
        "/v1/trades",
        json={"receiver_username": receiver_username, "resource_type": resource, "amount": amount},
        headers=sender.headers,
    )


def test_a_trade_pays_the_receiver_less_the_tax_and_counts_toward_the_day(runtime, cosmic, cosmic_client, traders):
    sender, receiver = traders
    tax_before = Ledger(runtime.physical_id("LedgerTable"), "cosmic").balance("system:trade_tax:starlight_orbs")

    response = trade(cosmic_client, sender, receiver.username.lower(), 50)

    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("sender_id", "receiver_id", "resource_type", "amount_sent", "tax_amount")} == {
        "sender_id": sender.player_id,
        "receiver_id": receiver.player_id,
        "resource_type": "starlight_orbs",
        "amount_sent": 50,
        "tax_amount": 5,
    }
    assert (body["amount_received"], body["status"]) == (45, "completed")
    assert body["wallet_after"] == {"starlight_orbs": 450}
    assert cosmic.wallet(receiver)["starlight_orbs"] == 45
    assert (
        Ledger(runtime.physical_id("LedgerTable"), "cosmic").balance("system:trade_tax:starlight_orbs")
        == tax_before + 5
    )
    status = cosmic_client.get("/v1/trading/status", headers=sender.headers).json()
    assert status["trading_enabled"] is True
    assert status["daily_limit"]["trades_today"] == 1 and status["daily_limit"]["remaining"] == 4
    assert status["tax_rate"] == 0.10
    received = cosmic_client.get(
        f"/v1/players/{receiver.player_id}/transactions", params={"type": "trade"}, headers=receiver.headers
    ).json()
    assert [(line["amount"], line["source_type"]) for line in received["transactions"]] == [(45, "trade")]


def test_every_refusal_has_its_code_and_moves_nothing(cosmic, cosmic_client, traders):
    sender, receiver = traders
    newcomer = cosmic.register()
    cosmic.grant(newcomer, {"starlight_orbs": 100})

    def refused(who, name, amount=10, resource="starlight_orbs"):
        response = trade(cosmic_client, who, name, amount, resource)
        return response.status_code, response.json()["error"]["code"]

    assert refused(sender, receiver.username, 4) == (400, "INVALID_AMOUNT")
    assert refused(sender, receiver.username, 51) == (400, "INVALID_AMOUNT")
    assert refused(sender, receiver.username, 5, "primordial_sparks") == (400, "VALIDATION_ERROR")
    assert refused(newcomer, receiver.username) == (400, "TRADING_LOCKED")
    assert refused(sender, "nobody-at-all") == (404, "RECEIVER_NOT_FOUND")
    assert refused(sender, sender.username) == (400, "SELF_TRADE")
    assert refused(sender, newcomer.username) == (400, "RECEIVER_TRADING_LOCKED")
    assert refused(sender, receiver.username, 50, "shadow_shards") == (400, "INSUFFICIENT_FUNDS")
    assert cosmic.wallet(sender)["starlight_orbs"] == 500
    assert cosmic.wallet(receiver)["starlight_orbs"] == 0


def test_the_sixth_trade_of_a_day_is_refused(cosmic, cosmic_client, traders):
    sender, receiver = traders
    for _ in range(5):
        assert trade(cosmic_client, sender, receiver.username, 10).status_code == 201

    sixth = trade(cosmic_client, sender, receiver.username, 10)

    assert (sixth.status_code, sixth.json()["error"]["code"]) == (400, "DAILY_LIMIT_REACHED")
    assert cosmic.wallet(sender)["starlight_orbs"] == 450


def test_a_receiver_at_a_cap_is_refused_and_the_sender_keeps_everything(cosmic, cosmic_client, traders):
    sender, receiver = traders
    cosmic.grant(receiver, {"void_fragments": 190})

    response = trade(cosmic_client, sender, receiver.username, 20, "void_fragments")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "RECEIVER_AT_CAP"
    assert response.json()["error"]["details"]["room"] == 10
    assert cosmic.wallet(sender)["void_fragments"] == 100
    assert trade(cosmic_client, sender, receiver.username, 11, "void_fragments").status_code == 201  # 9 arrive
    assert cosmic.wallet(receiver)["void_fragments"] == 199


def test_only_operators_grant(cosmic, cosmic_client):
    player = cosmic.register()

    response = cosmic_client.post(
        f"/v1/admin/players/{player.player_id}/grants",
        json={"currencies": {"cosmic_essence": 10}, "reason": "please"},
        headers=player.headers,
    )

    assert (response.status_code, response.json()["error"]["code"]) == (403, "FORBIDDEN")
