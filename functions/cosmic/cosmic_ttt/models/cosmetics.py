"""Bodies of the cosmetic routes: catalogue, inventory, purchase, loadout, daily shop."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from cosmic_ttt.models.common import Pagination

Rarity = Literal["common", "uncommon", "rare", "epic", "legendary"]
Faction = Literal["orbis", "crucia", "neutral", "awakened"]
ItemCategory = Literal[
    "symbol_trail", "symbol_evolution", "cell_animation", "grid_skin", "victory_effect", "profile_frame", "title"
]
ItemRef = str | None


class CatalogueItem(BaseModel):
    item_id: str
    item_code: str
    name: str
    description: str
    category: ItemCategory
    tier: Rarity
    faction: Faction
    price: dict[str, int] | None
    unlock_requirements: dict[str, Any] | None
    preview_url: str
    is_owned: bool
    is_equipped: bool
    is_available: bool


class CataloguePage(BaseModel):
    items: list[CatalogueItem]
    pagination: Pagination


class InventoryLine(BaseModel):
    inventory_id: str
    item_id: str
    item_code: str
    name: str
    category: ItemCategory
    tier: Rarity
    is_equipped: bool
    acquired_at: str
    acquisition_type: Literal["purchase", "achievement", "grant"]


class CollectionStats(BaseModel):
    total_owned: int
    by_tier: dict[str, int]
    completion_percent: float


class Inventory(BaseModel):
    inventory: list[InventoryLine]
    collection_stats: CollectionStats


class Purchased(BaseModel):
    item_id: str
    name: str
    tier: Rarity


class PurchaseResponse(BaseModel):
    purchased: Purchased
    price_paid: dict[str, int]
    wallet_after: dict[str, int]
    inventory_id: str


class Equipped(BaseModel):
    item_id: str
    name: str


class Loadout(BaseModel):
    loadout: dict[str, Equipped | None]


_SLOT = Field(default=None, max_length=64, description="An owned item's id (or code); null empties the slot")


def _items_per_slot(schema: dict[str, Any]) -> None:
    """Each slot lists the catalogue's items that fit it, by id and by code (read when the document
    is built): any other value is 400 (INVALID_SLOT_ITEM, or ITEM_NOT_OWNED for an unknown item),
    and of these only the caller's own are accepted (400 ITEM_NOT_OWNED otherwise)."""
    from cosmic_ttt.catalogue import cosmetics
    from cosmic_ttt.logic.cosmetics import fits

    for slot, field in schema["properties"].items():
        fitting = [item for item in cosmetics().items if fits(item, slot)]
        values = sorted({value for item in fitting for value in (item.item_id, item.item_code)})
        field["anyOf"] = [{"type": "string", "enum": values}, {"type": "null"}]


class LoadoutUpdate(BaseModel):
    """The slots to change; a slot left out keeps its item."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_items_per_slot)

    symbol_trail_o: ItemRef = _SLOT
    symbol_trail_x: ItemRef = _SLOT
    symbol_evolution_o: ItemRef = _SLOT
    symbol_evolution_x: ItemRef = _SLOT
    cell_animation: ItemRef = _SLOT
    grid_skin: ItemRef = _SLOT
    victory_effect: ItemRef = _SLOT
    profile_frame: ItemRef = _SLOT
    active_title: ItemRef = _SLOT


class LoadoutUpdated(BaseModel):
    loadout: dict[str, Equipped | None]
    updated_at: str


class ShopItem(BaseModel):
    item_id: str
    item_code: str
    name: str
    category: ItemCategory
    tier: Rarity


class ShopSlot(BaseModel):
    slot_number: int
    item: ShopItem
    is_featured: bool
    discount_percent: int
    original_price: dict[str, int]
    sale_price: dict[str, int]
    stock_remaining: int | None


class DailyShop(BaseModel):
    rotation_date: str
    refreshes_at: str
    slots: list[ShopSlot]
