"""The economy through HTTP: the wallet after play, caps that clip and say so, conversion, the
transaction history, and every movement in the ledger."""

from shared import aws
from shared.ledger import Ledger


def test_a_won_match_shows_in_the_wallet_and_the_transaction_history(cosmic, cosmic_client):
    player = cosmic.register()
    final = cosmic.play(player, "void_novice", "o", seed=1)
    paid = {name: amount for name, amount in final["rewards"].items() if amount and name != "cosmic_resonance"}

    wallet = cosmic_client.get(f"/v1/players/{player.player_id}/wallet", headers=player.headers).json()
    history = cosmic_client.get(f"/v1/players/{player.player_id}/transactions", headers=player.headers).json()

    assert {name: wallet["currencies"][name] for name in paid} == paid
    assert wallet["caps"] == {"void_fragments": 200, "alignment_crystals": 50, "primordial_sparks": 10}
    assert wallet["updated_at"]
    lines = history["transactions"]
    assert {line["resource"]: line["amount"] for line in lines} == paid
    line = lines[0]
    assert line["txn_type"] == "match_reward"
    assert (line["source_type"], line["source_id"]) == ("match", final["match_id"])
    assert line["txn_id"] == f"match:{final['match_id']}"
    assert line["balance_after"] == paid[line["resource"]]
    assert line["description"].endswith("vs Void Novice")
    assert history["pagination"] == {"total": len(paid), "limit": 50, "offset": 0, "has_more": False}


def test_a_reward_past_a_cap_is_clipped_and_the_clip_recorded_and_warned(runtime, cosmic, cosmic_client):
    player = cosmic.register()

    granted = cosmic.grant(player, {"void_fragments": 190, "primordial_sparks": 12})
    wallet = cosmic_client.get(f"/v1/players/{player.player_id}/wallet", headers=player.headers).json()
    more = cosmic.grant(player, {"void_fragments": 25})

    assert granted["granted"] == {"void_fragments": 190, "primordial_sparks": 10}
    assert granted["clipped"] == {"primordial_sparks": 2}
    assert more["granted"] == {"void_fragments": 10} and more["clipped"] == {"void_fragments": 15}
    assert {w["currency"]: w["at_capacity_percent"] for w in wallet["warnings"]} == {
        "void_fragments": 95.0,
        "primordial_sparks": 100.0,
    }
    assert cosmic.wallet(player)["void_fragments"] == 200
    # the clipped part went to the overflow account in the same transaction: nothing vanished
    ledger = Ledger(runtime.physical_id("LedgerTable"), "cosmic")
    assert ledger.balance("system:cap_overflow:void_fragments") >= 15


def test_conversion_at_the_specs_rates_charges_only_what_converts(cosmic, cosmic_client):
    player = cosmic.register()
    cosmic.grant(player, {"cosmic_essence": 1000})

    response = cosmic_client.post(
        "/v1/currency/convert",
        json={"from_currency": "cosmic_essence", "to_currency": "starlight_orbs", "amount": 520},
        headers=player.headers,
    )

    assert response.status_code == 200
    assert response.json() == {
        "conversion": {
            "from_currency": "cosmic_essence",
            "from_amount": 500,
            "to_currency": "starlight_orbs",
            "to_amount": 10,
            "rate": "50:1",
        },
        "wallet_after": {"cosmic_essence": 500, "starlight_orbs": 10},
    }
    back = cosmic_client.post(
        "/v1/currency/convert",
        json={"from_currency": "starlight_orbs", "to_currency": "cosmic_essence", "amount": 2},
        headers=player.headers,
    ).json()
    assert back["wallet_after"] == {"starlight_orbs": 8, "cosmic_essence": 550}
    history = cosmic_client.get(
        f"/v1/players/{player.player_id}/transactions",
        params={"type": "conversion", "currency": "starlight_orbs"},
        headers=player.headers,
    ).json()
    assert [line["amount"] for line in history["transactions"]] == [-2, 10]


def test_conversions_that_cannot_happen_are_refused_and_move_nothing(cosmic, cosmic_client):
    player = cosmic.register()
    cosmic.grant(player, {"cosmic_essence": 100})

    def convert(body):
        response = cosmic_client.post("/v1/currency/convert", json=body, headers=player.headers)
        return response.status_code, response.json()["error"]["code"]

    assert convert({"from_currency": "cosmic_essence", "to_currency": "starlight_orbs", "amount": 49}) == (
        400,
        "INVALID_AMOUNT",
    )
    assert convert({"from_currency": "cosmic_essence", "to_currency": "starlight_orbs", "amount": 150}) == (
        400,
        "INSUFFICIENT_FUNDS",
    )
    assert convert({"from_currency": "void_fragments", "to_currency": "cosmic_essence", "amount": 5}) == (
        400,
        "INVALID_CONVERSION",
    )
    assert convert({"from_currency": "cosmic_essence", "to_currency": "starlight_orbs", "amount": 0}) == (
        400,
        "VALIDATION_ERROR",
    )
    assert cosmic.wallet(player)["cosmic_essence"] == 100


def test_a_retried_conversion_with_its_idempotency_key_converts_once(cosmic, cosmic_client):
    player = cosmic.register()
    cosmic.grant(player, {"cosmic_essence": 200})
    headers = {**player.headers, "Idempotency-Key": "convert-once"}
    body = {"from_currency": "cosmic_essence", "to_currency": "shadow_shards", "amount": 100}

    first = cosmic_client.post("/v1/currency/convert", json=body, headers=headers)
    second = cosmic_client.post("/v1/currency/convert", json=body, headers=headers)
    changed = cosmic_client.post("/v1/currency/convert", json={**body, "amount": 50}, headers=headers)

    assert first.json() == second.json()
    assert cosmic.wallet(player)["cosmic_essence"] == 100
    assert changed.status_code == 422 and changed.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_transactions_filter_by_type_and_paginate(cosmic, cosmic_client):
    player = cosmic.register()
    for _ in range(3):
        cosmic.grant(player, {"cosmic_essence": 100})
    cosmic.play(player, "void_novice", "x", seed=5)
    url = f"/v1/players/{player.player_id}/transactions"

    grants = cosmic_client.get(url, params={"type": "grant"}, headers=player.headers).json()
    page = cosmic_client.get(url, params={"limit": 2, "offset": 1}, headers=player.headers).json()
    unknown = cosmic_client.get(url, params={"type": "gift"}, headers=player.headers)

    assert grants["pagination"]["total"] == 3
    assert grants["transactions"][0]["balance_after"] >= 300
    assert page["pagination"]["limit"] == 2 and page["pagination"]["offset"] == 1
    assert len(page["transactions"]) == 2
    assert unknown.status_code == 400


def test_every_cosmic_account_sums_to_zero_per_currency(runtime, cosmic):
    """Double entry over everything the Cosmic tests did so far: minted = held + spent + clipped."""
    player = cosmic.register()
    cosmic.play(player, "void_novice", "o", seed=3)
    totals: dict[str, int] = {}
    paginator = aws.dynamodb().get_paginator("scan")
    for page in paginator.paginate(TableName=runtime.physical_id("LedgerTable")):
        for item in page["Items"]:
            if item["pk"]["S"].startswith("ACCOUNT#cosmic#") and item["sk"]["S"] == "~BALANCE":
                asset = item["asset"]["S"]
                totals[asset] = totals.get(asset, 0) + int(item["balance"]["N"])
    assert totals and all(total == 0 for total in totals.values()), totals
