"""Marketplace search: free text, filters, sort orders, facets, stats and badges, over a warm
in-memory copy of the catalogue projection.

Data design. Search reads one thing: the compact projection of each listing that publishing
writes in the same transaction as the listing (``dal/catalogue.py``), indexed by ``gsi1pk =
CATALOGUE`` and sorted by ``updatedAt``. Each function instance keeps the whole catalogue in
memory (10,000 listings are about 12 MB in DynamoDB and about 50 MB as indexed Python objects)
and keeps it fresh with one small Query for what changed since its last look. So a warm search
makes at most one catalogue request (none within ``refresh_seconds`` of the previous look), plus
the rate limiter's counter update: at most 2 DynamoDB requests.

In memory, every filter value (rank, type, game, specialization, feature, price bucket) has a
bitset over the listings, so a search ANDs a few integers, counts facets and the total with
``int.bit_count`` and walks a pre-sorted order only as far as the requested page; price and
rating ranges come from sorted arrays, free text from an inverted index of words (with a bitset
per word). 10,000 listings take a few milliseconds per search.

* Freshness: a change reaches a warm instance at its next refresh (``CATALOGUE_REFRESH_SECONDS``,
  5 s by default) and a new instance at once. The delta query starts ``overlap_seconds`` before
  the previous look to cover GSI propagation and writers' clocks, and every
  ``full_reload_seconds`` (15 min) the whole catalogue is read again and whatever differs is
  re-indexed, which repairs anything a delta could still have missed.
* Cold start: the first search of an instance reads every page (about a dozen 1 MB pages for
  10,000 listings) and builds the index (about a second), once.
* Beyond one table: when the catalogue outgrows memory (roughly 100,000+ listings), its churn
  makes deltas large, or search needs stemming, typo tolerance or geo, the same projection feeds
  an OpenSearch index: DynamoDB Streams on the JIGA table -> a Lambda that upserts the CATALOGUE
  items (and deletes on status changes) -> OpenSearch, with this module's filters and sorts
  expressed as a bool query, facets as terms/range aggregations, and availability still computed
  here for the page. The API contract does not change.

Decisions the spec leaves open:

* ``q`` matches title, description, tags and agent name; every word must match (AND), a word of
  3+ letters also matches as a prefix ("coach" finds "coaching"); case and accents are ignored.
  Relevance weights a match in the name 4, title 3, tags 2, description 1 (an exact word counts
  fully, a prefix half).
* Filters combine with AND; the values of one filter with OR (``rank=Gold&rank=Platinum``).
  ``game`` matches the agent's specialization games; ``specialization`` its specialization focus
  or specialist type (``Trained``/``Experience``); ``minPrice``/``maxPrice`` the hourly DOF price,
  inclusive; ``minRating`` the displayed average rating (unrated listings have 0).
* Sorting (ties always broken by listing id, so pages never overlap): ``rating`` by a Bayesian
  average (the ratings plus 5 phantom ratings of 3.0, so one 5-star review does not outrank a
  hundred 4.8s), then number of ratings; ``popular`` by total hires, then the Bayesian rating;
  ``price_asc``/``price_desc`` by hourly price; ``relevance`` by text score when ``q`` is given,
  then by the Bayesian rating, hires and newest listing.
* Facets count the filtered set (every filter and ``q`` applied), so they add up to ``total``.
  ``ranks`` lists all four ranks and ``priceRanges`` all buckets (zeros included); ``games`` the
  games present, most frequent first, under their first-seen spelling.
* Price buckets (hourly DOFs): 0-499, 500-999, 1000-2499, 2500-4999, 5000-9999, 10000+.
* Stats: ``rating`` is the average of the ratings (2 decimals, 0 when unrated), ``totalHires``
  counts finished hires, ``successRate`` is successful / total as a ratio 0-1 (0 before any hire).
* Badges: a "<Trained|Experience> Specialist" badge for a specialization (its focus and games as
  ``specializations``), one per achievement, "Top Rated" (average >= 4.5 over 10+ ratings) and
  "Popular" (50+ hires). Only listings with status ``active`` are searchable.
"""

import bisect
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import chain
from typing import TYPE_CHECKING, Any

from jiga_store.logic.availability import AvailabilityNow, Window, availability_in, iso_utc, windows_near
from jiga_store.models.search import SearchParams
from shared.pagination import Page, PageRequest, paginate

if TYPE_CHECKING:
    from jiga_store.logic.catalogue import WarmCatalogue

RANKS = ("Bronze", "Silver", "Gold", "Platinum")
PRICE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-499", 0, 499),
    ("500-999", 500, 999),
    ("1000-2499", 1000, 2499),
    ("2500-4999", 2500, 4999),
    ("5000-9999", 5000, 9999),
    ("10000+", 10000, None),
)
FIELD_WEIGHTS = {"description": 1.0, "tags": 2.0, "title": 3.0, "name": 4.0}  # in rising order
PREFIX_WEIGHT = 0.5
MIN_PREFIX_LENGTH = 3
MAX_QUERY_TERMS = 10
MAX_WORD_MASKS = 5_000
PRIOR_MEAN, PRIOR_WEIGHT = 3.0, 5
TOP_RATED_MIN_RATING, TOP_RATED_MIN_COUNT = 4.5, 10
POPULAR_MIN_HIRES = 50
ACHIEVEMENT_BADGES = {"experience_specialist": "Experience Specialist"}
_WORD = re.compile(r"[^\W_]+")


# -- text ---------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without accents, so "Éclair" and "eclair" are the same word."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def query_terms(q: str | None) -> list[str]:
    terms: list[str] = []
    for word in words(q or ""):
        if word not in terms:
            terms.append(word)
    return terms[:MAX_QUERY_TERMS]


# -- catalogue entries --------------------------------------------------------------------------


def _timestamp(value: str | None) -> float:
    try:
        return datetime.fromisoformat(value).timestamp() if value else 0.0
    except ValueError:
        return 0.0


def price_bucket(hourly: float) -> str:
    for name, low, high in PRICE_BUCKETS:
        if hourly >= low and (high is None or hourly <= high):
            return name
    return PRICE_BUCKETS[0][0]


@dataclass(slots=True)
class CatalogueEntry:
    """One searchable listing, prepared once when its projection is loaded (then never changed:
    a new version of the listing is a new entry)."""

    listing_id: str
    agent_id: str
    name: str
    image_url: str
    rank: str
    type: str
    nationality: str
    title: str
    description: str
    tags: list[str]
    games: list[str]
    focus: str | None
    specialist_type: str | None
    has_voice_chat: bool
    has_commentator: bool
    pricing: dict[str, int]
    availability: dict[str, Any]
    achievements: list[str]
    status: str
    updated_at: str
    published_at: float
    total_hires: int
    successful_hires: int
    rating_sum: float
    rating_count: int
    rating: float
    weighted_rating: float
    success_rate: float
    game_spellings: tuple[tuple[str, str], ...]  # (folded, as written), one per game
    specializations_folded: frozenset[str]
    price_range: str
    recent_reviews: list[dict[str, Any]]
    slot: int = -1  # position in the index's bitsets
    _windows: tuple[date, list[Window] | None] | None = None
    _view: tuple[str, dict[str, Any]] | None = None

    @property
    def hourly(self) -> int:
        return self.pricing["hourly"]

    def text_fields(self) -> dict[str, str]:
        return {"name": self.name, "title": self.title, "tags": " ".join(self.tags), "description": self.description}

    def facet_values(self) -> list[tuple[str, Any]]:
        """The (kind, value) bitsets this listing belongs to."""
        values: list[tuple[str, Any]] = [("rank", self.rank), ("type", self.type), ("price", self.price_range)]
        values += [("game", folded) for folded, _ in self.game_spellings]
        values += [("specialization", value) for value in self.specializations_folded]
        if self.has_voice_chat:
            values.append(("voice", True))
        if self.has_commentator:
            values.append(("commentator", True))
        return values

    def availability_now(self, now: datetime) -> AvailabilityNow:
        """Availability, with the schedule's windows worked out once per UTC day."""
        day = now.astimezone(UTC).date()
        if self._windows is None or self._windows[0] != day:
            self._windows = (day, windows_near(self.availability, now))
        return availability_in(self._windows[1], now)

    def listing_view(self, asset_base_url: str) -> dict[str, Any]:
        """The result's fields that only change with the listing (all but availability)."""
        if self._view is None or self._view[0] != asset_base_url:
            self._view = (asset_base_url, listing_view(self, asset_base_url))
        return self._view[1]


def entry_from_projection(item: dict[str, Any]) -> CatalogueEntry:
    games = list(item.get("games") or [])
    spellings: dict[str, str] = {}
    for game in games:
        spellings.setdefault(fold(game), game)
    specializations = [value for value in (item.get("focus"), item.get("specialistType")) if value]
    total_hires = int(item.get("totalHires", 0))
    successful_hires = int(item.get("successfulHires", 0))
    rating_sum = float(item.get("ratingSum", 0))
    rating_count = int(item.get("ratingCount", 0))
    return CatalogueEntry(
        listing_id=item["listingId"],
        agent_id=item["agentId"],
        name=item["name"],
        image_url=item.get("imageUrl", ""),
        rank=item["rank"],
        type=item["type"],
        nationality=item.get("nationality", ""),
        title=item.get("title", ""),
        description=item.get("description", ""),
        tags=list(item.get("tags") or []),
        games=games,
        focus=item.get("focus"),
        specialist_type=item.get("specialistType"),
        has_voice_chat=bool(item.get("hasVoiceChat")),
        has_commentator=bool(item.get("hasCommentator")),
        pricing=item["pricing"],
        availability=item.get("availability") or {"schedule": "always"},
        achievements=list(item.get("achievements") or []),
        status=item.get("status", "active"),
        updated_at=item.get("updatedAt", ""),
        published_at=_timestamp(item.get("publishedAt")),
        total_hires=total_hires,
        successful_hires=successful_hires,
        rating_sum=rating_sum,
        rating_count=rating_count,
        rating=round(rating_sum / rating_count, 2) if rating_count else 0.0,
        weighted_rating=(rating_sum + PRIOR_MEAN * PRIOR_WEIGHT) / (rating_count + PRIOR_WEIGHT),
        success_rate=round(successful_hires / total_hires, 4) if total_hires else 0.0,
        game_spellings=tuple(spellings.items()),
        specializations_folded=frozenset(fold(value) for value in specializations),
        price_range=price_bucket(item["pricing"]["hourly"]),
        recent_reviews=[
            {"rating": review["rating"], "comment": review.get("comment"), "createdAt": review["createdAt"]}
            for review in item.get("recentReviews") or []
        ],
    )


# -- sort orders, badges, results (pure) ---------------------------------------------------------

SORT_KEYS: dict[str, Callable[[CatalogueEntry], tuple]] = {
    "relevance": lambda e: (-e.weighted_rating, -e.total_hires, -e.published_at, e.listing_id),
    "rating": lambda e: (-e.weighted_rating, -e.rating_count, e.listing_id),
    "popular": lambda e: (-e.total_hires, -e.weighted_rating, e.listing_id),
    "price_asc": lambda e: (e.hourly, e.listing_id),
    "price_desc": lambda e: (-e.hourly, e.listing_id),
}


def rank_by_text(entries: list[CatalogueEntry], scores: list[float]) -> list[CatalogueEntry]:
    """Best text match first; ``entries`` come in relevance order, which breaks the ties."""
    ranked = sorted(range(len(entries)), key=scores.__getitem__, reverse=True)  # stable
    return [entries[position] for position in ranked]


def badges_for(entry: CatalogueEntry, asset_base_url: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def add(name: str, specializations: list[str]) -> None:
        if any(badge["name"] == name for badge in found):
            return
        image = f"{asset_base_url}/badges/{'-'.join(words(name))}.png"
        found.append({"name": name, "imageUrl": image, "specializations": specializations})

    areas = [value for value in (entry.focus, *entry.games) if value]
    if entry.specialist_type:
        add(f"{entry.specialist_type} Specialist", areas)
    for achievement in entry.achievements:
        name = ACHIEVEMENT_BADGES.get(achievement) or achievement.replace("_", " ").title()
        add(name, areas if achievement == "experience_specialist" else [])
    if entry.rating_count >= TOP_RATED_MIN_COUNT and entry.rating >= TOP_RATED_MIN_RATING:
        add("Top Rated", [])
    if entry.total_hires >= POPULAR_MIN_HIRES:
        add("Popular", [])
    return found


def listing_view(entry: CatalogueEntry, asset_base_url: str) -> dict[str, Any]:
    return {
        "listingId": entry.listing_id,
        "agentId": entry.agent_id,
        "agent": {
            "name": entry.name,
            "imageUrl": entry.image_url,
            "rank": entry.rank,
            "type": entry.type,
            "nationality": entry.nationality,
        },
        "title": entry.title,
        "description": entry.description,
        "pricing": entry.pricing,
        "stats": {"rating": entry.rating, "totalHires": entry.total_hires, "successRate": entry.success_rate},
        "badges": badges_for(entry, asset_base_url),
        "recentReviews": entry.recent_reviews,
    }


def result_view(
    entry: CatalogueEntry, now: datetime, asset_base_url: str, now_iso: str | None = None
) -> dict[str, Any]:
    """One search result; ``now_iso`` (``now`` formatted) saves formatting it per result."""
    state = entry.availability_now(now)
    if state.is_available and now_iso is not None:
        availability = {"isAvailable": True, "nextAvailable": now_iso}
    else:
        availability = state.as_api()
    return {**entry.listing_view(asset_base_url), "availability": availability}


# -- the in-memory index ----------------------------------------------------------------------


def _flags(mask: int) -> str:
    """The mask as a string indexed by slot ("1" = member): one C call instead of a bit loop."""
    return format(mask, "b")[::-1]


def _not_newer(item: dict[str, Any], current: CatalogueEntry) -> bool:
    """An item older than the entry, or the same version read again (deltas overlap)."""
    updated_at = item.get("updatedAt", "")
    if updated_at != current.updated_at:
        return updated_at < current.updated_at
    counters = (item.get("totalHires", 0), item.get("ratingCount", 0), item.get("ratingSum", 0))
    return item.get("status") == current.status and counters == (
        current.total_hires,
        current.rating_count,
        current.rating_sum,
    )


class SortedPairs:
    """Unique keys kept in order with a value each, updated in place as listings come and go."""

    def __init__(self, pairs: Iterable[tuple[Any, Any]]):
        ordered = sorted(pairs, key=lambda pair: pair[0])
        self.keys = [key for key, _ in ordered]
        self.values = [value for _, value in ordered]

    def add(self, key: Any, value: Any) -> None:
        position = bisect.bisect_left(self.keys, key)
        self.keys.insert(position, key)
        self.values.insert(position, value)

    def discard(self, key: Any) -> None:
        position = bisect.bisect_left(self.keys, key)
        if position < len(self.keys) and self.keys[position] == key:
            del self.keys[position]
            del self.values[position]


RANGE_VALUES: dict[str, Callable[[CatalogueEntry], float]] = {
    "price": lambda entry: entry.hourly,
    "rating": lambda entry: entry.rating,
}


def entry_words(entry: CatalogueEntry) -> dict[str, float]:
    """The words a listing is found by, each with the weight of the best field it is in."""
    texts = entry.text_fields()
    weights: dict[str, float] = {}
    for field_name, weight in FIELD_WEIGHTS.items():  # rising weights: a word keeps its best field
        weights.update(dict.fromkeys(words(texts[field_name]), weight))
    return weights


class CatalogueIndex:
    """Active listings, a bitset per filter value, sorted arrays for ranges, an inverted index of
    words and the sort orders. Entries occupy slots; a slot is a bit in every bitset. Orders and
    ranges are built on first use, then kept up to date entry by entry."""

    def __init__(self, items: Iterable[dict[str, Any]] = ()):
        self.entries: dict[str, CatalogueEntry] = {}
        self._slots: list[CatalogueEntry | None] = []
        self._free_slots: list[int] = []
        self._live = 0
        self._bitsets: dict[str, dict[Any, int]] = {}
        self._game_names: dict[str, str] = {}
        self._postings: dict[str, dict[str, float]] = {}
        self._words_of: dict[str, dict[str, float]] = {}
        self._vocabulary: list[str] | None = None
        self._word_masks: dict[str, int] = {}
        self._orders: dict[str, SortedPairs] = {}  # sort key -> entry
        self._ranges: dict[str, SortedPairs] = {}  # (value, slot) -> slot
        self._range_masks: dict[tuple[str, float | None, float | None], int] = {}
        self.upsert(items)

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def from_snapshot(
        cls, entries: list[CatalogueEntry], postings: dict[str, tuple[list[int], list[float]]]
    ) -> "CatalogueIndex":
        """An index over entries read back from a snapshot (``logic/catalogue.py``), built in bulk:
        bitsets from slot lists and postings from the snapshot's own word lists, with no text to
        analyse; sort orders and ranges are built when a search first needs them."""
        index = cls()
        members: dict[tuple[str, Any], list[int]] = {}
        for slot, entry in enumerate(entries):
            entry.slot = slot
            index.entries[entry.listing_id] = entry
            for facet in entry.facet_values():
                members.setdefault(facet, []).append(slot)
            for folded, written in entry.game_spellings:
                index._game_names.setdefault(folded, written)
        index._slots = list(entries)
        index._live = (1 << len(entries)) - 1
        for (kind, value), slots in members.items():
            index._bitsets.setdefault(kind, {})[value] = index._mask_of(slots)
        listing_ids = [entry.listing_id for entry in entries]
        for word, (slots, weights) in postings.items():
            index._postings[word] = dict(zip([listing_ids[slot] for slot in slots], weights, strict=True))
        return index

    def prepare(self) -> "CatalogueIndex":
        """Build every sort order and range array now (at cold start) rather than on first use."""
        for sort_by in SORT_KEYS:
            self.ordered(sort_by)
        for name in RANGE_VALUES:
            self._sorted_by(name)
        return self

    # -- changes

    def upsert(self, items: Iterable[dict[str, Any]]) -> int:
        """Apply projections (newer ``updatedAt`` wins); returns how many changed the index."""
        changed = 0
        for item in items:
            listing_id = item["listingId"]
            current = self.entries.get(listing_id)
            if current is not None and _not_newer(item, current):
                continue
            if item.get("status") != "active":
                if current is not None:
                    self._remove(current)
                    changed += 1
                continue
            entry = entry_from_projection(item)
            if current is not None:
                self._unplace(current)
            if current is None or current.text_fields() != entry.text_fields():
                if current is not None:
                    self._remove_words(current)
                self._add_words(entry)
            self._place(entry)
            changed += 1
        if changed:
            self._range_masks.clear()
        return changed

    def _place(self, entry: CatalogueEntry) -> None:
        if self._free_slots:
            entry.slot = self._free_slots.pop()
            self._slots[entry.slot] = entry
        else:
            entry.slot = len(self._slots)
            self._slots.append(entry)
        self.entries[entry.listing_id] = entry
        bit = 1 << entry.slot
        self._live |= bit
        for kind, value in entry.facet_values():
            bitsets = self._bitsets.setdefault(kind, {})
            bitsets[value] = bitsets.get(value, 0) | bit
        for folded, written in entry.game_spellings:
            self._game_names.setdefault(folded, written)
        for sort_by, order in self._orders.items():
            order.add(SORT_KEYS[sort_by](entry), entry)
        for name, values in self._ranges.items():
            values.add((RANGE_VALUES[name](entry), entry.slot), entry.slot)

    def _unplace(self, entry: CatalogueEntry) -> None:
        keep = ~(1 << entry.slot)
        self._live &= keep
        for kind, value in entry.facet_values():
            remaining = self._bitsets[kind][value] & keep
            if remaining:
                self._bitsets[kind][value] = remaining
            else:
                del self._bitsets[kind][value]
        for sort_by, order in self._orders.items():
            order.discard(SORT_KEYS[sort_by](entry))
        for name, values in self._ranges.items():
            values.discard((RANGE_VALUES[name](entry), entry.slot))
        self._slots[entry.slot] = None
        self._free_slots.append(entry.slot)
        del self.entries[entry.listing_id]

    def _remove(self, entry: CatalogueEntry) -> None:
        self._unplace(entry)
        self._remove_words(entry)

    def _remove_words(self, entry: CatalogueEntry) -> None:
        listing_id = entry.listing_id
        # an index loaded from a snapshot learns an entry's words only when it needs them
        weights = self._words_of.pop(listing_id, None)
        for word in entry_words(entry) if weights is None else weights:
            self._word_masks.pop(word, None)
            postings = self._postings[word]
            postings.pop(listing_id, None)
            if not postings:
                del self._postings[word]
                self._vocabulary = None

    def _add_words(self, entry: CatalogueEntry) -> None:
        weights = entry_words(entry)
        self._words_of[entry.listing_id] = weights
        vocabulary_size = len(self._postings)
        for word, weight in weights.items():
            self._postings.setdefault(word, {})[entry.listing_id] = weight
        if len(self._postings) != vocabulary_size:
            self._vocabulary = None
        if self._word_masks:
            for word in weights:
                self._word_masks.pop(word, None)

    # -- filters

    def _mask_of(self, slots: Iterable[int]) -> int:
        bits = bytearray((len(self._slots) >> 3) + 1)
        for slot in slots:
            bits[slot >> 3] |= 1 << (slot & 7)
        return int.from_bytes(bits, "little")

    def _any_of(self, kind: str, values: Iterable[Any]) -> int:
        bitsets = self._bitsets.get(kind, {})
        mask = 0
        for value in values:
            mask |= bitsets.get(value, 0)
        return mask

    def _sorted_by(self, name: str) -> SortedPairs:
        if name not in self._ranges:
            value = RANGE_VALUES[name]
            self._ranges[name] = SortedPairs(((value(e), e.slot), e.slot) for e in self.entries.values())
        return self._ranges[name]

    def _range_mask(self, name: str, low: float | None, high: float | None) -> int:
        cached = self._range_masks.get((name, low, high))
        if cached is not None:
            return cached
        if len(self._range_masks) >= 256:
            self._range_masks.clear()
        mask = self._range_masks[(name, low, high)] = self._build_range_mask(name, low, high)
        return mask

    def _build_range_mask(self, name: str, low: float | None, high: float | None) -> int:
        values = self._sorted_by(name)
        keys, slots = values.keys, values.values
        start = 0 if low is None else bisect.bisect_left(keys, (low, -1))
        stop = len(keys) if high is None else bisect.bisect_right(keys, (high, math.inf))
        if stop - start > len(keys) // 2:  # cheaper to build what is outside the range
            return self._live & ~self._mask_of(chain(slots[:start], slots[stop:]))
        return self._mask_of(slots[start:stop])

    def filter_mask(self, params: SearchParams) -> int:
        """The listings passing every filter (AND), each filter being an OR of its values."""
        mask = self._live
        if params.game:
            mask &= self._any_of("game", {fold(game) for game in params.game})
        if params.rank:
            mask &= self._any_of("rank", params.rank)
        if params.type:
            mask &= self._any_of("type", params.type)
        if params.specialization:
            mask &= self._any_of("specialization", {fold(value) for value in params.specialization})
        for kind, wanted in (("voice", params.hasVoiceChat), ("commentator", params.hasCommentator)):
            if wanted is not None:
                having = self._any_of(kind, [True])
                mask &= having if wanted else ~having
        if mask and (params.minPrice is not None or params.maxPrice is not None):
            mask &= self._range_mask("price", params.minPrice, params.maxPrice)
        if mask and params.minRating is not None:
            mask &= self._range_mask("rating", params.minRating, None)
        return mask

    def facets(self, mask: int) -> dict[str, dict[str, int]]:
        """Facet counts over the listings in ``mask``: one AND and popcount per value."""
        games = {}
        for folded, bitset in self._bitsets.get("game", {}).items():
            count = (mask & bitset).bit_count()
            if count:
                games[self._game_names[folded]] = count
        ranks = self._bitsets.get("rank", {})
        prices = self._bitsets.get("price", {})
        return {
            "games": dict(sorted(games.items(), key=lambda item: (-item[1], item[0].casefold()))),
            "ranks": {rank: (mask & ranks.get(rank, 0)).bit_count() for rank in RANKS},
            "priceRanges": {name: (mask & prices.get(name, 0)).bit_count() for name, _, _ in PRICE_BUCKETS},
        }

    # -- orders and pages

    def ordered(self, sort_by: str) -> list[CatalogueEntry]:
        """Every active entry in a static sort order."""
        order = self._orders.get(sort_by)
        if order is None:
            key = SORT_KEYS[sort_by]
            order = self._orders[sort_by] = SortedPairs((key(entry), entry) for entry in self.entries.values())
        return order.values

    def in_order(self, sort_by: str, mask: int) -> list[CatalogueEntry]:
        """Every listing in ``mask``, in a static sort order."""
        flags = _flags(mask)
        size = len(flags)
        return [entry for entry in self.ordered(sort_by) if entry.slot < size and flags[entry.slot] == "1"]

    def page_in_order(self, sort_by: str, mask: int, offset: int, limit: int) -> list[CatalogueEntry]:
        """One page of the listings in ``mask``, walking the sorted order only as far as needed."""
        flags = _flags(mask)
        size = len(flags)
        page: list[CatalogueEntry] = []
        skipped = 0
        for entry in self.ordered(sort_by):
            if entry.slot < size and flags[entry.slot] == "1":
                if skipped < offset:
                    skipped += 1
                    continue
                page.append(entry)
                if len(page) == limit:
                    break
        return page

    # -- free text

    def _matching_words(self, term: str) -> list[tuple[str, float]]:
        """The indexed words a query term matches, with the share of their weight they give."""
        found = [(term, 1.0)] if term in self._postings else []
        if len(term) >= MIN_PREFIX_LENGTH:
            if self._vocabulary is None:
                self._vocabulary = sorted(self._postings)
            position = bisect.bisect_right(self._vocabulary, term)
            while position < len(self._vocabulary) and self._vocabulary[position].startswith(term):
                found.append((self._vocabulary[position], PREFIX_WEIGHT))
                position += 1
        return found

    def _word_mask(self, word: str) -> int:
        mask = self._word_masks.get(word)
        if mask is None:
            if len(self._word_masks) >= MAX_WORD_MASKS:  # a bitset per word searched, not per word known
                self._word_masks.clear()
            mask = self._word_masks[word] = self._mask_of(self.entries[lid].slot for lid in self._postings[word])
        return mask

    def text_mask(self, terms: list[str]) -> int:
        """The listings matching every term (a term matches a word exactly or as its prefix)."""
        mask = self._live
        for term in terms:
            term_mask = 0
            for word, _ in self._matching_words(term):
                term_mask |= self._word_mask(word)
            mask &= term_mask
            if not mask:
                break
        return mask

    def text_scores(self, terms: list[str], entries: list[CatalogueEntry]) -> list[float]:
        """Relevance of each entry: per term, the weight of the best field it matched in."""
        listing_ids = [entry.listing_id for entry in entries]
        scores = [0.0] * len(listing_ids)
        for term in terms:
            sources = [(self._postings[word], share) for word, share in self._matching_words(term)]
            for position, listing_id in enumerate(listing_ids):
                best = 0.0
                for postings, share in sources:
                    weight = postings.get(listing_id, 0.0) * share
                    if weight > best:
                        best = weight
                scores[position] += best
        return scores


def search(index: CatalogueIndex, params: SearchParams, now: datetime, asset_base_url: str) -> dict[str, Any]:
    """The spec's search response: one page of results, pagination and facets."""
    now_iso = iso_utc(now)
    mask = index.filter_mask(params)
    terms = query_terms(params.q)
    if terms and mask:
        mask &= index.text_mask(terms)
    request = PageRequest(page=params.page, limit=params.limit)
    total = mask.bit_count()
    if terms and params.sortBy == "relevance":
        matched = index.in_order("relevance", mask)
        page = paginate(rank_by_text(matched, index.text_scores(terms, matched)), request)
    else:
        items = (
            index.page_in_order(params.sortBy, mask, request.offset, request.limit) if request.offset < total else []
        )
        page = Page(items=items, page=request.page, limit=request.limit, total=total)
    return {
        "results": [result_view(entry, now, asset_base_url, now_iso) for entry in page.items],
        "pagination": {"page": page.page, "limit": page.limit, "total": page.total, "hasMore": page.has_more},
        "facets": index.facets(mask),
    }


def search_marketplace(
    catalogue: "WarmCatalogue", params: SearchParams, now: datetime, asset_base_url: str
) -> dict[str, Any]:
    return search(catalogue.current(), params, now, asset_base_url)
