"""Local samples (``make dev`` and the tests; local/seed.py runs this in the game function's
environment): a game server's service account with documented credentials, and the item types
the README trades. In AWS, operators mint game servers with ``python -m
ops.bluemarble_service_account`` and game servers define their own item types."""

from typing import Any

LOCAL_GAME_SERVER = ("local-game-server", "local-game-server-secret")
SAMPLE_ITEMS: list[dict[str, Any]] = [
    {
        "itemId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",  # the spec's Iron Ore
        "name": "Iron Ore",
        "type": "Resource",
        "description": "High-quality iron ore extracted from mountain deposits",
        "quality": "Excellent",
        "attributes": {"purity": 95, "weight": 1.0},
    },
    {
        "itemId": "b3a1f6d2-54c8-4e1a-9f0b-2d7c8e9a1b23",
        "name": "Timber",
        "type": "Resource",
        "description": "Seasoned oak planks",
        "quality": "Good",
        "attributes": {"weight": 2.5},
    },
    {
        "itemId": "e4d2c1b0-7a6f-4e3d-8c9b-0a1f2e3d4c5b",
        "name": "Steel Pickaxe",
        "type": "Tool",
        "description": "Forged steel pickaxe for deep mining",
        "quality": "Fine",
        "attributes": {"durability": 500, "weight": 3.0},
    },
]


def seed_local_game_server() -> list[str]:
    from bluemarble_market import dependencies
    from shared import passwords

    client_id, secret = LOCAL_GAME_SERVER
    dependencies.service_accounts().create(client_id, "local game server", passwords.hash_password(secret))
    for item in SAMPLE_ITEMS:
        dependencies.items().put(dict(item))
    return [f"GAME_SERVER bluemarble {client_id} {secret}"]
