"""Requests that race, sent at once through the local runtime (which runs concurrent requests on
separate warm instances, as Lambda does): the conditions in the transactions decide, never the
reads before them."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from cosmic_ttt.logic import shop
from shared import aws
from shared.dynamo import to_value


def at_once(*requests):
    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(lambda send: send(), requests))


def test_two_starts_at_once_leave_one_match_in_progress(cosmic, cosmic_client):
    player = cosmic.register()
    body = {"opponent_type": "ai", "ai_tier": "void_novice", "symbol_choice": "o"}

    answers = at_once(*[lambda: cosmic_client.post("/v1/matches", json=body, headers=player.headers)] * 3)

    assert sorted(answer.status_code for answer in answers) == [201, 409, 409]
    started = next(answer.json() for answer in answers if answer.status_code == 201)
    active = cosmic_client.get("/v1/matches/active", headers=player.headers).json()
    assert active["match"]["match_id"] == started["match_id"]


def test_the_same_move_sent_twice_at_once_is_played_once(cosmic, cosmic_client):
    player = cosmic.register()
    match = cosmic.start(player)
    url = f"/v1/matches/{match['match_id']}/moves"

    answers = at_once(*[lambda: cosmic_client.post(url, json={"row": 1, "col": 1}, headers=player.headers)] * 2)

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses[0] == 200
    # the other lost: after the first (the cell is taken) or during it (the match's version moved)
    assert statuses[1] in (400, 409)
    assert {a.json()["error"]["code"] for a in answers if a.status_code != 200} <= {"CELL_OCCUPIED", "CONFLICT"}
    stored = cosmic_client.get(f"/v1/matches/{match['match_id']}", headers=player.headers).json()
    assert stored["total_moves"] == 2  # one player move and the AI's reply, not two of each


def test_buyers_racing_for_a_limited_items_last_units_never_oversell(runtime, cosmic, cosmic_client):
    day = datetime.now(UTC).date()
    slot = next(s for s in shop.rotation(day) if s.stock is not None)
    aws.dynamodb().put_item(
        TableName=runtime.physical_id("CosmicTable"),
        Item={
            "pk": {"S": f"SHOP#{day.isoformat()}"},
            "sk": {"S": f"STOCK#{slot.item.item_code}"},
            "item_code": {"S": slot.item.item_code},
            "sold": to_value(slot.stock - 2),
        },
    )
    buyers = [cosmic.register() for _ in range(5)]
    for buyer in buyers:
        cosmic.grant(buyer, dict(slot.sale_price))
    url = f"/v1/cosmetics/{slot.item.item_code}/purchase"

    answers = at_once(*[lambda buyer=buyer: cosmic_client.post(url, headers=buyer.headers) for buyer in buyers])

    assert sorted(answer.status_code for answer in answers) == [200, 200, 400, 400, 400]
    assert {a.json()["error"]["code"] for a in answers if a.status_code == 400} == {"ITEM_UNAVAILABLE"}
    shown = cosmic_client.get("/v1/shop/daily").json()
    assert next(s for s in shown["slots"] if s["item"]["item_code"] == slot.item.item_code)["stock_remaining"] == 0
    paid = [buyer for buyer, answer in zip(buyers, answers, strict=True) if answer.status_code == 200]
    unpaid = [buyer for buyer, answer in zip(buyers, answers, strict=True) if answer.status_code != 200]
    for buyer in unpaid:
        wallet = cosmic.wallet(buyer)
        assert all(wallet[currency] == amount for currency, amount in slot.sale_price.items())
    for buyer in paid:
        assert all(cosmic.wallet(buyer)[currency] == 0 for currency in slot.sale_price)


def test_trades_racing_past_the_daily_limit_pass_it_once(cosmic, cosmic_client):
    sender = cosmic.veteran(currencies={"starlight_orbs": 500})
    receiver = cosmic.veteran()
    body = {"receiver_username": receiver.username, "resource_type": "starlight_orbs", "amount": 10}
    for _ in range(4):
        assert cosmic_client.post("/v1/trades", json=body, headers=sender.headers).status_code == 201

    answers = at_once(*[lambda: cosmic_client.post("/v1/trades", json=body, headers=sender.headers)] * 3)

    assert sorted(answer.status_code for answer in answers) == [201, 400, 400]
    assert cosmic.wallet(sender)["starlight_orbs"] == 450
    assert cosmic.wallet(receiver)["starlight_orbs"] == 45
