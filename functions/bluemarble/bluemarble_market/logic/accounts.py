"""Ledger account names of the marketplace (namespace ``bluemarble``).

Coin is the asset ``COIN``; each item type is its own asset ``ITEM.<itemId>``, so a transaction
balances coin and every item type separately. Where an item sits is the account, not the asset,
so moving goods between islands is a balanced transfer of one asset:

  user:<player>:COIN                  a player's wallet
  escrow:<purchase>:COIN              a cross-island purchase's payment, until delivery or refund
  system:fees:COIN                    listing and marketplace fees (the marketplace's revenue)
  system:transport:COIN               transport paid for cross-island deliveries
  system:external:COIN                coin that entered from the game (grants by game servers)
  inv:<player>@<island>:ITEM.<item>   a player's inventory of one item type on one island
  lock:<listing>:ITEM.<item>          items held for a listing (its remaining quantity)
  transit:<purchase>:ITEM.<item>      items at sea for a cross-island purchase
  system:external:ITEM.<item>         items that entered from the game (grants)

Every item outside ``system:external`` is in exactly one inventory, lock or transit account, and
the ledger's floors keep each of them at zero or above.
"""

from bluemarble_market.logic.money import COIN

ITEM_PREFIX = "ITEM."
FEES = f"system:fees:{COIN}"
TRANSPORT = f"system:transport:{COIN}"
MINT = f"system:external:{COIN}"


def item_asset(item_id: str) -> str:
    return f"{ITEM_PREFIX}{item_id}"


def wallet(player_id: str) -> str:
    return f"user:{player_id}:{COIN}"


def escrow(purchase_id: str) -> str:
    return f"escrow:{purchase_id}:{COIN}"


def inventory(player_id: str, island: str, item_id: str) -> str:
    return f"inv:{player_id}@{island}:{item_asset(item_id)}"


def lock(listing_id: str, item_id: str) -> str:
    return f"lock:{listing_id}:{item_asset(item_id)}"


def transit(purchase_id: str, item_id: str) -> str:
    return f"transit:{purchase_id}:{item_asset(item_id)}"


def item_mint(item_id: str) -> str:
    return f"system:external:{item_asset(item_id)}"
