"""The daily shop (data/shop.json): a rotation per UTC date, the same for everyone, computed.

Decisions the spec leaves open:

* The rotation of a date is drawn with a generator seeded by sha256("<cosmetics version>:<date>"):
  deterministic (every instance, every player, any time of that day, and tests, agree), known in
  advance, and no schedule or stored rotation is needed. A new catalogue version reshuffles it.
* Six slots: one limited item and five items that are always for sale, shuffled; the first two
  slots are featured with a discount of 15, 20 or 25 %. Sale prices round down (never to 0).
* A featured item bought that day costs its sale price, whichever route buys it. A limited item
  is for sale only on the days it is in the rotation, 25 units a day for all players together:
  each sale increments that day's counter under the condition ``sold < 25`` in the same
  transaction as the payment, so the shop never oversells; a sold-out item is 400
  ``ITEM_UNAVAILABLE``. ``stock_remaining`` is null for unlimited items.
"""

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from cosmic_ttt.catalogue import Cosmetic, cosmetics, shop_rules


@dataclass(frozen=True)
class Slot:
    slot_number: int
    item: Cosmetic
    is_featured: bool
    discount_percent: int
    sale_price: dict[str, int]
    stock: int | None  # None: not limited


def _discounted(price: dict[str, int], percent: int) -> dict[str, int]:
    return {currency: max(amount * (100 - percent) // 100, 1) for currency, amount in price.items()}


def rotation(day: date) -> list[Slot]:
    rules, catalogue = shop_rules(), cosmetics()
    seed = int.from_bytes(hashlib.sha256(f"{catalogue.version}:{day.isoformat()}".encode()).digest()[:8], "big")
    rng = random.Random(seed)  # noqa: S311 - a published rotation, not a secret
    limited = [item for item in catalogue.items if item.limited and item.price]
    regular = [item for item in catalogue.items if not item.limited and item.price]
    picks = rng.sample(limited, k=min(rules.limited_slots, len(limited)))
    picks += rng.sample(regular, k=min(rules.slots - len(picks), len(regular)))
    rng.shuffle(picks)
    slots = []
    for number, item in enumerate(picks, 1):
        featured = number <= rules.featured_slots
        discount = rng.choice(rules.discounts_percent) if featured else 0
        assert item.price is not None
        slots.append(
            Slot(
                slot_number=number,
                item=item,
                is_featured=featured,
                discount_percent=discount,
                sale_price=_discounted(item.price, discount) if discount else dict(item.price),
                stock=rules.limited_stock if item.limited else None,
            )
        )
    return slots


def slot_of(item: Cosmetic, day: date) -> Slot | None:
    return next((slot for slot in rotation(day) if slot.item.item_code == item.item_code), None)


def price_today(item: Cosmetic, day: date) -> dict[str, int] | None:
    """What the item costs today, or None if it is not for sale today."""
    if item.price is None:
        return None
    slot = slot_of(item, day)
    if slot is not None:
        return slot.sale_price
    return None if item.limited else dict(item.price)


def refreshes_at(day: date) -> str:
    return datetime.combine(day + timedelta(days=1), time.min).isoformat() + "Z"


def shop_view(day: date, sold: dict[str, int]) -> dict[str, Any]:
    return {
        "rotation_date": day.isoformat(),
        "refreshes_at": refreshes_at(day),
        "slots": [
            {
                "slot_number": slot.slot_number,
                "item": {
                    "item_id": slot.item.item_id,
                    "item_code": slot.item.item_code,
                    "name": slot.item.name,
                    "category": slot.item.category,
                    "tier": slot.item.tier,
                },
                "is_featured": slot.is_featured,
                "discount_percent": slot.discount_percent,
                "original_price": slot.item.price,
                "sale_price": slot.sale_price,
                "stock_remaining": None
                if slot.stock is None
                else max(slot.stock - sold.get(slot.item.item_code, 0), 0),
            }
            for slot in rotation(day)
        ],
    }
