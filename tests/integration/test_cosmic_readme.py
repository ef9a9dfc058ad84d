"""The README's Cosmic story, step by step, as a newcomer plays it: register, watch the socket,
win a match, see it paid, buy and equip a cosmetic, trade with a second player, refresh."""

import json
import uuid

from websockets.sync.client import connect


def test_the_readme_story(cosmic, cosmic_client, cosmic_sockets):
    # 1. register
    name = f"Cosmic{uuid.uuid4().hex[:8]}"
    player = cosmic.register(username=name)
    # 2. watch the socket
    with connect(cosmic_sockets) as socket:
        socket.send(json.dumps({"type": "auth", "token": player.access_token}))
        assert json.loads(socket.recv(timeout=10))["type"] == "auth_ok"
        # 3. play Void Novice as O until a win (nine in ten with good play)
        for seed in range(20):
            final = cosmic.play(player, "void_novice", "o", seed=seed)
            if final["outcome"] == "win":
                break
        assert final["outcome"] == "win"
        seen = []
        while not any(e["type"] == "match_complete" and e["outcome"] == "win" for e in seen):
            seen.append(json.loads(socket.recv(timeout=10)))
    # 4. what it paid
    wallet = cosmic.wallet(player)
    assert wallet["starlight_orbs"] >= final["rewards"]["starlight_orbs"] > 0
    assert cosmic.progress(player)["total_wins"] >= 1
    # 5. buy a cosmetic and equip it
    cosmic.grant(player, {"cosmic_essence": 5000, "starlight_orbs": 200}, matches=50)
    bought = cosmic_client.post(
        "/v1/cosmetics/trail_azure_basic/purchase", headers={**player.headers, "Idempotency-Key": "my-first-trail"}
    )
    equipped = cosmic_client.put(
        f"/v1/players/{player.player_id}/loadout", json={"symbol_trail_o": "trail_azure_basic"}, headers=player.headers
    )
    assert bought.status_code == 200 and equipped.status_code == 200
    assert equipped.json()["loadout"]["symbol_trail_o"]["name"] == "Azure Trail"
    # 6. trade with a second player
    other = cosmic.register(username=f"Other{uuid.uuid4().hex[:8]}")
    cosmic.grant(other, matches=50)
    orbs = cosmic.wallet(player)["starlight_orbs"]
    trade = cosmic_client.post(
        "/v1/trades",
        json={"receiver_username": other.username, "resource_type": "starlight_orbs", "amount": 50},
        headers={**player.headers, "Idempotency-Key": "gift-1"},
    )
    assert trade.status_code == 201
    assert (trade.json()["tax_amount"], trade.json()["amount_received"]) == (5, 45)
    assert cosmic.wallet(player)["starlight_orbs"] == orbs - 50
    assert cosmic.wallet(other)["starlight_orbs"] == 45
    # 7. refresh and the JWKS
    refreshed = cosmic_client.post("/v1/auth/refresh", json={"refresh_token": player.refresh_token})
    assert refreshed.status_code == 200
    assert cosmic_client.get("/v1/.well-known/jwks.json").json()["keys"]
