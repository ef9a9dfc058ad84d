"""Players' profiles and inventory space, item definitions, service accounts and sea routes."""

from typing import Any

from bluemarble_market.dal.table import Table, key
from bluemarble_market.logic.errors import insufficient_space, player_not_found
from bluemarble_market.logic.islands import ISLAND_CAPACITY
from shared.dynamo import from_item, to_value
from shared.errors import DomainError, utc_now_iso
from shared.ledger import ExtraWrite


def _unconditional() -> DomainError:  # pragma: no cover - a write without a condition cannot fail one
    return DomainError("Unexpected condition failure")


class PlayerRepository:
    def __init__(self, table_name: str):
        self.table = Table(table_name)

    # -- profiles ---------------------------------------------------------------------------------

    def profile(self, player_id: str) -> dict[str, Any] | None:
        return self.table.get(f"USER#{player_id}", "PROFILE")

    def set_user_type(self, player_id: str, user_type: str) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        try:
            response = self.table.client.update_item(
                TableName=self.table.name,
                Key=key(f"USER#{player_id}", "PROFILE"),
                UpdateExpression="SET userType = :type, updatedAt = :now",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues={":type": to_value(user_type), ":now": to_value(utc_now_iso())},
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise player_not_found(player_id) from error
            raise
        return from_item(response["Attributes"]) or {}

    # -- inventory space --------------------------------------------------------------------------

    def space(self, player_id: str) -> dict[str, int]:
        """Free units per island the player has used (islands never used are entirely free)."""
        items = self.table.query_all("pk = :pk", {":pk": {"S": f"SPACE#{player_id}"}})
        return {item["sk"]: int(item["free"]) for item in items}

    def free_space(self, player_id: str, island: str) -> int:
        item = self.table.get(f"SPACE#{player_id}", island, consistent=True)
        return ISLAND_CAPACITY if item is None else int(item["free"])

    def reserve_space(self, player_id: str, island: str, units: int) -> ExtraWrite:
        """Take ``units`` of the player's room on ``island``, or fail the transaction."""
        operation = self.table.update_op(
            f"SPACE#{player_id}",
            island,
            "SET #free = if_not_exists(#free, :capacity) - :units",
            "(attribute_not_exists(#free) AND :capacity >= :units) OR #free >= :units",
            {"#free": "free"},
            capacity=ISLAND_CAPACITY,
            units=units,
        )
        return ExtraWrite(operation, lambda: insufficient_space(island, units))

    def release_space(self, player_id: str, island: str, units: int) -> ExtraWrite:
        operation = self.table.update_op(
            f"SPACE#{player_id}",
            island,
            "SET #free = if_not_exists(#free, :capacity) + :units",
            names={"#free": "free"},
            capacity=ISLAND_CAPACITY,
            units=units,
        )
        return ExtraWrite(operation, _unconditional)

    # -- holdings (what the inventory view reads balances for) ---------------------------------

    def holding_write(self, player_id: str, island: str, item_id: str) -> ExtraWrite:
        operation = self.table.put_op(
            {"pk": f"HOLDING#{player_id}", "sk": f"{island}#{item_id}", "island": island, "itemId": item_id}
        )
        return ExtraWrite(operation, _unconditional)

    def holdings(self, player_id: str) -> list[tuple[str, str]]:
        items = self.table.query_all("pk = :pk", {":pk": {"S": f"HOLDING#{player_id}"}})
        return [(item["island"], item["itemId"]) for item in items]


class ItemCatalogue:
    """Item types a game server defines (``PUT /api/game/items/{itemId}``)."""

    def __init__(self, table_name: str):
        self.table = Table(table_name)
        self._cache: dict[str, dict[str, Any]] = {}

    def get(self, item_id: str) -> dict[str, Any] | None:
        """An item type; cached per instance (definitions change rarely: a redefinition shows in new listings)."""
        cached = self._cache.get(item_id)
        if cached is None:
            cached = self.table.get(f"ITEMDEF#{item_id}", "ITEM")
            if cached is not None:
                self._cache[item_id] = cached
        return cached

    def many(self, item_ids: list[str]) -> dict[str, dict[str, Any]]:
        missing = [item_id for item_id in dict.fromkeys(item_ids) if item_id not in self._cache]
        for item in self.table.batch_get([(f"ITEMDEF#{item_id}", "ITEM") for item_id in missing]):
            self._cache[item["itemId"]] = item
        return {item_id: self._cache[item_id] for item_id in item_ids if item_id in self._cache}

    def put(self, item: dict[str, Any]) -> None:
        self.table.put({"pk": f"ITEMDEF#{item['itemId']}", "sk": "ITEM", **item})
        self._cache[item["itemId"]] = item


class ServiceAccounts:
    """Game servers' service accounts: minted by operators (ops/bluemarble_service_account.py)."""

    def __init__(self, table_name: str):
        self.table = Table(table_name)

    def get(self, client_id: str) -> dict[str, Any] | None:
        return self.table.get(f"SERVICE#{client_id}", "SERVICE", consistent=True)

    def create(self, client_id: str, name: str, secret_hash: str) -> None:
        self.table.put(
            {
                "pk": f"SERVICE#{client_id}",
                "sk": "SERVICE",
                "clientId": client_id,
                "name": name,
                "secretHash": secret_hash,
                "status": "active",
                "createdAt": utc_now_iso(),
            },
            "attribute_not_exists(pk)",
        )


class SeaRoutes:
    """Route closures a game server declares (a storm): shipments on a closed route are lost."""

    def __init__(self, table_name: str):
        self.table = Table(table_name)

    @staticmethod
    def _pk(origin: str, destination: str) -> str:
        first, second = sorted((origin, destination))
        return f"ROUTE#{first}#{second}"

    def closure(self, origin: str, destination: str) -> dict[str, Any] | None:
        item = self.table.get(self._pk(origin, destination), "STATUS", consistent=True)
        return item if item and item.get("status") == "closed" else None

    def set_status(self, origin: str, destination: str, status: str, reason: str | None) -> dict[str, Any]:
        item = {
            "pk": self._pk(origin, destination),
            "sk": "STATUS",
            "islands": sorted((origin, destination)),
            "status": status,
            "reason": reason,
            "updatedAt": utc_now_iso(),
        }
        self.table.put(item)
        return item
