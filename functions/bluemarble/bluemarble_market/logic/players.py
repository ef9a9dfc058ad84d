"""Players' wallets and inventories, and what game servers do to them (grants, item types, memberships).

Decisions the spec leaves open, named here:

* The game owns players' coin and goods; the marketplace only moves them. A game server (a service
  account an operator mints) brings them in with ``POST /api/game/grants``: coin from the ledger's
  external account into the player's wallet, items from it into the player's inventory on an
  island (space reserved as for any arrival: 422 ``INSUFFICIENT_SPACE`` when full). One grant is
  one ledger transaction whose id is the grant's ``grantId`` (or the ``Idempotency-Key``), so a
  game server retrying a grant never pays twice. Grants only add; taking coin or items out of the
  marketplace (a game spending them) is not part of this API.
* Item types (``PUT /api/game/items/{itemId}``) name what can be traded: ``name``, ``type`` (the
  category: ``Resource``, ``Tool``, ``Crafted Good``...), ``description``, ``quality``,
  ``attributes``. Listing filters by ``category`` match ``type`` ignoring case and a plural ``s``.
* ``PUT /api/game/players/{playerId}/membership`` sets a player's user type (``standard`` or
  ``premium``: the spec's rate limits); it applies from the player's next token.
* A player reads their profile, wallet (balance and newest-first entries) and inventory (units per
  item type per island, with the free space on each island) under ``/api/players/me``.
"""

from decimal import Decimal
from typing import Any

from bluemarble_market.logic import accounts
from bluemarble_market.logic.errors import cursor_not_issued, item_not_found, player_not_found
from bluemarble_market.logic.islands import ISLAND_CAPACITY, ISLANDS, canonical_island
from bluemarble_market.logic.market import Market
from bluemarble_market.logic.money import COIN, as_number, to_cents
from shared.errors import InvalidInput
from shared.ledger import ExtraWrite, Posting

MAX_GRANT_LINES = 20


def grant(
    market: Market,
    service_id: str,
    grant_id: str,
    player_id: str,
    coin: Decimal | None,
    items: list[dict[str, Any]],
    reason: str,
    service_name: str,
) -> dict[str, Any]:
    profile = market.players.profile(player_id)
    if profile is None:
        raise player_not_found(player_id)
    postings: list[Posting] = []
    writes: list[ExtraWrite] = []
    if coin:
        cents = to_cents(coin)
        postings += [Posting(accounts.MINT, -cents), Posting(accounts.wallet(player_id), cents)]
    seen: set[tuple[str, str]] = set()
    for line in items:
        item_id, island, quantity = line["itemId"], canonical_island(line["island"]), line["quantity"]
        if market.items.get(item_id) is None:
            raise item_not_found(item_id)
        if (item_id, island) in seen:
            raise InvalidInput("Each item and island may appear once per grant", {"itemId": item_id, "island": island})
        seen.add((item_id, island))
        postings += [
            Posting(accounts.item_mint(item_id), -quantity),
            Posting(accounts.inventory(player_id, island, item_id), quantity),
        ]
        writes += [
            market.players.reserve_space(player_id, island, quantity),
            market.players.holding_write(player_id, island, item_id),
        ]
    writes.append(market.notify(player_id, "grant_received", {"grantId": grant_id, "reason": reason}))
    if not postings:
        raise InvalidInput("A grant needs coin or items", [{"field": "body", "message": "Must grant coin or items"}])
    posted = market.ledger.post(
        f"grant-{service_id}:{grant_id}",
        postings,
        f"Granted by {service_name}: {reason}",
        {"kind": "grant", "grantId": grant_id, "service": service_name},
        writes,
    )
    return {
        "grantId": grant_id,
        "playerId": player_id,
        "coin": as_number(to_cents(coin)) if coin else 0.0,
        "items": [
            {"itemId": i["itemId"], "island": canonical_island(i["island"]), "quantity": i["quantity"]} for i in items
        ],
        "reason": reason,
        "createdAt": posted.created_at,
    }


def wallet(market: Market, player_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
    try:
        balance, page = market.ledger.history(accounts.wallet(player_id), limit, cursor)
    except InvalidInput as error:
        raise cursor_not_issued() from error
    return {
        "balance": as_number(balance),
        "currency": COIN,
        "entries": [
            {
                "transactionId": entry.transaction_id,
                "amount": as_number(entry.amount),
                "balanceAfter": None if entry.balance_after is None else as_number(entry.balance_after),
                "description": entry.description,
                "kind": entry.kind,
                "createdAt": entry.created_at,
            }
            for entry in page.items
        ],
        "nextCursor": page.next_cursor,
        "hasMore": page.next_cursor is not None,
    }


def inventory(market: Market, player_id: str) -> dict[str, Any]:
    """Units per item type per island (from the ledger), and free space per island."""
    holdings = market.players.holdings(player_id)
    balances = market.ledger.balances([accounts.inventory(player_id, island, item_id) for island, item_id in holdings])
    names = market.items.many([item_id for _, item_id in holdings])
    space = market.players.space(player_id)
    islands = []
    for island in ISLANDS:
        items = []
        for held_island, item_id in holdings:
            units = balances[accounts.inventory(player_id, held_island, item_id)][0]
            if held_island == island and units:
                item = names.get(item_id, {})
                items.append(
                    {"itemId": item_id, "itemName": item.get("name"), "itemType": item.get("type"), "quantity": units}
                )
        free = space.get(island, ISLAND_CAPACITY)
        if items or free != ISLAND_CAPACITY:
            islands.append(
                {
                    "island": island,
                    "items": sorted(items, key=lambda entry: (entry["itemName"] or "", entry["itemId"])),
                    "capacity": ISLAND_CAPACITY,
                    "used": ISLAND_CAPACITY - free,
                    "free": free,
                }
            )
    return {"playerId": player_id, "islands": islands}
