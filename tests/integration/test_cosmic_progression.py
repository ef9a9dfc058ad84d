"""Progression through HTTP: level and unlocks, skill trees, achievements and their one claim,
today's challenges."""

from datetime import UTC, datetime

from cosmic_ttt.logic import challenges


def test_a_new_players_progress_and_its_unlocks(cosmic, cosmic_client):
    player = cosmic.register()

    progress = cosmic.progress(player)

    assert progress["level"] == 1 and progress["cosmic_resonance"] == 0
    assert progress["cosmic_resonance_to_next"] == 60
    assert progress["total_matches"] == 0 and progress["first_match_date"] is None
    assert progress["unlocks"] == {
        "skill_tree": False,
        "grid_walker_ai": False,
        "force_adept_ai": False,
        "the_eternal_ai": False,
        "trading": False,
    }


def test_progress_counts_a_match_and_is_public(cosmic, cosmic_client):
    player, friend = cosmic.register(), cosmic.register()
    final = cosmic.play(player, "void_novice", "o", seed=2)

    seen = cosmic_client.get(f"/v1/players/{player.player_id}/progress", headers=friend.headers).json()

    assert seen["total_matches"] == 1
    assert seen["cosmic_resonance"] == final["rewards"]["cosmic_resonance"]
    assert seen["first_match_date"] == datetime.now(UTC).date().isoformat()
    if final["outcome"] == "win":
        assert (seen["total_wins"], seen["wins_as_o"]) == (1, 1)


def test_skill_unlocks_pay_check_prerequisites_and_refuse_a_second_time(cosmic, cosmic_client):
    player = cosmic.register()
    url = f"/v1/players/{player.player_id}/skills"

    def unlock(node):
        return cosmic_client.post(f"{url}/{node}/unlock", headers=player.headers)

    locked = unlock("orbis_orbit_t1")
    assert (locked.status_code, locked.json()["error"]["code"]) == (403, "SKILL_TREE_LOCKED")
    cosmic.grant(player, {"starlight_orbs": 120}, resonance=200)

    first = unlock("orbis_orbit_t1")
    assert first.status_code == 200
    assert first.json() == {
        "unlocked": {
            "node_id": "orbis_orbit_t1",
            "name": "Azure Glow",
            "tier": 1,
            "effect": {"type": "symbol_enhancement", "config": {"glow_color": "#4DA6FF", "intensity": 0.4}},
        },
        "currency_spent": {"starlight_orbs": 50},
        "wallet_after": {"starlight_orbs": 70},
        "tree_progress": {"nodes_unlocked": 1, "total_nodes": 12},
    }
    assert unlock("orbis_orbit_t1").json()["error"]["code"] == "ALREADY_UNLOCKED"
    assert unlock("orbis_orbit_t3").json()["error"]["code"] == "PREREQUISITE_NOT_MET"
    poor = unlock("orbis_orbit_t2")
    assert (poor.status_code, poor.json()["error"]["code"]) == (400, "INSUFFICIENT_CURRENCY")
    assert poor.json()["error"]["details"] == {"currency": "starlight_orbs", "required": 100, "available": 70}
    assert unlock("nope").status_code == 404

    trees = cosmic_client.get(url, headers=player.headers).json()
    orbis = next(tree for tree in trees["trees"] if tree["tree_id"] == "orbis")
    assert (orbis["nodes_unlocked"], orbis["total_nodes"], orbis["is_mastered"]) == (1, 12, False)
    assert orbis["total_invested"] == {"starlight_orbs": 50}
    orbit = next(branch for branch in orbis["branches"] if branch["branch"] == "orbit")
    assert [node["node_id"] for node in orbit["unlocked_nodes"]] == ["orbis_orbit_t1"]
    assert orbit["locked_nodes"][-1] == {
        "node_id": "orbis_orbit_t4",
        "name": "Gravitational Pull",
        "tier": 4,
        "cost": {"starlight_orbs": 200, "alignment_crystals": 2},
        "prerequisites": ["orbis_orbit_t3"],
    }
    assert trees["awakened_path"] == {
        "accessible": False,
        "requirements": {
            "orbis_mastery": False,
            "crucia_mastery": False,
            "wins_as_o": 0,
            "wins_as_x": 0,
            "required_wins": 50,
        },
    }


def test_an_achievement_completes_and_is_claimed_once(cosmic, cosmic_client):
    player = cosmic.register()
    url = f"/v1/players/{player.player_id}/achievements"
    before = cosmic_client.get(url, headers=player.headers).json()
    first_skill = next(a for a in before["achievements"] if a["achieve_code"] == "first_skill")
    assert first_skill["status"] == "in_progress" and not first_skill["is_complete"]
    early = cosmic_client.post(f"{url}/{first_skill['achieve_id']}/claim", headers=player.headers)
    assert (early.status_code, early.json()["error"]["code"]) == (400, "ACHIEVEMENT_NOT_COMPLETE")

    cosmic.grant(player, {"starlight_orbs": 50}, resonance=200)
    cosmic_client.post(f"/v1/players/{player.player_id}/skills/orbis_orbit_t1/unlock", headers=player.headers)
    after = cosmic_client.get(url, params={"category": "progression"}, headers=player.headers).json()
    done = next(a for a in after["achievements"] if a["achieve_code"] == "first_skill")
    claim = cosmic_client.post(f"{url}/{done['achieve_id']}/claim", headers=player.headers)
    twice = cosmic_client.post(f"{url}/first_skill/claim", headers=player.headers)

    assert {a["category"] for a in after["achievements"]} == {"progression"}
    assert done["is_complete"] and done["unlocked_at"] and not done["reward_claimed"]
    assert claim.status_code == 200
    assert claim.json() == {
        "achievement": {"achieve_code": "first_skill", "name": "First Steps on the Path"},
        "rewards_claimed": {"cosmic_essence": 100, "cosmic_resonance": 50},
        "rewards_clipped": {},
        "wallet_after": {"cosmic_essence": 100},
        "title_unlocked": None,
    }
    assert (twice.status_code, twice.json()["error"]["code"]) == (400, "ALREADY_CLAIMED")
    assert cosmic.progress(player)["cosmic_resonance"] == 250
    listed = cosmic_client.get(url, params={"status": "complete"}, headers=player.headers).json()
    assert [a["achieve_code"] for a in listed["achievements"]] == ["first_skill"]
    assert listed["achievements"][0]["reward_claimed"] is True
    assert listed["summary"]["complete"] == 1 and listed["summary"]["total"] == len(before["achievements"])


def test_claiming_a_titled_achievement_puts_the_title_in_the_inventory(cosmic, cosmic_client):
    player = cosmic.register()
    cosmic.grant(player, matches=10)  # Initiate: 10 matches, title "Novice"

    claim = cosmic_client.post(f"/v1/players/{player.player_id}/achievements/initiate/claim", headers=player.headers)
    inventory = cosmic_client.get(f"/v1/players/{player.player_id}/inventory", headers=player.headers).json()

    assert claim.json()["title_unlocked"] == "Novice"
    assert [(line["item_code"], line["acquisition_type"]) for line in inventory["inventory"]] == [
        ("title_novice", "achievement")
    ]


def test_locked_achievements_wait_for_the_one_they_require(cosmic, cosmic_client):
    player = cosmic.register()

    body = cosmic_client.get(f"/v1/players/{player.player_id}/achievements", headers=player.headers).json()

    century = next(a for a in body["achievements"] if a["achieve_code"] == "century")
    assert century["status"] == "locked"
    assert body["summary"]["locked"] >= 1


def test_todays_challenges_show_the_callers_progress(cosmic, cosmic_client):
    player = cosmic.register()

    body = cosmic_client.get("/v1/challenges/daily", headers=player.headers).json()

    today = datetime.now(UTC).date()
    assert body["date"] == today.isoformat()
    assert [c["challenge_id"] for c in body["challenges"]] == [c.challenge_id for c in challenges.for_date(today)]
    assert all(c["progress"] == 0 and not c["completed"] for c in body["challenges"])
