"""A small driver for the BlueMarble API used by integration tests and benchmarks: players, the
local game server, item types, grants, listings, purchases, and direct looks at the ledger."""

import time
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

from bluemarble_market.samples import LOCAL_GAME_SERVER as GAME_SERVER  # seeded by local/seed.py
from bluemarble_market.samples import SAMPLE_ITEMS

IRON_ORE = SAMPLE_ITEMS[0]["itemId"]  # a sample item type (the spec's Iron Ore)


@dataclass
class Player:
    player_id: str
    name: str
    island: str
    access_token: str
    refresh_token: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def money(value: Any) -> Decimal:
    """A JSON amount as an exact Decimal (two places)."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


class BlueMarbleDriver:
    def __init__(self, client: httpx.Client):
        self.client = client
        self._server: dict[str, str] | None = None

    # -- accounts ------------------------------------------------------------------------------

    def register(self, island: str = "Aethermoor", name: str | None = None) -> Player:
        email = f"player-{uuid.uuid4().hex[:12]}@example.com"
        name = name or f"Trader {uuid.uuid4().hex[:6]}"
        response = self.client.post(
            "/api/auth/register",
            json={"email": email, "password": "correct horse battery", "displayName": name, "homeIsland": island},
        )
        assert response.status_code == 201, response.text
        data = response.json()["data"]
        return Player(data["player"]["id"], name, island, data["accessToken"], data["refreshToken"])

    @property
    def server(self) -> dict[str, str]:
        """The local game server's token headers."""
        if self._server is None:
            client_id, secret = GAME_SERVER
            response = self.client.post("/api/auth/token", json={"clientId": client_id, "clientSecret": secret})
            assert response.status_code == 200, response.text
            self._server = {"Authorization": f"Bearer {response.json()['data']['accessToken']}"}
        return self._server

    def define_item(self, name: str = "Iron Ore", item_type: str = "Resource") -> str:
        """A fresh item type (its own analytics), as a game server defines it."""
        item_id = str(uuid.uuid4())
        response = self.client.put(
            f"/api/game/items/{item_id}",
            json={"name": name, "type": item_type, "description": f"{name} for tests", "quality": "Good"},
            headers=self.server,
        )
        assert response.status_code == 200, response.text
        return item_id

    def grant(
        self, player: Player, coin: str | None = None, items: list[tuple[str, str, int]] = (), **extra: Any
    ) -> httpx.Response:
        body: dict[str, Any] = {
            "playerId": player.player_id,
            "reason": "test",
            "items": [{"itemId": i, "island": island, "quantity": q} for i, island, q in items],
            **extra,
        }
        if coin is not None:
            body["coin"] = coin
        return self.client.post("/api/game/grants", json=body, headers=self.server)

    def funded(self, island: str = "Aethermoor", coin: str = "1000.00", items: list[tuple[str, int]] = ()) -> Player:
        """A player with coin, and items on their home island."""
        player = self.register(island)
        response = self.grant(player, coin, [(item, island, quantity) for item, quantity in items])
        assert response.status_code == 201, response.text
        return player

    # -- the marketplace -------------------------------------------------------------------------

    def list_item(self, seller: Player, item_id: str, quantity: int, price: Any, **extra: Any) -> dict[str, Any]:
        response = self.client.post(
            "/api/marketplace/listings",
            json={"itemId": item_id, "quantity": quantity, "pricePerUnit": price, **extra},
            headers=seller.headers,
        )
        assert response.status_code == 201, response.text
        return response.json()["data"]

    def buy(self, buyer: Player, listing_id: str, quantity: int, key: str | None = None) -> httpx.Response:
        headers = {**buyer.headers, **({"Idempotency-Key": key} if key else {})}
        return self.client.post(
            "/api/marketplace/transactions", json={"listingId": listing_id, "quantity": quantity}, headers=headers
        )

    def search(self, player: Player, **params: Any) -> dict[str, Any]:
        response = self.client.get("/api/marketplace/listings", params=params, headers=player.headers)
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def listing(self, player: Player, listing_id: str) -> dict[str, Any]:
        response = self.client.get(f"/api/marketplace/listings/{listing_id}", headers=player.headers)
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def transaction(self, player: Player, transaction_id: str) -> dict[str, Any]:
        response = self.client.get(f"/api/marketplace/transactions/{transaction_id}", headers=player.headers)
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def wait_for(self, player: Player, transaction_id: str, status: str, timeout: float = 20) -> dict[str, Any]:
        """Poll a purchase until it reaches ``status`` (the settlement runs on its own)."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.transaction(player, transaction_id)
            if found["status"] == status or time.monotonic() > deadline:
                assert found["status"] == status, found
                return found
            time.sleep(0.02)

    def balance(self, player: Player) -> Decimal:
        response = self.client.get("/api/players/me/wallet", headers=player.headers)
        assert response.status_code == 200, response.text
        return money(response.json()["data"]["balance"])

    def inventory(self, player: Player) -> dict[tuple[str, str], int]:
        """Units per (island, item id) the player holds."""
        response = self.client.get("/api/players/me/inventory", headers=player.headers)
        assert response.status_code == 200, response.text
        return {
            (island["island"], item["itemId"]): item["quantity"]
            for island in response.json()["data"]["islands"]
            for item in island["items"]
        }

    def free_space(self, player: Player, island: str) -> int:
        response = self.client.get("/api/players/me/inventory", headers=player.headers)
        for entry in response.json()["data"]["islands"]:
            if entry["island"] == island:
                return entry["free"]
        return 10_000


def ledger_balances(runtime: Any) -> dict[str, int]:
    """Every BlueMarble ledger account's balance (a scan: tests only)."""
    from shared import aws
    from shared.dynamo import from_item

    table = runtime.physical_id("LedgerTable")
    balances: dict[str, int] = {}
    request: dict[str, Any] = {
        "TableName": table,
        "FilterExpression": "begins_with(pk, :ns) AND sk = :balance",
        "ExpressionAttributeValues": {":ns": {"S": "ACCOUNT#bluemarble#"}, ":balance": {"S": "~BALANCE"}},
    }
    while True:
        response = aws.dynamodb().scan(**request)
        for raw in response.get("Items", []):
            item = from_item(raw)
            balances[item["account"]] = int(item.get("balance", 0))
        if "LastEvaluatedKey" not in response:
            return balances
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def conservation_problems(balances: dict[str, int]) -> list[str]:
    """Coin and every item type sum to zero over all accounts (what the game put in is all somewhere),
    and no account but the game's own (``system:external``) is below zero."""
    totals: dict[str, int] = {}
    problems = []
    for account, balance in balances.items():
        asset = account.rsplit(":", 1)[1]
        totals[asset] = totals.get(asset, 0) + balance
        if balance < 0 and not account.startswith("system:external:"):
            problems.append(f"{account} is negative: {balance}")
    problems += [f"{asset} does not balance: {total}" for asset, total in totals.items() if total]
    return problems


def stream_event(runtime: Any, changes: list[tuple[dict[str, Any] | None, dict[str, Any] | None]]) -> dict[str, Any]:
    """A DynamoDB stream event (NEW_AND_OLD_IMAGES) for (old, new) item pairs of the BlueMarble
    table, as Lambda hands one to the change consumer."""
    from shared.dynamo import to_item

    records = []
    table = runtime.physical_id("BlueMarbleTable")
    for number, (old, new) in enumerate(changes):
        item = new or old
        assert item is not None
        record: dict[str, Any] = {
            "eventID": f"{uuid.uuid4().hex}",
            "eventName": "INSERT" if old is None else ("REMOVE" if new is None else "MODIFY"),
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1",
            "dynamodb": {
                "Keys": {"pk": {"S": item["pk"]}, "sk": {"S": item["sk"]}},
                "SequenceNumber": f"{number + 1:021d}",
                "SizeBytes": 100,
                "StreamViewType": "NEW_AND_OLD_IMAGES",
            },
            "eventSourceARN": f"arn:aws:dynamodb:us-east-1:123456789012:table/{table}/stream/x",
        }
        if new is not None:
            record["dynamodb"]["NewImage"] = to_item(new)
        if old is not None:
            record["dynamodb"]["OldImage"] = to_item(old)
        records.append(record)
    return {"Records": records}


def table_item(runtime: Any, pk: str, sk: str) -> dict[str, Any]:
    from shared import aws
    from shared.dynamo import from_item

    response = aws.dynamodb().get_item(
        TableName=runtime.physical_id("BlueMarbleTable"), Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
    )
    return from_item(response["Item"])
