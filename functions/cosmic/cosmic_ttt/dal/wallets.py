"""A player's currencies as the ledger holds them: ``user:<player id>:<currency>`` accounts.

The wallet screen needs each balance and when the wallet last changed; both are on the ledger's
balance items (``ACCOUNT#cosmic#<account>`` / ``~BALANCE``, see shared.ledger), read in one
BatchGetItem. The transaction history is the ledger's own per-account entries.
"""

from collections.abc import Iterable
from typing import Any

from shared import aws
from shared.dynamo import from_item
from shared.ledger import BALANCE_SK, Ledger, LedgerEntry, user_account


class Wallets:
    def __init__(self, ledger: Ledger):
        self.ledger = ledger

    def snapshot(self, player_id: str, currencies: Iterable[str]) -> tuple[dict[str, int], str | None]:
        """Each currency's balance (0 if never touched) and the newest change's time."""
        accounts = {self.ledger.account_key(user_account(player_id, c)): c for c in currencies}
        balances = dict.fromkeys(accounts.values(), 0)
        updated: list[str] = []
        keys = [{"pk": {"S": key}, "sk": {"S": BALANCE_SK}} for key in accounts]
        table = self.ledger.table_name
        request: dict[str, Any] | None = {table: {"Keys": keys, "ConsistentRead": True}}
        while request:
            response = aws.dynamodb().batch_get_item(RequestItems=request)
            for raw in response["Responses"].get(table, []):
                item = from_item(raw) or {}
                balances[accounts[item["pk"]]] = int(item.get("balance", 0))
                if item.get("updatedAt"):
                    updated.append(item["updatedAt"])
            request = response.get("UnprocessedKeys") or None
        return balances, max(updated, default=None)

    def balances(self, player_id: str, assets: Iterable[str]) -> dict[str, int]:
        found = self.ledger.balances([user_account(player_id, asset) for asset in assets])
        return {account.rsplit(":", 1)[1]: balance for account, (balance, _) in found.items()}

    def entries(self, player_id: str, currency: str) -> list[LedgerEntry]:
        """Every entry of one currency account, newest first."""
        account = user_account(player_id, currency)
        entries: list[LedgerEntry] = []
        cursor = None
        while True:
            _, page = self.ledger.history(account, limit=100, cursor=cursor)
            entries.extend(page.items)
            cursor = page.next_cursor
            if cursor is None:
                return entries
