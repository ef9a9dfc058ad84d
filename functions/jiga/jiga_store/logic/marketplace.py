"""Marketplace search: free text, filters, sort orders, facets, stats and badges, over a warm
in-memory copy of the catalogue projection.

Data design. Search reads one thing: the compact projection of each listing that publishing
writes in the same transaction as the listing (``dal/catalogue.py``), indexed by ``gsi1pk =
CATALOGUE`` and sorted by ``updatedAt``. Each function instance keeps the whole catalogue in
memory (10,000 listings are about 12 MB in DynamoDB and a few tens of MB as Python objects)
with an inverted text index and pre-sorted orders, and keeps it fresh with one small Query for
what changed since its last look. So a warm search makes at most one catalogue request (none
within ``refresh_seconds`` of the previous look), plus the rate limiter's counter update:
at most 2 DynamoDB requests. Filtering, sorting, faceting and paging happen in memory.

* Freshness: a change reaches a warm instance at its next refresh (``CATALOGUE_REFRESH_SECONDS``,
  5 s by default) and a new instance at once. The delta query starts ``overlap_seconds`` before
  the previous look to cover GSI propagation and writers' clocks, and a full reload every
  ``full_reload_seconds`` (15 min) repairs anything a delta could still have missed.
* Cold start: the first search of an instance reads every page (about a dozen 1 MB pages for
  10,000 listings), once.
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
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from jiga_store.logic.availability import availability_at
from jiga_store.models.api import SearchParams
from shared.pagination import PageRequest, paginate

RANKS = ("Bronze", "Silver", "Gold", "Platinum")
PRICE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-499", 0, 499),
    ("500-999", 500, 999),
    ("1000-2499", 1000, 2499),
    ("2500-4999", 2500, 4999),
    ("5000-9999", 5000, 9999),
    ("10000+", 10000, None),
)
FIELD_WEIGHTS = {"name": 4.0, "title": 3.0, "tags": 2.0, "description": 1.0}
PREFIX_WEIGHT = 0.5
MIN_PREFIX_LENGTH = 3
MAX_QUERY_TERMS = 10
PRIOR_MEAN, PRIOR_WEIGHT = 3.0, 5
TOP_RATED_MIN_RATING, TOP_RATED_MIN_COUNT = 4.5, 10
POPULAR_MIN_HIRES = 50
ACHIEVEMENT_BADGES = {"experience_specialist": "Experience Specialist"}
_WORD = re.compile(r"[^\W_]+")


# -- text ---------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without accents, so "Éclair" and "eclair" are the same word."""
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


@dataclass(slots=True)
class CatalogueEntry:
    """One searchable listing, prepared once when the projection is loaded."""

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
    games_folded: frozenset[str] = field(default_factory=frozenset)
    game_spellings: tuple[tuple[str, str], ...] = ()  # (folded, as written), one per game
    specializations_folded: frozenset[str] = field(default_factory=frozenset)
    price_range: str = ""

    @property
    def hourly(self) -> int:
        return self.pricing["hourly"]

    @property
    def rating(self) -> float:
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count else 0.0

    @property
    def weighted_rating(self) -> float:
        return (self.rating_sum + PRIOR_MEAN * PRIOR_WEIGHT) / (self.rating_count + PRIOR_WEIGHT)

    @property
    def success_rate(self) -> float:
        return round(self.successful_hires / self.total_hires, 4) if self.total_hires else 0.0

    def text_fields(self) -> dict[str, str]:
        return {
            "name": self.name,
            "title": self.title,
            "tags": " ".join(self.tags),
            "description": self.description,
        }


def entry_from_projection(item: dict[str, Any]) -> CatalogueEntry:
    games = list(item.get("games") or [])
    spellings: dict[str, str] = {}
    for game in games:
        spellings.setdefault(fold(game), game)
    specializations = [value for value in (item.get("focus"), item.get("specialistType")) if value]
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
        total_hires=int(item.get("totalHires", 0)),
        successful_hires=int(item.get("successfulHires", 0)),
        rating_sum=float(item.get("ratingSum", 0)),
        rating_count=int(item.get("ratingCount", 0)),
        games_folded=frozenset(spellings),
        game_spellings=tuple(spellings.items()),
        specializations_folded=frozenset(fold(value) for value in specializations),
        price_range=price_bucket(item["pricing"]["hourly"]),
    )


# -- filters, sort orders, facets (pure) ---------------------------------------------------------


def filter_predicate(params: SearchParams) -> Callable[[CatalogueEntry], bool]:
    """One predicate testing only the filters the caller gave."""
    checks: list[Callable[[CatalogueEntry], bool]] = []
    if params.game:
        games = frozenset(fold(game) for game in params.game)
        checks.append(lambda entry: not games.isdisjoint(entry.games_folded))
    if params.rank:
        ranks = frozenset(params.rank)
        checks.append(lambda entry: entry.rank in ranks)
    if params.type:
        types = frozenset(params.type)
        checks.append(lambda entry: entry.type in types)
    if params.minPrice is not None:
        low = params.minPrice
        checks.append(lambda entry: entry.hourly >= low)
    if params.maxPrice is not None:
        high = params.maxPrice
        checks.append(lambda entry: entry.hourly <= high)
    if params.hasVoiceChat is not None:
        voice = params.hasVoiceChat
        checks.append(lambda entry: entry.has_voice_chat is voice)
    if params.hasCommentator is not None:
        commentator = params.hasCommentator
        checks.append(lambda entry: entry.has_commentator is commentator)
    if params.specialization:
        wanted = frozenset(fold(value) for value in params.specialization)
        checks.append(lambda entry: not wanted.isdisjoint(entry.specializations_folded))
    if params.minRating is not None:
        minimum = params.minRating
        checks.append(lambda entry: entry.rating >= minimum)
    if not checks:
        return lambda entry: True
    if len(checks) == 1:
        return checks[0]
    return lambda entry: all(check(entry) for check in checks)


def matches_filters(entry: CatalogueEntry, params: SearchParams) -> bool:
    return filter_predicate(params)(entry)


SORT_KEYS: dict[str, Callable[[CatalogueEntry], tuple]] = {
    "relevance": lambda e: (-e.weighted_rating, -e.total_hires, -e.published_at, e.listing_id),
    "rating": lambda e: (-e.weighted_rating, -e.rating_count, e.listing_id),
    "popular": lambda e: (-e.total_hires, -e.weighted_rating, e.listing_id),
    "price_asc": lambda e: (e.hourly, e.listing_id),
    "price_desc": lambda e: (-e.hourly, e.listing_id),
}


def sort_entries(
    entries: Iterable[CatalogueEntry], sort_by: str, scores: dict[str, float] | None = None
) -> list[CatalogueEntry]:
    """Entries in the requested order; with text ``scores``, relevance means best match first."""
    key = SORT_KEYS[sort_by]
    if sort_by == "relevance" and scores is not None:
        return sorted(entries, key=lambda entry: (-scores[entry.listing_id], *key(entry)))
    return sorted(entries, key=key)


def price_bucket(hourly: float) -> str:
    for name, low, high in PRICE_BUCKETS:
        if hourly >= low and (high is None or hourly <= high):
            return name
    return PRICE_BUCKETS[0][0]


def facet_counts(entries: Iterable[CatalogueEntry]) -> dict[str, dict[str, int]]:
    games: dict[str, int] = {}
    spelling: dict[str, str] = {}
    ranks = dict.fromkeys(RANKS, 0)
    prices = dict.fromkeys((name for name, _, _ in PRICE_BUCKETS), 0)
    for entry in entries:
        ranks[entry.rank] = ranks.get(entry.rank, 0) + 1
        prices[entry.price_range] += 1
        for folded, written in entry.game_spellings:
            display = spelling.setdefault(folded, written)
            games[display] = games.get(display, 0) + 1
    ordered_games = dict(sorted(games.items(), key=lambda item: (-item[1], item[0].casefold())))
    return {"games": ordered_games, "ranks": ranks, "priceRanges": prices}


def badges_for(entry: CatalogueEntry, asset_base_url: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def add(name: str, specializations: list[str]) -> None:
        if any(badge["name"] == name for badge in found):
            return
        slug = "-".join(words(name))
        found.append(
            {"name": name, "imageUrl": f"{asset_base_url}/badges/{slug}.png", "specializations": specializations}
        )

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


def result_view(entry: CatalogueEntry, now: datetime, asset_base_url: str) -> dict[str, Any]:
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
        "availability": availability_at(entry.availability, now).as_api(),
    }


# -- the in-memory index ----------------------------------------------------------------------


class CatalogueIndex:
    """Active listings by id, an inverted index of their words, and cached sort orders."""

    def __init__(self, items: Iterable[dict[str, Any]] = ()):
        self.entries: dict[str, CatalogueEntry] = {}
        self._postings: dict[str, dict[str, float]] = {}
        self._words_of: dict[str, dict[str, float]] = {}
        self._vocabulary: list[str] | None = None
        self._orders: dict[str, list[CatalogueEntry]] = {}
        self.upsert(items)

    def __len__(self) -> int:
        return len(self.entries)

    def upsert(self, items: Iterable[dict[str, Any]]) -> int:
        """Apply projections (newer ``updatedAt`` wins); returns how many changed the index."""
        changed = 0
        for item in items:
            listing_id = item["listingId"]
            current = self.entries.get(listing_id)
            if current is not None and item.get("updatedAt", "") < current.updated_at:
                continue
            if item.get("status") != "active":
                if current is not None:
                    self._remove(listing_id)
                    changed += 1
                continue
            entry = entry_from_projection(item)
            if current is None or current.text_fields() != entry.text_fields():
                self._remove_words(listing_id)
                self._add_words(entry)
            self.entries[listing_id] = entry
            changed += 1
        if changed:
            self._orders.clear()
        return changed

    def _remove(self, listing_id: str) -> None:
        self.entries.pop(listing_id, None)
        self._remove_words(listing_id)

    def _remove_words(self, listing_id: str) -> None:
        for word in self._words_of.pop(listing_id, {}):
            postings = self._postings[word]
            postings.pop(listing_id, None)
            if not postings:
                del self._postings[word]
                self._vocabulary = None

    def _add_words(self, entry: CatalogueEntry) -> None:
        weights: dict[str, float] = {}
        for field_name, text in entry.text_fields().items():
            weight = FIELD_WEIGHTS[field_name]
            for word in words(text):
                if weights.get(word, 0.0) < weight:
                    weights[word] = weight
        self._words_of[entry.listing_id] = weights
        for word, weight in weights.items():
            postings = self._postings.get(word)
            if postings is None:
                postings = self._postings[word] = {}
                self._vocabulary = None
            postings[entry.listing_id] = weight

    def ordered(self, sort_by: str) -> list[CatalogueEntry]:
        """Every active entry in a static sort order, cached until the catalogue changes."""
        order = self._orders.get(sort_by)
        if order is None:
            order = self._orders[sort_by] = sort_entries(self.entries.values(), sort_by)
        return order

    def text_scores(self, terms: list[str]) -> dict[str, float]:
        """Listings matching every term, with their relevance score."""
        scores: dict[str, float] | None = None
        for term in terms:
            matches = self._term_matches(term)
            if scores is None:
                scores = matches
            else:
                scores = {lid: score + matches[lid] for lid, score in scores.items() if lid in matches}
            if not scores:
                return {}
        return scores or {}

    def _term_matches(self, term: str) -> dict[str, float]:
        found = dict(self._postings.get(term, {}))
        if len(term) < MIN_PREFIX_LENGTH:
            return found
        if self._vocabulary is None:
            self._vocabulary = sorted(self._postings)
        vocabulary = self._vocabulary
        position = bisect.bisect_right(vocabulary, term)
        while position < len(vocabulary) and vocabulary[position].startswith(term):
            for listing_id, weight in self._postings[vocabulary[position]].items():
                partial = weight * PREFIX_WEIGHT
                if found.get(listing_id, 0.0) < partial:
                    found[listing_id] = partial
            position += 1
        return found


def search(index: CatalogueIndex, params: SearchParams, now: datetime, asset_base_url: str) -> dict[str, Any]:
    """The spec's search response: one page of results, pagination and facets."""
    matches = filter_predicate(params)
    terms = query_terms(params.q)
    if terms:
        scores = index.text_scores(terms)
        candidates = [index.entries[listing_id] for listing_id in scores]
        found = sort_entries([entry for entry in candidates if matches(entry)], params.sortBy, scores)
    else:
        found = [entry for entry in index.ordered(params.sortBy) if matches(entry)]
    page = paginate(found, PageRequest(page=params.page, limit=params.limit))
    return {
        "results": [result_view(entry, now, asset_base_url) for entry in page.items],
        "pagination": {"page": page.page, "limit": page.limit, "total": page.total, "hasMore": page.has_more},
        "facets": facet_counts(found),
    }


# -- keeping the copy warm -----------------------------------------------------------------------


class CatalogueSource(Protocol):
    def load_all(self) -> list[dict[str, Any]]: ...
    def load_changed_since(self, instant: str) -> list[dict[str, Any]]: ...


def _iso(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(epoch_seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class WarmCatalogue:
    """The catalogue index a function instance keeps between invocations.

    The first call loads everything; later calls ask only for what changed, at most once per
    ``refresh_seconds``; a full reload every ``full_reload_seconds`` repairs any missed change.
    """

    def __init__(
        self,
        source: CatalogueSource,
        refresh_seconds: float,
        *,
        overlap_seconds: float = 10.0,
        full_reload_seconds: float = 900.0,
        clock: Callable[[], float] = time.time,
    ):
        self.source = source
        self.refresh_seconds = refresh_seconds
        self.overlap_seconds = overlap_seconds
        self.full_reload_seconds = full_reload_seconds
        self.clock = clock
        self._index: CatalogueIndex | None = None
        self._loaded_at = 0.0
        self._looked_at = 0.0

    def current(self) -> CatalogueIndex:
        now = self.clock()
        if self._index is None or now - self._loaded_at >= self.full_reload_seconds:
            self._index = CatalogueIndex(self.source.load_all())
            self._loaded_at = self._looked_at = now
        elif now - self._looked_at >= self.refresh_seconds:
            self._index.upsert(self.source.load_changed_since(_iso(self._looked_at - self.overlap_seconds)))
            self._looked_at = now
        return self._index


def search_marketplace(
    catalogue: WarmCatalogue, params: SearchParams, now: datetime, asset_base_url: str
) -> dict[str, Any]:
    return search(catalogue.current(), params, now, asset_base_url)
