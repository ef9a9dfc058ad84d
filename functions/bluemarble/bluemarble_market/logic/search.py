"""Listing search: filters, the spec's four sorts, page/limit and cursors, over an in-memory index.

The index holds the active listings (10,000 are a few MB as Python objects). Each filter value
(category, island, seller) has a bitset over the listings; price ranges come from a sorted array;
so a search ANDs a few integers, counts the total with ``int.bit_count`` and walks a pre-sorted
order only as far as the page needs. Sorts (ties broken by listing id, so pages never overlap):
``newest`` (the default) by creation, ``price_asc``/``price_desc`` by unit price,
``ending_soon`` by expiry. A listing past its time is left out at once, before its expiry runs.

``category`` matches the item type ignoring case and a plural ``s`` (``Resources`` finds
``Resource``); ``island`` ignores case; ``minPrice``/``maxPrice`` bound the unit price, inclusive.
A ``cursor`` (from ``pagination.nextCursor``) continues after the last listing of the previous
page in the same sort and filters, stable while listings come and go; ``page`` is the spec's
offset paging. Both answer ``total``, ``pages`` and ``hasMore``.
"""

import base64
import bisect
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bluemarble_market.logic.analytics import category_key
from bluemarble_market.logic.errors import cursor_not_issued
from bluemarble_market.logic.money import as_number

SORTS = ("newest", "price_asc", "price_desc", "ending_soon")
ACTIVE = "ACTIVE"
# Field order of a compact row (the snapshot's format): short, and stable across versions.
ROW_FIELDS = (
    "listingId",
    "sellerId",
    "sellerName",
    "itemId",
    "itemName",
    "itemType",
    "island",
    "quantity",
    "pricePerUnit",
    "listingFee",
    "endsAt",
    "createdAt",
    "updatedAt",
    "status",
    "views",
    "favorites",
)


@dataclass(frozen=True)
class Query:
    category: str | None = None
    island: str | None = None
    seller_id: str | None = None
    min_cents: int | None = None
    max_cents: int | None = None
    sort: str = "newest"
    page: int = 1
    limit: int = 20
    cursor: str | None = None


@dataclass(eq=False)
class Entry:
    listing_id: str
    seller_id: str
    seller_name: str
    item_id: str
    item_name: str
    item_type: str
    island: str
    quantity: int
    price: int
    listing_fee: int
    ends_at: str
    created_at: str
    updated_at: str
    status: str
    views: int
    favorites: int
    slot: int = field(default=-1)

    @property
    def category(self) -> str:
        return category_key(self.item_type)

    def sort_key(self, sort: str) -> tuple[Any, str]:
        if sort in ("price_asc", "price_desc"):
            return (self.price, self.listing_id)
        if sort == "ending_soon":
            return (self.ends_at, self.listing_id)
        return (self.created_at, self.listing_id)

    def view(self) -> dict[str, Any]:
        view = {
            "id": self.listing_id,
            "sellerId": self.seller_id,
            "sellerName": self.seller_name,
            "itemId": self.item_id,
            "itemName": self.item_name,
            "itemType": self.item_type,
            "quantity": self.quantity,
            "pricePerUnit": as_number(self.price),
            "totalPrice": as_number(self.price * self.quantity),
            "listingFee": as_number(self.listing_fee),
            "island": self.island,
            "expiresAt": self.ends_at,
            "createdAt": self.created_at,
            "status": self.status,
            "views": self.views,
            "favorites": self.favorites,
        }
        if self.updated_at != self.created_at:
            view["updatedAt"] = self.updated_at
        return view


def entry_of(listing: dict[str, Any]) -> Entry:
    """An index entry from a listing item or a snapshot row (the same field names)."""
    return Entry(
        listing_id=listing["listingId"],
        seller_id=listing["sellerId"],
        seller_name=listing["sellerName"],
        item_id=listing["itemId"],
        item_name=listing["itemName"],
        item_type=listing["itemType"],
        island=listing["island"],
        quantity=int(listing["quantity"]),
        price=int(listing["pricePerUnit"]),
        listing_fee=int(listing["listingFee"]),
        ends_at=listing["endsAt"],
        created_at=listing["createdAt"],
        updated_at=listing["updatedAt"],
        status=listing["status"],
        views=int(listing.get("views", 0)),
        favorites=int(listing.get("favorites", 0)),
    )


def row_of(entry: Entry) -> list[Any]:
    return [
        entry.listing_id,
        entry.seller_id,
        entry.seller_name,
        entry.item_id,
        entry.item_name,
        entry.item_type,
        entry.island,
        entry.quantity,
        entry.price,
        entry.listing_fee,
        entry.ends_at,
        entry.created_at,
        entry.updated_at,
        entry.status,
        entry.views,
        entry.favorites,
    ]


def listing_of_row(row: list[Any]) -> dict[str, Any]:
    return dict(zip(ROW_FIELDS, row, strict=True))


class SortedEntries:
    """Entries kept sorted by a key, with the keys in a parallel list for bisect."""

    def __init__(self, pairs: Iterable[tuple[Any, Entry]]):
        ordered = sorted(pairs, key=lambda pair: pair[0])
        self.keys = [key for key, _ in ordered]
        self.entries = [entry for _, entry in ordered]

    def add(self, key: Any, entry: Entry) -> None:
        position = bisect.bisect_left(self.keys, key)
        self.keys.insert(position, key)
        self.entries.insert(position, entry)

    def discard(self, key: Any) -> None:
        position = bisect.bisect_left(self.keys, key)
        if position < len(self.keys) and self.keys[position] == key:
            del self.keys[position]
            del self.entries[position]


_ORDER_OF = {"newest": "created", "price_asc": "price", "price_desc": "price", "ending_soon": "ends"}
_ORDER_KEY = {"created": "newest", "price": "price_asc", "ends": "ending_soon"}


class CatalogueIndex:
    def __init__(self, listings: Iterable[dict[str, Any]] = (), active_only: bool = True):
        self.entries: dict[str, Entry] = {}
        self._slots: list[Entry | None] = []
        self._free: list[int] = []
        self._live = 0
        self._bitsets: dict[str, dict[str, int]] = {"category": {}, "island": {}, "seller": {}}
        self._orders: dict[str, SortedEntries] = {}
        self._price_masks: dict[tuple[int | None, int | None], int] = {}
        for listing in listings:
            if listing.get("status") == ACTIVE or not active_only:
                self._place(entry_of(listing))
        self._orders = {
            name: SortedEntries((entry.sort_key(sort), entry) for entry in self.entries.values())
            for name, sort in _ORDER_KEY.items()
        }

    def __len__(self) -> int:
        return len(self.entries)

    # -- changes -----------------------------------------------------------------------------------

    def upsert(self, listings: Iterable[dict[str, Any]]) -> int:
        """Apply listing changes (a newer ``updatedAt`` wins; ended listings leave)."""
        changed = 0
        for listing in listings:
            current = self.entries.get(listing["listingId"])
            if current is not None and current.updated_at > listing["updatedAt"]:
                continue
            if current is not None and current.updated_at == listing["updatedAt"]:
                current.views = int(listing.get("views", current.views))
                current.favorites = int(listing.get("favorites", current.favorites))
                continue
            if current is not None:
                self._remove(current)
            if listing.get("status") == ACTIVE:
                self._place(entry_of(listing), ordered=True)
            changed += 1
        if changed:
            self._price_masks.clear()
        return changed

    def _place(self, entry: Entry, ordered: bool = False) -> None:
        entry.slot = self._free.pop() if self._free else len(self._slots)
        if entry.slot == len(self._slots):
            self._slots.append(entry)
        else:
            self._slots[entry.slot] = entry
        self.entries[entry.listing_id] = entry
        bit = 1 << entry.slot
        self._live |= bit
        for kind, value in (("category", entry.category), ("island", entry.island), ("seller", entry.seller_id)):
            values = self._bitsets[kind]
            values[value] = values.get(value, 0) | bit
        if ordered:
            for name, sort in _ORDER_KEY.items():
                self._orders[name].add(entry.sort_key(sort), entry)

    def _remove(self, entry: Entry) -> None:
        keep = ~(1 << entry.slot)
        self._live &= keep
        for kind, value in (("category", entry.category), ("island", entry.island), ("seller", entry.seller_id)):
            remaining = self._bitsets[kind][value] & keep
            if remaining:
                self._bitsets[kind][value] = remaining
            else:
                del self._bitsets[kind][value]
        for name, sort in _ORDER_KEY.items():
            self._orders[name].discard(entry.sort_key(sort))
        self._slots[entry.slot] = None
        self._free.append(entry.slot)
        del self.entries[entry.listing_id]

    def rows(self) -> list[list[Any]]:
        return [row_of(entry) for entry in self.entries.values()]

    # -- queries -------------------------------------------------------------------------------------

    def _mask_of(self, entries: Iterable[Entry]) -> int:
        bits = bytearray((len(self._slots) >> 3) + 1)
        for entry in entries:
            bits[entry.slot >> 3] |= 1 << (entry.slot & 7)
        return int.from_bytes(bits, "little")

    def _price_mask(self, low: int | None, high: int | None) -> int:
        cached = self._price_masks.get((low, high))
        if cached is None:
            order = self._orders["price"]
            start = 0 if low is None else bisect.bisect_left(order.keys, (low, ""))
            stop = len(order.keys) if high is None else bisect.bisect_left(order.keys, (high + 1, ""))
            if len(self._price_masks) > 256:
                self._price_masks.clear()
            cached = self._price_masks[(low, high)] = self._mask_of(order.entries[start:stop])
        return cached

    def filter_mask(self, query: Query, now_iso: str, hide_ended: bool = True) -> int:
        mask = self._live
        if query.category:
            mask &= self._bitsets["category"].get(category_key(query.category), 0)
        if query.island:
            wanted = query.island.casefold()
            mask &= sum(bits for island, bits in self._bitsets["island"].items() if island.casefold() == wanted)
        if query.seller_id:
            mask &= self._bitsets["seller"].get(query.seller_id, 0)
        if mask and (query.min_cents is not None or query.max_cents is not None):
            mask &= self._price_mask(query.min_cents, query.max_cents)
        if mask and hide_ended:
            ending = self._orders["ends"]
            past = bisect.bisect_right(ending.keys, (now_iso, "\uffff"))
            if past:
                mask &= ~self._mask_of(ending.entries[:past])
        return mask

    def search(self, query: Query, now_iso: str, hide_ended: bool = True) -> dict[str, Any]:
        mask = self.filter_mask(query, now_iso, hide_ended)
        total = mask.bit_count()
        flags = format(mask, "b")[::-1]
        size = len(flags)
        order = self._orders[_ORDER_OF[query.sort]]
        descending = query.sort in ("newest", "price_desc")
        count = len(order.entries)
        if query.cursor:
            after = decode_cursor(query.cursor, query.sort)
            position = (
                bisect.bisect_left(order.keys, after) - 1 if descending else bisect.bisect_right(order.keys, after)
            )
            skip = 0
        else:
            position = count - 1 if descending else 0
            skip = (query.page - 1) * query.limit
        step = -1 if descending else 1
        page: list[Entry] = []
        more = False
        while 0 <= position < count:
            entry = order.entries[position]
            position += step
            if entry.slot >= size or flags[entry.slot] != "1":
                continue
            if skip:
                skip -= 1
                continue
            if len(page) == query.limit:
                more = True
                break
            page.append(entry)
        pagination: dict[str, Any] = {} if query.cursor else {"page": query.page}
        pagination.update(limit=query.limit, total=total, pages=-(-total // query.limit), hasMore=more)
        if more and page:
            pagination["nextCursor"] = encode_cursor(query.sort, page[-1].sort_key(query.sort))
        return {"listings": [entry.view() for entry in page], "pagination": pagination}


def encode_cursor(sort: str, key: tuple[Any, str]) -> str:
    raw = json.dumps([sort, *key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[Any, str]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        kind, value, listing_id = decoded
        valid = kind == sort and isinstance(listing_id, str)
        valid = valid and (isinstance(value, int) if sort.startswith("price") else isinstance(value, str))
    except (ValueError, TypeError, UnicodeDecodeError):
        valid = False
    if not valid or isinstance(value, bool):
        raise cursor_not_issued()
    return (value, listing_id)


def search_listings(listings: list[dict[str, Any]], query: Query, now_iso: str) -> dict[str, Any]:
    """The same search over a handful of listings in any status (a seller's ended listings)."""
    return CatalogueIndex(listings, active_only=False).search(query, now_iso, hide_ended=False)
