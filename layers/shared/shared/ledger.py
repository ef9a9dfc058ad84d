"""The double-entry ledger every API moves money and items through.

Accounts are named ``<kind>:<owner>:<asset>`` (``user:u_1:DOF``, ``system:platform:DOF``,
``escrow:c_9:DOF``). A transaction is a set of postings whose amounts sum to zero per asset,
written with one ``TransactWriteItems``:

* the transaction record, conditioned on ``attribute_not_exists`` so that a retry with the same
  transaction id is harmless (it returns the first result instead of posting twice);
* one balance update per account. Accounts of one owner (users, escrows) are *tracked*: read first
  and updated with an optimistic ``version`` condition, so every entry knows the balance before
  and after and no floor or cap can be crossed. Hot system accounts (platform, creator pool,
  external world) take blind ``ADD`` updates so they never serialise unrelated transactions; a
  debit from one still carries a ``balance >= :debit`` condition;
* one entry per account, the history a wallet shows;
* any extra writes the caller needs in the same transaction (an agent created together with its
  creation fee, an item unlocked together with its sale), so nothing is ever half-written;
* the ledger's own *companion writes*: an API may give the ledger a function that derives writes
  from every transaction it posts (a balance notification per changed account, say). They commit
  in the same transaction as the money, on every path that moves it, so no route can forget them,
  a replay (nothing moved) makes none, and a transaction that fails leaves none behind.

Every API posts in its own *namespace* of the one ledger table (``jiga``, ``cosmic``...): its keys
start with ``ACCOUNT#<namespace>#`` and ``TXN#<namespace>#``, so an API's IAM policy can be fenced
to its own keys with ``dynamodb:LeadingKeys`` and no API can read or move another's money.

Amounts are whole numbers of an asset's minor unit. ``AssetRules.scale`` says how many decimal
places that is (BlueMarble coin: 2, so 550 is 5.50); ``to_minor``/``to_major`` convert exactly,
with Decimal, never binary floats. Items are assets too (one per item type): a listed item moves
from its owner's account to a lock account and on to the buyer in the same transaction as the coin.

Item layout in the ledger table (pk / sk):
  ACCOUNT#<ns>#<account>  ~BALANCE          balance, version, asset (``~`` sorts after every entry,
                                            so one descending query reads balance and newest entries)
  ACCOUNT#<ns>#<account>  ENTRY#<ts>#<txn>  amount, balanceBefore/After (tracked accounts), txn
  TXN#<ns>#<txn>          TXN               postings, description, metadata
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from botocore.exceptions import ClientError

from shared import aws
from shared.dynamo import cancellation_codes, from_item, to_item, to_value
from shared.errors import Conflict, DomainError, InsufficientFunds, InvalidInput, Unprocessable, utc_now_iso
from shared.pagination import CursorPage, decode_cursor, encode_cursor

BALANCE_SK = "~BALANCE"
TXN_SK = "TXN"
PLATFORM, CREATOR_POOL, EXTERNAL = "platform", "creator_pool", "external"
_MAX_ATTEMPTS = 5


def user_account(user_id: str, asset: str) -> str:
    return f"user:{user_id}:{asset}"


def system_account(name: str, asset: str) -> str:
    return f"system:{name}:{asset}"


def escrow_account(holder_id: str, asset: str) -> str:
    return f"escrow:{holder_id}:{asset}"


def asset_of(account: str) -> str:
    return account.rsplit(":", 1)[1]


def is_tracked(account: str) -> bool:
    """Per-owner accounts are read and version-checked; hot system accounts are not."""
    return not account.startswith("system:")


class BalanceCapExceeded(Unprocessable):
    def __init__(self, account: str, cap: int, attempted: int):
        super().__init__(
            f"Balance cap of {cap} {asset_of(account)} would be exceeded",
            {"cap": cap, "attempted": attempted},
            code="BALANCE_CAP_EXCEEDED",
        )


class LedgerConflict(Conflict):
    """Concurrent writers kept winning; the caller may retry the whole request."""


@dataclass(frozen=True)
class Posting:
    account: str
    amount: int  # positive credits (balance goes up), negative debits


@dataclass(frozen=True)
class ExtraWrite:
    """A write that must commit with the transaction, and the error to raise if its condition fails."""

    operation: dict[str, Any]  # one TransactWriteItems element: {"Put": {...}} / {"Update": ...}
    on_condition_failure: Callable[[], DomainError]


@dataclass
class AccountChange:
    account: str
    amount: int
    balance_before: int | None = None
    balance_after: int | None = None


@dataclass
class PostedTransaction:
    transaction_id: str
    description: str
    created_at: str
    changes: list[AccountChange]
    metadata: dict[str, Any] = field(default_factory=dict)
    replayed: bool = False

    def change_for(self, account: str) -> AccountChange:
        return next(change for change in self.changes if change.account == account)


@dataclass(frozen=True)
class AssetRules:
    """Floor, cap and decimal places per asset (Cosmic's capped currencies set ``cap``,
    BlueMarble's coin ``scale=2``)."""

    floor: int = 0
    cap: int | None = None
    scale: int = 0

    def to_minor(self, amount: Decimal | int | str) -> int:
        """An exact decimal amount in minor units; more places than the asset has is an error."""
        value = Decimal(str(amount))
        minor = value.scaleb(self.scale)
        if minor != minor.to_integral_value():
            raise InvalidInput(f"At most {self.scale} decimal places", {"amount": str(amount)})
        return int(minor)

    def to_major(self, minor: int) -> Decimal:
        return Decimal(minor).scaleb(-self.scale).quantize(Decimal(1).scaleb(-self.scale), rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class LedgerEntry:
    """One line of an account's history."""

    transaction_id: str
    amount: int
    balance_before: int | None
    balance_after: int | None
    description: str
    kind: str | None
    created_at: str


# Given the transaction about to be written (changes with balances before and after for tracked
# accounts), the TransactWriteItems elements to commit with it. They must carry no condition:
# they record what the transaction did, they do not decide whether it may happen.
CompanionWrites = Callable[["PostedTransaction"], list[dict[str, Any]]]


class Ledger:
    def __init__(
        self,
        table_name: str,
        namespace: str,
        asset_rules: dict[str, AssetRules] | None = None,
        client_factory: Callable[[], Any] = aws.dynamodb,
        companion_writes: CompanionWrites | None = None,
    ):
        if not namespace or "#" in namespace:
            raise ValueError("A ledger namespace is a non-empty name without '#'")
        self.table_name = table_name
        self.namespace = namespace
        self.asset_rules = asset_rules or {}
        self._client_factory = client_factory
        self._companion_writes = companion_writes

    def account_key(self, account: str) -> str:
        return f"ACCOUNT#{self.namespace}#{account}"

    def transaction_key(self, transaction_id: str) -> str:
        return f"TXN#{self.namespace}#{transaction_id}"

    @property
    def _client(self) -> Any:
        return self._client_factory()

    def _rules(self, account: str) -> AssetRules:
        if account.startswith(f"system:{EXTERNAL}:"):
            return AssetRules(floor=-(2**62))  # the outside world: money enters by going negative
        return self.asset_rules.get(asset_of(account), AssetRules())

    # -- reads ------------------------------------------------------------------------------

    def balances(self, accounts: Iterable[str]) -> dict[str, tuple[int, int]]:
        """Current (balance, version) per account; accounts never posted to are (0, 0)."""
        wanted = list(dict.fromkeys(accounts))
        found: dict[str, tuple[int, int]] = {account: (0, 0) for account in wanted}
        keys = [{"pk": {"S": self.account_key(a)}, "sk": {"S": BALANCE_SK}} for a in wanted]
        while keys:
            batch, keys = keys[:100], keys[100:]
            request = {self.table_name: {"Keys": batch, "ConsistentRead": True}}
            while request:
                response = self._client.batch_get_item(RequestItems=request)
                for raw in response["Responses"].get(self.table_name, []):
                    item = from_item(raw)
                    found[item["account"]] = (item.get("balance", 0), item.get("version", 0))
                request = response.get("UnprocessedKeys") or None
        return found

    def balance(self, account: str) -> int:
        return self.balances([account])[account][0]

    def history(self, account: str, limit: int = 20, cursor: str | None = None) -> tuple[int, CursorPage[LedgerEntry]]:
        """Balance and newest-first entries in one query (the balance item sorts last).

        A cursor pages only through the account it was issued for; any other is a 400."""
        query: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": self.account_key(account)}},
            "ScanIndexForward": False,
            "Limit": limit + (0 if cursor else 1),
        }
        if cursor:
            query["ExclusiveStartKey"] = _start_key(cursor, self.account_key(account))
        try:
            response = self._client.query(**query)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ValidationException":
                raise
            raise InvalidInput("Invalid pagination cursor", {"cursor": cursor}) from error
        items = [from_item(raw) for raw in response.get("Items", [])]
        balance = 0
        entries = []
        for item in items:
            if item["sk"] == BALANCE_SK:
                balance = item.get("balance", 0)
            else:
                entries.append(_entry(item))
        if cursor:
            balance = self.balance(account)
        last_key = response.get("LastEvaluatedKey")
        return balance, CursorPage(items=entries, next_cursor=encode_cursor(last_key) if last_key else None)

    def get_transaction(self, transaction_id: str) -> dict[str, Any] | None:
        response = self._client.get_item(
            TableName=self.table_name,
            Key={"pk": {"S": self.transaction_key(transaction_id)}, "sk": {"S": TXN_SK}},
            ConsistentRead=True,
        )
        return from_item(response.get("Item"))

    # -- writes -----------------------------------------------------------------------------

    def post(
        self,
        transaction_id: str,
        postings: list[Posting],
        description: str,
        metadata: dict[str, Any] | None = None,
        extra_writes: list[ExtraWrite] | None = None,
    ) -> PostedTransaction:
        """Post a balanced transaction exactly once. A retry with the same id returns the first."""
        merged = _merge_and_check(postings)
        extra_writes = extra_writes or []
        for _attempt in range(_MAX_ATTEMPTS):
            tracked = [a for a in merged if is_tracked(a)]
            current = self.balances(tracked) if tracked else {}
            try:
                changes = self._plan(merged, current)
            except (InsufficientFunds, BalanceCapExceeded):
                # A retry of a transaction that already posted may no longer fit today's balances.
                if self.get_transaction(transaction_id) is not None:
                    return self._replay(transaction_id, merged)
                raise
            created_at = utc_now_iso()
            operations = self._operations(transaction_id, changes, current, description, metadata, created_at)
            if self._companion_writes is not None:
                planned = PostedTransaction(transaction_id, description, created_at, changes, metadata or {})
                operations += self._companion_writes(planned)
            try:
                self._client.transact_write_items(TransactItems=operations + [w.operation for w in extra_writes])
            except ClientError as error:
                if error.response["Error"]["Code"] != "TransactionCanceledException":
                    raise
                codes = cancellation_codes(error)
                if codes and codes[0] == "ConditionalCheckFailed":
                    return self._replay(transaction_id, merged)
                self._raise_for_extra_writes(codes[len(operations) :], extra_writes)
                self._raise_for_blind_debits(codes, operations, changes)
                continue  # a tracked account moved underneath us, or a concurrent transaction
            return PostedTransaction(transaction_id, description, created_at, changes, metadata or {})
        raise LedgerConflict("The accounts are busy; please retry", {"transactionId": transaction_id})

    def _plan(self, merged: dict[str, int], current: dict[str, tuple[int, int]]) -> list[AccountChange]:
        changes = []
        for account, amount in merged.items():
            if account not in current:
                changes.append(AccountChange(account, amount))
                continue
            before = current[account][0]
            after = before + amount
            rules = self._rules(account)
            if amount < 0 and after < rules.floor:
                raise InsufficientFunds(required=-amount, available=before - rules.floor, asset=asset_of(account))
            if amount > 0 and rules.cap is not None and after > rules.cap:
                raise BalanceCapExceeded(account, rules.cap, after)
            changes.append(AccountChange(account, amount, before, after))
        return changes

    def _operations(
        self,
        transaction_id: str,
        changes: list[AccountChange],
        current: dict[str, tuple[int, int]],
        description: str,
        metadata: dict[str, Any] | None,
        created_at: str,
    ) -> list[dict[str, Any]]:
        table = self.table_name
        operations: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": table,
                    "Item": to_item(
                        {
                            "pk": self.transaction_key(transaction_id),
                            "sk": TXN_SK,
                            "transactionId": transaction_id,
                            "postings": [{"account": c.account, "amount": c.amount} for c in changes],
                            "description": description,
                            "metadata": metadata or {},
                            "createdAt": created_at,
                        }
                    ),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        ]
        for change in changes:
            key = {"pk": {"S": self.account_key(change.account)}, "sk": {"S": BALANCE_SK}}
            if change.balance_after is not None:
                version = current[change.account][1]
                update: dict[str, Any] = {
                    "TableName": table,
                    "Key": key,
                    "UpdateExpression": "SET balance = :after, version = :next, account = :account, "
                    "asset = :asset, updatedAt = :now",
                    "ExpressionAttributeValues": {
                        ":after": to_value(change.balance_after),
                        ":next": to_value(version + 1),
                        ":account": to_value(change.account),
                        ":asset": to_value(asset_of(change.account)),
                        ":now": to_value(created_at),
                    },
                }
                if version == 0:
                    update["ConditionExpression"] = "attribute_not_exists(pk)"
                else:
                    update["ConditionExpression"] = "version = :current"
                    update["ExpressionAttributeValues"][":current"] = to_value(version)
            else:
                update = {
                    "TableName": table,
                    "Key": key,
                    "UpdateExpression": "ADD balance :amount SET account = :account, asset = :asset, updatedAt = :now",
                    "ExpressionAttributeValues": {
                        ":amount": to_value(change.amount),
                        ":account": to_value(change.account),
                        ":asset": to_value(asset_of(change.account)),
                        ":now": to_value(created_at),
                    },
                }
                floor = self._rules(change.account).floor
                if change.amount < 0 and floor > -(2**62):
                    update["ConditionExpression"] = "balance >= :needed"
                    update["ExpressionAttributeValues"][":needed"] = to_value(floor - change.amount)
            operations.append({"Update": update})
            operations.append(
                {
                    "Put": {
                        "TableName": table,
                        "Item": to_item(
                            {
                                "pk": self.account_key(change.account),
                                "sk": f"ENTRY#{created_at}#{transaction_id}",
                                "transactionId": transaction_id,
                                "amount": change.amount,
                                "balanceBefore": change.balance_before,
                                "balanceAfter": change.balance_after,
                                "description": description,
                                "kind": (metadata or {}).get("kind"),
                                "createdAt": created_at,
                            }
                        ),
                    }
                }
            )
        return operations

    def _replay(self, transaction_id: str, merged: dict[str, int]) -> PostedTransaction:
        stored = self.get_transaction(transaction_id)
        if stored is None:  # pragma: no cover - the condition failed on a record that exists
            raise LedgerConflict("Transaction state is inconsistent; please retry")
        stored_postings = {p["account"]: p["amount"] for p in stored["postings"]}
        if stored_postings != merged:
            raise Conflict(
                "This transaction id was already used for a different transaction",
                {"transactionId": transaction_id},
                code="TRANSACTION_ID_REUSED",
            )
        changes = [AccountChange(account, amount) for account, amount in stored_postings.items()]
        return PostedTransaction(
            transaction_id,
            stored.get("description", ""),
            stored["createdAt"],
            changes,
            stored.get("metadata", {}),
            replayed=True,
        )

    @staticmethod
    def _raise_for_extra_writes(codes: list[str], extra_writes: list[ExtraWrite]) -> None:
        for code, write in zip(codes, extra_writes, strict=False):
            if code == "ConditionalCheckFailed":
                raise write.on_condition_failure()

    def _raise_for_blind_debits(
        self, codes: list[str], operations: list[dict[str, Any]], changes: list[AccountChange]
    ) -> None:
        # operations are [txn, (update, entry) per change]: the update of change i is at 1 + 2i
        for index, change in enumerate(changes):
            if change.balance_after is None and codes[1 + 2 * index] == "ConditionalCheckFailed":
                available = self.balances([change.account])[change.account][0]
                raise InsufficientFunds(-change.amount, available, asset_of(change.account))


def _merge_and_check(postings: list[Posting]) -> dict[str, int]:
    if not postings:
        raise InvalidInput("A transaction needs at least one posting")
    merged: dict[str, int] = defaultdict(int)
    per_asset: dict[str, int] = defaultdict(int)
    for posting in postings:
        if not isinstance(posting.amount, int) or isinstance(posting.amount, bool):
            raise InvalidInput("Ledger amounts are whole units")
        merged[posting.account] += posting.amount
        per_asset[asset_of(posting.account)] += posting.amount
    unbalanced = {asset: total for asset, total in per_asset.items() if total != 0}
    if unbalanced:
        raise InvalidInput("Transaction does not balance", {"imbalance": unbalanced})
    nonzero = {account: amount for account, amount in merged.items() if amount != 0}
    if not nonzero:
        raise InvalidInput("A transaction must move something")
    if 1 + 2 * len(nonzero) > 90:
        raise InvalidInput("Too many accounts in one transaction")
    return nonzero


def _start_key(cursor: str, account_key: str) -> dict[str, Any]:
    """The cursor's key, provided it points into this account's history and nowhere else."""
    key = decode_cursor(cursor)
    sort_key = key.get("sk")
    if (
        set(key) != {"pk", "sk"}
        or key["pk"] != {"S": account_key}
        or not isinstance(sort_key, dict)
        or set(sort_key) != {"S"}
        or not isinstance(sort_key["S"], str)
        or not sort_key["S"]
    ):
        raise InvalidInput("Invalid pagination cursor", {"cursor": cursor})
    return key


def _entry(item: dict[str, Any]) -> LedgerEntry:
    return LedgerEntry(
        transaction_id=item["transactionId"],
        amount=item["amount"],
        balance_before=item.get("balanceBefore"),
        balance_after=item.get("balanceAfter"),
        description=item.get("description", ""),
        kind=item.get("kind"),
        created_at=item["createdAt"],
    )
