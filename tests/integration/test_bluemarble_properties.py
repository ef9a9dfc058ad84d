"""Property test: whatever players do - list, edit, buy on their island or across the sea, cancel,
let listings expire - and however settlements end - delivered, lost at sea and refunded, never
started, or stuck because even the refund failed - coin and items are conserved and no balance
goes negative.

Each example runs the marketplace's own logic against DynamoDB (moto) in a ledger namespace of its
own, so the books can be added up exactly: per asset, every account sums to zero (what the game
granted is somewhere), every item is in exactly one inventory, lock or transit account, each
listing's lock holds exactly its remaining quantity, and each pending purchase's escrow and
transit hold exactly what it paid and shipped.
"""

import uuid
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from bluemarble_market.logic import accounts, listings, players, purchases
from bluemarble_market.logic.market import Market, Player
from bluemarble_market.logic.money import COIN, COIN_RULES
from shared.errors import DomainError
from shared.ledger import Ledger

ISLANDS = ("Aethermoor", "Brinehold")


@dataclass
class FakeSettlement:
    started: list[str] = field(default_factory=list)
    broken: bool = False

    def start(self, purchase_id: str, payload: dict[str, Any]) -> None:
        if self.broken:
            raise RuntimeError("Step Functions is unavailable")
        self.started.append(purchase_id)


class FakeSchedules:
    def create(self, listing_id: str, at: datetime) -> None:
        pass

    def delete(self, listing_id: str) -> None:
        pass


@dataclass
class FakeRoutes:
    closed: bool = False

    def closure(self, origin: str, destination: str) -> dict[str, Any] | None:
        return {"reason": "storm"} if self.closed else None


@pytest.fixture(scope="module")
def real_market(bluemarble, runtime):
    from bluemarble_market import dependencies

    with runtime.function_environment("BlueMarbleTransactionsFunction"):
        yield dependencies.market()


def test_coin_and_items_are_conserved_whatever_happens(real_market, runtime):
    base = real_market

    class Marketplace(RuleBasedStateMachine):
        @initialize()
        def open_market(self) -> None:
            namespace = f"bmprop{uuid.uuid4().hex[:10]}"
            self.ledger = Ledger(base.ledger.table_name, namespace, {COIN: COIN_RULES})
            self.settlement = FakeSettlement()
            self.routes = FakeRoutes()
            self.market = Market(
                ledger=self.ledger,
                players=base.players,
                items=base.items,
                listings=base.listings,
                purchases=base.purchases,
                routes=self.routes,
                schedules=FakeSchedules(),
                settlement=self.settlement,
                notify=base.notify,
            )
            self.item = "7c9e6679-7425-40de-944b-e07fc1f90ae7"  # Iron Ore (local/seed.py)
            self.players: list[Player] = []
            for number, island in enumerate((ISLANDS[0], ISLANDS[0], ISLANDS[1])):
                player_id = f"usr_prop_{uuid.uuid4().hex[:12]}"
                base.players.table.put(
                    {
                        "pk": f"USER#{player_id}",
                        "sk": "PROFILE",
                        "userId": player_id,
                        "displayName": f"P{number}",
                        "homeIsland": island,
                    }
                )
                player = Player(player_id, f"P{number}", island)
                players.grant(
                    self.market,
                    "test",
                    uuid.uuid4().hex,
                    player_id,
                    Decimal("500.00"),
                    [{"itemId": self.item, "island": island, "quantity": 60}],
                    "start",
                    "test",
                )
                self.players.append(player)
            self.listings: list[str] = []
            self.purchases: list[str] = []

        @rule(seller=st.integers(0, 2), quantity=st.integers(1, 70), cents=st.integers(1, 2_000))
        def list_items(self, seller: int, quantity: int, cents: int) -> None:
            try:
                made = listings.create_listing(
                    self.market, self.players[seller], self.item, quantity, Decimal(cents) / 100, "1d", None
                )
                self.listings.append(made["id"])
            except DomainError:
                pass  # not enough items, a duplicate listing, a fee it cannot pay: nothing moved

        @precondition(lambda self: self.listings)
        @rule(pick=st.integers(0, 99), quantity=st.integers(1, 70), cents=st.integers(1, 2_000))
        def edit(self, pick: int, quantity: int, cents: int) -> None:
            listing = base.listings.get(self.listings[pick % len(self.listings)])
            seller = next(p for p in self.players if p.player_id == listing["sellerId"])
            with suppress(DomainError):
                listings.update_listing(self.market, seller, listing["listingId"], Decimal(cents) / 100, quantity)

        @precondition(lambda self: self.listings)
        @rule(buyer=st.integers(0, 2), pick=st.integers(0, 99), quantity=st.integers(1, 30), broken=st.booleans())
        def buy(self, buyer: int, pick: int, quantity: int, broken: bool) -> None:
            self.settlement.broken = broken
            try:
                bought = purchases.purchase(
                    self.market, self.players[buyer], self.listings[pick % len(self.listings)], quantity
                )
                self.purchases.append(bought["transactionId"])
            except DomainError:
                pass  # unavailable, own listing, too poor, no room, or the settlement could not start

        @precondition(lambda self: self.listings)
        @rule(pick=st.integers(0, 99))
        def cancel(self, pick: int) -> None:
            listing = base.listings.get(self.listings[pick % len(self.listings)])
            seller = next(p for p in self.players if p.player_id == listing["sellerId"])
            with suppress(DomainError):
                listings.cancel_listing(self.market, seller, listing["listingId"])

        @precondition(lambda self: self.listings)
        @rule(pick=st.integers(0, 99))
        def expire(self, pick: int) -> None:
            listings.expire_listing(
                self.market, self.listings[pick % len(self.listings)], datetime.now(UTC) + timedelta(days=2)
            )

        @precondition(lambda self: self.settlement.started)
        @rule(pick=st.integers(0, 99), storm=st.booleans())
        def settle(self, pick: int, storm: bool) -> None:
            """The state machine's run: deliver, or (the shipment lost) refund and restore."""
            purchase_id = self.settlement.started.pop(pick % len(self.settlement.started))
            self.routes.closed = storm
            try:
                purchases.deliver(self.market, purchase_id)
            except purchases.ShipmentLost:
                purchases.refund(self.market, purchase_id, "The shipment was lost at sea")
            finally:
                self.routes.closed = False

        @precondition(lambda self: self.settlement.started)
        @rule(pick=st.integers(0, 99))
        def strand(self, pick: int) -> None:
            """Delivery and refund both keep failing: the purchase is parked, still pending."""
            self.settlement.started.pop(pick % len(self.settlement.started))

        @invariant()
        def books_balance(self) -> None:
            if not hasattr(self, "ledger"):
                return
            known = [accounts.FEES, accounts.TRANSPORT, accounts.MINT, accounts.item_mint(self.item)]
            for player in self.players:
                known.append(accounts.wallet(player.player_id))
                known += [accounts.inventory(player.player_id, island, self.item) for island in ISLANDS]
            records = {listing_id: base.listings.get(listing_id) for listing_id in self.listings}
            known += [accounts.lock(listing_id, self.item) for listing_id in self.listings]
            deals = {purchase_id: base.purchases.get(purchase_id) for purchase_id in self.purchases}
            for purchase_id in self.purchases:
                known += [accounts.escrow(purchase_id), accounts.transit(purchase_id, self.item)]
            balances = {account: value for account, (value, _) in self.ledger.balances(known).items()}
            totals: dict[str, int] = {}
            for account, balance in balances.items():
                totals[accounts_asset(account)] = totals.get(accounts_asset(account), 0) + balance
                if not account.startswith("system:external:"):
                    assert balance >= 0, (account, balance)
            assert all(total == 0 for total in totals.values()), totals
            for listing_id, record in records.items():
                assert balances[accounts.lock(listing_id, self.item)] == record["quantity"], record
            for purchase_id, deal in deals.items():
                pending = deal["status"] == "PENDING"
                assert balances[accounts.escrow(purchase_id)] == (deal["finalCost"] if pending else 0), deal
                assert balances[accounts.transit(purchase_id, self.item)] == (deal["quantity"] if pending else 0)

    def accounts_asset(account: str) -> str:
        return account.rsplit(":", 1)[1]

    Marketplace.TestCase.settings = settings(
        max_examples=12, stateful_step_count=15, deadline=None, suppress_health_check=list(HealthCheck)
    )
    Marketplace.TestCase().runTest()
