"""Cosmetics (data/cosmetics.json): the catalogue, purchases, the inventory and the loadout.

Decisions the spec leaves open:

* Items are ledger assets (``item.<code>``, capped at one per player): a purchase is one
  transaction that takes the price to ``system:cosmetics``, mints the item to the player, records
  the inventory line and, for a limited item, counts the day's stock. Nothing is ever half-bought.
* ``is_available`` means "for sale today": priced, and either always for sale or a limited item
  in today's shop with stock left. ``affordable=true`` keeps items for sale today at today's price
  that the caller's wallet covers (it needs a token); ``affordable=false`` the others.
* Purchase errors, most final first: 404 ``ITEM_NOT_FOUND``, 400 ``ALREADY_OWNED``, 400
  ``ITEM_UNAVAILABLE`` (not for sale: a title, a limited item not in today's shop, sold out), 400
  ``REQUIREMENTS_NOT_MET`` (``details.unmet`` lists what is missing), then 400
  ``INSUFFICIENT_FUNDS``.
* Loadout slots: ``symbol_trail_o/x`` and ``symbol_evolution_o/x`` take items of that category for
  that symbol (or ``any``), the others their category (``active_title`` a title). ``PUT`` changes
  only the slots it names (``null`` empties one) and answers those slots; an item not owned is
  400 ``ITEM_NOT_OWNED``, one that does not fit the slot 400 ``INVALID_SLOT_ITEM``, an unknown slot
  400 ``VALIDATION_ERROR``.
* ``collection_stats.completion_percent`` is owned items over the whole catalogue, one decimal.
"""

from datetime import date
from typing import Any

from cosmic_ttt.catalogue import Cosmetic, achievements, cosmetics
from cosmic_ttt.logic import economy, progression, shop
from cosmic_ttt.logic.achievements import effects, status_of
from cosmic_ttt.logic.progression import ProgressChange
from cosmic_ttt.logic.skills import awakened_path_open
from shared.errors import InvalidInput, NotFound


def find_item(item_id: str) -> Cosmetic:
    item = cosmetics().find(item_id)
    if item is None:
        raise NotFound(f"No cosmetic {item_id}", {"item_id": item_id}, code="ITEM_NOT_FOUND")
    return item


def owned_codes(services: Any, player_id: str) -> dict[str, dict[str, Any]]:
    return {record["item_code"]: record for record in services.players.records(player_id, "INV#")}


def equipped_codes(services: Any, player_id: str) -> set[str]:
    slots = services.players.loadout(player_id, tuple(cosmetics().slots))["slots"]
    return {code for code in slots.values() if code}


def availability(day: date, sold: dict[str, int]) -> dict[str, dict[str, int] | None]:
    """Today's price of every item for sale today (sold-out limited items are not)."""
    found = {}
    for item in cosmetics().items:
        price = shop.price_today(item, day)
        if price is not None and item.limited:
            slot = shop.slot_of(item, day)
            if slot is None or slot.stock is None or sold.get(item.item_code, 0) >= slot.stock:
                price = None
        found[item.item_code] = price
    return found


def limited_today(day: date) -> list[str]:
    return [slot.item.item_code for slot in shop.rotation(day) if slot.stock is not None]


def catalogue_view(
    services: Any,
    player_id: str | None,
    day: date,
    filters: dict[str, Any],
    limit: int,
    offset: int,
) -> dict[str, Any]:
    prices = availability(day, services.shop.sold(day.isoformat(), limited_today(day)))
    owned = owned_codes(services, player_id) if player_id else {}
    equipped = equipped_codes(services, player_id) if player_id else set()
    balances: dict[str, int] = {}
    if filters.get("affordable") is not None and player_id:
        balances = services.wallets.balances(player_id, economy.CURRENCIES)
    items = []
    for item in cosmetics().items:
        if any(filters.get(name) not in (None, getattr(item, name)) for name in ("category", "tier", "faction")):
            continue
        price = prices[item.item_code]
        if filters.get("affordable") is not None:
            affordable = price is not None and all(balances.get(c, 0) >= amount for c, amount in price.items())
            if affordable != filters["affordable"]:
                continue
        items.append(
            {
                "item_id": item.item_id,
                "item_code": item.item_code,
                "name": item.name,
                "description": item.description,
                "category": item.category,
                "tier": item.tier,
                "faction": item.faction,
                "price": item.price,
                "unlock_requirements": item.unlock_requirements,
                "preview_url": item.preview_url,
                "is_owned": item.item_code in owned,
                "is_equipped": item.item_code in equipped,
                "is_available": price is not None,
            }
        )
    page = items[offset : offset + limit]
    return {
        "items": page,
        "pagination": {"total": len(items), "limit": limit, "offset": offset, "has_more": offset + limit < len(items)},
    }


def unmet_requirements(services: Any, player_id: str, item: Cosmetic, progress: dict[str, Any]) -> dict[str, Any]:
    unmet: dict[str, Any] = {}
    required = item.unlock_requirements or {}
    metrics = progression.metrics(progress)
    if "level" in required and metrics["level"] < required["level"]:
        unmet["level"] = {"required": required["level"], "current": metrics["level"]}
    if "achievement" in required:
        achievement = achievements().by_code(required["achievement"])
        if status_of(achievement, metrics) != "complete":
            unmet["achievement"] = required["achievement"]
    if "skill_node" in required:
        nodes = {record["node_id"] for record in services.players.records(player_id, "SKILL#")}
        if required["skill_node"] not in nodes:
            unmet["skill_node"] = required["skill_node"]
    if required.get("awakened_path") and not awakened_path_open(services, player_id, progress):
        unmet["awakened_path"] = True
    return unmet


def purchase(services: Any, player_id: str, item_id: str, day: date, now: str) -> dict[str, Any]:
    item = find_item(item_id)
    already = lambda: InvalidInput(f"You already own {item.name}", code="ALREADY_OWNED")  # noqa: E731
    if item.item_code in owned_codes(services, player_id):
        raise already()
    unavailable = lambda: InvalidInput(  # noqa: E731
        f"{item.name} is not for sale today", {"item_code": item.item_code}, code="ITEM_UNAVAILABLE"
    )
    slot = shop.slot_of(item, day)
    price = shop.price_today(item, day)
    if price is None:
        raise unavailable()
    limited = slot is not None and slot.stock is not None
    if limited and services.shop.sold(day.isoformat(), [item.item_code])[item.item_code] >= slot.stock:
        raise unavailable()
    progress = services.players.progress(player_id)
    unmet = unmet_requirements(services, player_id, item, progress)
    if unmet:
        raise InvalidInput(
            f"The requirements for {item.name} are not met", {"unmet": unmet}, code="REQUIREMENTS_NOT_MET"
        )
    economy.require_funds(services.wallets.balances(player_id, list(price)), price, "INSUFFICIENT_FUNDS", "buy it")
    inventory_id = services.new_id()
    writes = [services.players.inventory_add(player_id, item.item_code, inventory_id, "purchase", now, already)]
    if slot is not None and slot.stock is not None:
        writes.append(services.shop.sell_one(day.isoformat(), item.item_code, slot.stock, unavailable))
    consequences = effects(services, player_id, progress, ProgressChange.adding(cosmetics_owned=1), now)
    moved = economy.move(
        services,
        f"purchase:{player_id}:{item.item_code}",
        player_id,
        f"Bought {item.name}",
        "purchase",
        payments=price,
        sink="cosmetics",
        postings=economy.item_postings(player_id, item.asset),
        extra_writes=writes + consequences.writes,
        metadata={"item_code": item.item_code, "shop_date": day.isoformat()},
    )
    services.notify(player_id, consequences.events)
    return {
        "purchased": {"item_id": item.item_id, "name": item.name, "tier": item.tier},
        "price_paid": price,
        "wallet_after": moved.balances_after,
        "inventory_id": inventory_id,
    }


def inventory_view(services: Any, player_id: str) -> dict[str, Any]:
    catalogue = cosmetics()
    owned = owned_codes(services, player_id)
    equipped = equipped_codes(services, player_id)
    lines = []
    by_tier = dict.fromkeys(catalogue.tiers, 0)
    for code, record in sorted(owned.items(), key=lambda pair: pair[1]["acquired_at"]):
        item = catalogue.find(code)
        if item is None:  # retired from the catalogue: still owned, not shown
            continue
        by_tier[item.tier] += 1
        lines.append(
            {
                "inventory_id": record["inventory_id"],
                "item_id": item.item_id,
                "item_code": item.item_code,
                "name": item.name,
                "category": item.category,
                "tier": item.tier,
                "is_equipped": code in equipped,
                "acquired_at": record["acquired_at"],
                "acquisition_type": record["acquisition_type"],
            }
        )
    return {
        "inventory": lines,
        "collection_stats": {
            "total_owned": len(lines),
            "by_tier": by_tier,
            "completion_percent": round(len(lines) * 100 / len(catalogue.items), 1),
        },
    }


def _slot_view(code: str | None) -> dict[str, str] | None:
    item = cosmetics().find(code) if code else None
    return {"item_id": item.item_id, "name": item.name} if item else None


def loadout_view(services: Any, player_id: str) -> dict[str, Any]:
    slots = services.players.loadout(player_id, tuple(cosmetics().slots))["slots"]
    return {"loadout": {slot: _slot_view(code) for slot, code in slots.items()}}


def fits(item: Cosmetic, slot: str) -> bool:
    catalogue = cosmetics()
    if catalogue.slots[slot] != item.category:
        return False
    return not (slot.endswith(("_o", "_x")) and item.symbol not in (slot[-1], "any"))


def update_loadout(services: Any, player_id: str, changes: dict[str, str | None], now: str) -> dict[str, Any]:
    catalogue = cosmetics()
    unknown = [slot for slot in changes if slot not in catalogue.slots]
    if unknown:
        raise InvalidInput("Unknown loadout slots", {"unknown_slots": unknown, "slots": list(catalogue.slots)})
    owned = owned_codes(services, player_id)
    codes: dict[str, str | None] = {}
    for slot, item_id in changes.items():
        if item_id is None:
            codes[slot] = None
            continue
        item = catalogue.find(item_id)
        if item is None or item.item_code not in owned:
            raise InvalidInput(f"You do not own {item_id}", {"slot": slot, "item_id": item_id}, code="ITEM_NOT_OWNED")
        if not fits(item, slot):
            raise InvalidInput(
                f"{item.name} does not fit {slot}",
                {"slot": slot, "item_id": item_id, "category": item.category, "symbol": item.symbol},
                code="INVALID_SLOT_ITEM",
            )
        codes[slot] = item.item_code
    services.players.update_loadout(player_id, codes, now)
    return {"loadout": {slot: _slot_view(code) for slot, code in codes.items()}, "updated_at": now}
