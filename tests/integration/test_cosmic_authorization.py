"""Who may do what, route by route: a player's own screens, the public ones, another player's id,
and the permissions a token carries."""

import jwt
import pytest

from cosmic_ttt.identity import token_policy

PRIVATE_READS = ["wallet", "transactions", "skills", "achievements", "inventory"]
PUBLIC_READS = ["progress", "streak", "loadout"]


@pytest.fixture(scope="module")
def pair(cosmic):
    return cosmic.register(), cosmic.register()


@pytest.mark.parametrize("screen", PRIVATE_READS)
def test_a_players_private_screens_are_theirs_alone(cosmic_client, pair, screen):
    me, other = pair

    mine = cosmic_client.get(f"/v1/players/{me.player_id}/{screen}", headers=me.headers)
    alias = cosmic_client.get(f"/v1/players/me/{screen}", headers=me.headers)
    theirs = cosmic_client.get(f"/v1/players/{other.player_id}/{screen}", headers=me.headers)

    assert mine.status_code == alias.status_code == 200
    assert (theirs.status_code, theirs.json()["error"]["code"]) == (403, "FORBIDDEN")


@pytest.mark.parametrize("screen", PUBLIC_READS)
def test_public_screens_show_anyone_to_a_signed_in_player_and_404_nobody(cosmic_client, pair, screen):
    me, other = pair

    theirs = cosmic_client.get(f"/v1/players/{other.player_id}/{screen}", headers=me.headers)
    nobody = cosmic_client.get(f"/v1/players/no-such-player/{screen}", headers=me.headers)
    anonymous = cosmic_client.get(f"/v1/players/{other.player_id}/{screen}")

    assert theirs.status_code == 200
    assert (nobody.status_code, nobody.json()["error"]["code"]) == (404, "PLAYER_NOT_FOUND")
    assert anonymous.status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/v1/players/{other}/skills/orbis_orbit_t1/unlock", None),
        ("POST", "/v1/players/{other}/achievements/first_blood/claim", None),
        ("PUT", "/v1/players/{other}/loadout", {"grid_skin": None}),
    ],
)
def test_no_one_acts_on_another_players_account(cosmic_client, pair, method, path, body):
    me, other = pair

    response = cosmic_client.request(method, path.format(other=other.player_id), json=body, headers=me.headers)

    assert (response.status_code, response.json()["error"]["code"]) == (403, "FORBIDDEN")


def token_with(runtime, player, permissions):
    with runtime.function_environment("CosmicAuthFunction"):
        claims = jwt.decode(player.access_token, options={"verify_signature": False})
        token, _ = token_policy().issue(
            {"sub": claims["sub"], "username": claims["username"], "sid": claims["sid"], "permissions": permissions}
        )
    return {"Authorization": f"Bearer {token}"}


def test_each_action_needs_its_permission(runtime, cosmic, cosmic_client):
    player = cosmic.veteran(currencies={"cosmic_essence": 1000, "starlight_orbs": 100})
    receiver = cosmic.veteran()
    play_only = token_with(runtime, player, ["play"])
    trade_body = {"receiver_username": receiver.username, "resource_type": "starlight_orbs", "amount": 10}

    trade = cosmic_client.post("/v1/trades", json=trade_body, headers=play_only)
    buy = cosmic_client.post("/v1/cosmetics/trail_azure_basic/purchase", headers=play_only)
    equip = cosmic_client.put(f"/v1/players/{player.player_id}/loadout", json={"grid_skin": None}, headers=play_only)
    grant = cosmic_client.post(f"/v1/admin/players/{player.player_id}/grants", json={"reason": "me"}, headers=play_only)
    start = cosmic_client.post(
        "/v1/matches", json={"opponent_type": "ai", "ai_tier": "void_novice", "symbol_choice": "o"}, headers=play_only
    )
    nothing = token_with(runtime, player, [])
    blocked = cosmic_client.post(
        "/v1/matches", json={"opponent_type": "ai", "ai_tier": "void_novice", "symbol_choice": "o"}, headers=nothing
    )
    reads = cosmic_client.get(f"/v1/players/{player.player_id}/wallet", headers=nothing)

    assert [r.status_code for r in (trade, buy, equip, grant)] == [403, 403, 403, 403]
    assert trade.json()["error"]["details"] == {"permission": "trade"}
    assert start.status_code in (201, 409)
    assert blocked.status_code == 403
    assert reads.status_code == 200  # reading one's own data needs no permission beyond being signed in


def test_a_token_with_permissions_of_the_wrong_shape_is_refused(runtime, cosmic, cosmic_client):
    player = cosmic.register()

    response = cosmic_client.get("/v1/matches/history", headers=token_with(runtime, player, {"admin": True}))

    assert (response.status_code, response.json()["error"]["code"]) == (401, "UNAUTHORIZED")
