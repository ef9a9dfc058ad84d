"""Search rules: parameters, filters, sort orders, facets, badges, the text index, the warm copy."""

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from jiga_store.logic.catalogue import WarmCatalogue
from jiga_store.logic.marketplace import (
    CatalogueIndex,
    badges_for,
    entry_from_projection,
    price_bucket,
    query_terms,
    search,
)
from jiga_store.models.search import SearchParams, SearchResponse

NOW = datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
ASSETS = "https://assets.example"


def projection(listing_id: str = "lst_1", **overrides: Any) -> dict[str, Any]:
    item = {
        "listingId": listing_id,
        "agentId": f"agt_{listing_id}",
        "status": "active",
        "publishedAt": "2024-01-01T00:00:00.000Z",
        "updatedAt": "2024-01-01T00:00:00.000Z",
        "name": "Flank Master",
        "imageUrl": "https://assets.example/agents/gold-mentor.png",
        "rank": "Gold",
        "type": "Mentor",
        "nationality": "French",
        "title": "Tactical shooter coaching",
        "description": "Positioning and crosshair placement",
        "tags": ["fps", "coaching"],
        "games": ["Valorant"],
        "focus": "Aim training",
        "specialistType": "Trained",
        "hasVoiceChat": True,
        "hasCommentator": False,
        "pricing": {"hourly": 1_000, "daily": 20_000, "weekly": 100_000},
        "availability": {"schedule": "always", "timezone": "UTC"},
        "achievements": [],
    }
    item.update(overrides)
    return item


def entry(listing_id: str = "lst_1", **overrides: Any):
    return entry_from_projection(projection(listing_id, **overrides))


def params(**values: Any) -> SearchParams:
    return SearchParams.model_validate(values)


# -- parameters --------------------------------------------------------------------------------


def test_parameters_default_to_page_1_limit_20_relevance():
    defaults = params()
    assert (defaults.page, defaults.limit, defaults.sortBy) == (1, 20, "relevance")


@pytest.mark.parametrize(
    "bad",
    [
        {"limit": 101},
        {"limit": 0},
        {"page": 0},
        {"minRating": 6},
        {"minRating": 0.5},
        {"sortBy": "newest"},
        {"minPrice": -1},
        {"rank": ["Diamond"]},
        {"type": ["Coach"]},
        {"hasVoiceChat": "perhaps"},
        {"hasVoiceChat": "1"},
        {"game": [""]},
        {"game": ["a"] * 41},
        {"q": "x" * 201},
    ],
)
def test_invalid_parameters_are_refused(bad):
    with pytest.raises(ValidationError):
        params(**bad)


def test_array_parameters_accept_repeats_and_commas_and_any_case_for_enums():
    parsed = params(rank=["gold,Platinum", "silver"], type=["mentor"], game=["Valorant, CS2"])
    assert parsed.rank == ["Gold", "Platinum", "Silver"]
    assert parsed.type == ["Mentor"]
    # the unsplit game is kept too, for names that contain a comma
    assert parsed.game == ["Valorant", "CS2", "Valorant, CS2"]


# -- filters -----------------------------------------------------------------------------------


def matches(item: dict[str, Any], search_params: SearchParams) -> bool:
    return CatalogueIndex([item]).filter_mask(search_params) != 0


def test_each_filter_keeps_only_matching_listings():
    listing = projection()
    keeps = [
        {"game": ["VALORANT"]},
        {"rank": ["Silver", "Gold"]},
        {"type": ["Mentor"]},
        {"minPrice": 1_000},
        {"maxPrice": 1_000},
        {"hasVoiceChat": True},
        {"hasCommentator": False},
        {"specialization": ["aim training"]},
        {"specialization": ["Trained"]},
    ]
    drops = [
        {"game": ["Dota 2"]},
        {"rank": ["Bronze"]},
        {"type": ["Assistant"]},
        {"minPrice": 1_001},
        {"maxPrice": 999},
        {"hasVoiceChat": False},
        {"hasCommentator": True},
        {"specialization": ["Experience"]},
        {"minRating": 1},  # unrated listings have rating 0
    ]
    for values in keeps:
        assert matches(listing, params(**values)), values
    for values in drops:
        assert not matches(listing, params(**values)), values


def test_min_rating_uses_the_average_rating():
    rated = projection(ratingSum=9, ratingCount=2)  # 4.5
    assert matches(rated, params(minRating=4.5))
    assert not matches(rated, params(minRating=4.6))


def test_filters_combine_with_and_and_their_values_with_or():
    index = CatalogueIndex(
        [
            projection("lst_gold_voice", rank="Gold", hasVoiceChat=True),
            projection("lst_gold_quiet", rank="Gold", hasVoiceChat=False),
            projection("lst_bronze_voice", rank="Bronze", hasVoiceChat=True),
            projection("lst_silver_quiet", rank="Silver", hasVoiceChat=False),
        ]
    )

    def listed(**values: Any) -> list[str]:
        return [r["listingId"] for r in search(index, params(sortBy="price_asc", **values), NOW, ASSETS)["results"]]

    assert listed(rank=["Gold", "Bronze"], hasVoiceChat=True) == ["lst_bronze_voice", "lst_gold_voice"]
    assert listed(hasVoiceChat=False) == ["lst_gold_quiet", "lst_silver_quiet"]


# -- sort orders -------------------------------------------------------------------------------


def order(items: list[dict[str, Any]], sort_by: str) -> list[str]:
    return [entry.listing_id for entry in CatalogueIndex(items).ordered(sort_by)]


def test_price_sorts_break_ties_by_listing_id():
    listings = [
        projection("lst_c", pricing={"hourly": 500, "daily": 500, "weekly": 500}),
        projection("lst_a", pricing={"hourly": 900, "daily": 900, "weekly": 900}),
        projection("lst_b", pricing={"hourly": 500, "daily": 500, "weekly": 500}),
    ]
    assert order(listings, "price_asc") == ["lst_b", "lst_c", "lst_a"]
    assert order(listings, "price_desc") == ["lst_a", "lst_b", "lst_c"]


def test_rating_sort_trusts_many_ratings_over_one():
    listings = [
        projection("lst_one_five", ratingSum=5, ratingCount=1),
        projection("lst_many", ratingSum=4.8 * 100, ratingCount=100),
        projection("lst_unrated"),
        projection("lst_poor", ratingSum=2 * 20, ratingCount=20),
    ]
    assert order(listings, "rating") == ["lst_many", "lst_one_five", "lst_unrated", "lst_poor"]


def test_popular_sort_is_by_total_hires():
    listings = [projection("lst_a", totalHires=3), projection("lst_b", totalHires=40), projection("lst_c")]
    assert order(listings, "popular") == ["lst_b", "lst_a", "lst_c"]


def test_orders_and_ranges_follow_changes():
    def priced(listing_id: str, hourly: int, **overrides: Any) -> dict[str, Any]:
        return projection(listing_id, pricing={"hourly": hourly, "daily": hourly, "weekly": hourly}, **overrides)

    index = CatalogueIndex([priced("lst_a", 300), priced("lst_b", 200), priced("lst_c", 100)])
    assert [e.listing_id for e in index.ordered("price_asc")] == ["lst_c", "lst_b", "lst_a"]
    assert found(index, maxPrice=250, sortBy="price_asc") == ["lst_c", "lst_b"]
    later = "2024-01-02T00:00:00.000Z"
    index.upsert([priced("lst_c", 400, updatedAt=later), priced("lst_d", 150), priced("lst_b", 1, status="x")])
    assert [e.listing_id for e in index.ordered("price_asc")] == ["lst_d", "lst_a", "lst_c"]
    assert found(index, maxPrice=250, sortBy="price_asc") == ["lst_d"]


# -- facets, stats, badges ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hourly", "bucket"),
    [(0, "0-499"), (499, "0-499"), (500, "500-999"), (2_499, "1000-2499"), (9_999, "5000-9999"), (10_000, "10000+")],
)
def test_price_buckets(hourly, bucket):
    assert price_bucket(hourly) == bucket


def test_facets_count_games_ranks_and_price_ranges():
    index = CatalogueIndex(
        [
            projection("lst_1", games=["Valorant", "CS2"]),
            projection(
                "lst_2", games=["valorant"], rank="Bronze", pricing={"hourly": 100, "daily": 100, "weekly": 100}
            ),
            projection("lst_3", games=[]),
        ]
    )
    facets = index.facets(index.filter_mask(params()))
    assert facets["games"] == {"Valorant": 2, "CS2": 1}
    assert facets["ranks"] == {"Bronze": 1, "Silver": 0, "Gold": 2, "Platinum": 0}
    assert facets["priceRanges"]["1000-2499"] == 2
    assert facets["priceRanges"]["0-499"] == 1
    assert sum(facets["priceRanges"].values()) == 3


def test_stats_are_derived_from_counters():
    listing = entry(totalHires=8, successfulHires=6, ratingSum=13, ratingCount=3)
    assert (listing.rating, listing.total_hires, listing.success_rate) == (4.33, 8, 0.75)


def test_badges_come_from_specialization_achievements_and_stats():
    plain = entry(specialistType=None, focus=None, games=[])
    assert badges_for(plain, ASSETS) == []
    decorated = entry(
        specialistType="Experience",
        achievements=["experience_specialist", "clutch_master"],
        ratingSum=4.9 * 12,
        ratingCount=12,
        totalHires=60,
    )
    badges = badges_for(decorated, ASSETS)
    assert [badge["name"] for badge in badges] == ["Experience Specialist", "Clutch Master", "Top Rated", "Popular"]
    assert badges[0] == {
        "name": "Experience Specialist",
        "imageUrl": f"{ASSETS}/badges/experience-specialist.png",
        "specializations": ["Aim training", "Valorant"],
    }


# -- the index and the search ------------------------------------------------------------------


def found(index: CatalogueIndex, **values: Any) -> list[str]:
    return [result["listingId"] for result in search(index, params(**values), NOW, ASSETS)["results"]]


def test_free_text_matches_every_word_in_name_title_tags_or_description():
    index = CatalogueIndex(
        [
            projection("lst_desc", name="Other", title="Coaching", description="Sniper drills", tags=[]),
            projection("lst_none", name="Fourth", title="Coaching", description="Rush", tags=[]),
            projection("lst_tag", name="Third", title="Coaching", description="x", tags=["sniper"]),
            projection("lst_name", name="Sniper Queen", title="Coaching", description="Long range", tags=[]),
        ]
    )
    # name 4 > tags 2 > description 1
    assert found(index, q="SNIPER coaching") == ["lst_name", "lst_tag", "lst_desc"]
    assert found(index, q="sniper rush") == []


def test_relevance_ties_fall_back_to_rating():
    index = CatalogueIndex(
        [
            projection("lst_low", title="Sniper", ratingSum=2, ratingCount=1),
            projection("lst_high", title="Sniper", ratingSum=5, ratingCount=1),
        ]
    )
    assert found(index, q="sniper") == ["lst_high", "lst_low"]


def test_words_of_three_letters_or_more_match_as_prefixes_and_accents_are_ignored():
    index = CatalogueIndex(
        [
            projection("lst_prefix", description="Coaching for Pokémon trainers"),
            projection("lst_exact", title="Coach", description="pokemon"),
        ]
    )
    assert found(index, q="coach pokemon") == ["lst_exact", "lst_prefix"]  # an exact word counts more
    assert found(index, q="co") == []  # too short for a prefix


def test_upsert_applies_newer_versions_and_drops_inactive_listings():
    index = CatalogueIndex([projection("lst_1", title="Old words", updatedAt="2024-01-02T00:00:00.000Z")])
    index.upsert([projection("lst_1", title="Stale", updatedAt="2024-01-01T00:00:00.000Z")])
    assert index.entries["lst_1"].title == "Old words"
    index.upsert([projection("lst_1", title="Fresh words", updatedAt="2024-01-03T00:00:00.000Z")])
    assert found(index, q="fresh") == ["lst_1"]
    assert found(index, q="old") == []
    index.upsert([projection("lst_1", status="pending_review", updatedAt="2024-01-04T00:00:00.000Z")])
    assert len(index) == 0
    index.upsert([projection("lst_2", status="pending_review")])
    assert len(index) == 0


def test_rereading_the_same_version_changes_nothing_but_new_counters_apply():
    index = CatalogueIndex([projection("lst_1")])
    before = index.entries["lst_1"]
    assert index.upsert([projection("lst_1")]) == 0
    assert index.entries["lst_1"] is before
    assert index.upsert([projection("lst_1", totalHires=1)]) == 1  # same millisecond, another hire
    assert index.entries["lst_1"].total_hires == 1


def test_changes_move_a_listing_between_filters_and_facets():
    index = CatalogueIndex([projection("lst_1", rank="Gold"), projection("lst_2", rank="Gold")])
    index.upsert([projection("lst_1", rank="Platinum", updatedAt="2024-01-02T00:00:00.000Z")])
    assert index.facets(index.filter_mask(params()))["ranks"] == {"Bronze": 0, "Silver": 0, "Gold": 1, "Platinum": 1}
    index.upsert([projection("lst_2", status="removed", updatedAt="2024-01-02T00:00:00.000Z")])
    index.upsert([projection("lst_3", rank="Silver")])  # takes the freed slot
    response = search(index, params(rank=["Gold", "Silver", "Platinum"], sortBy="price_asc"), NOW, ASSETS)
    assert [r["listingId"] for r in response["results"]] == ["lst_1", "lst_3"]
    assert response["facets"]["ranks"] == {"Bronze": 0, "Silver": 1, "Gold": 0, "Platinum": 1}


def test_search_pages_the_filtered_set_and_facets_describe_all_of_it():
    items = [projection(f"lst_{n:02d}", rank="Gold" if n % 2 else "Silver") for n in range(25)]
    index = CatalogueIndex(items)
    response = search(index, params(rank=["Gold"], sortBy="price_asc", page=2, limit=5), NOW, ASSETS)
    assert response["pagination"] == {"page": 2, "limit": 5, "total": 12, "hasMore": True}
    assert [r["listingId"] for r in response["results"]] == ["lst_11", "lst_13", "lst_15", "lst_17", "lst_19"]
    assert response["facets"]["ranks"] == {"Bronze": 0, "Silver": 0, "Gold": 12, "Platinum": 0}
    last = search(index, params(rank=["Gold"], sortBy="price_asc", page=3, limit=5), NOW, ASSETS)
    assert last["pagination"]["hasMore"] is False
    assert len(last["results"]) == 2


def test_search_result_has_the_spec_shape():
    index = CatalogueIndex([projection("lst_1", totalHires=4, successfulHires=3, ratingSum=9, ratingCount=2)])
    (result,) = search(index, params(), NOW, ASSETS)["results"]
    assert result["agent"] == {
        "name": "Flank Master",
        "imageUrl": "https://assets.example/agents/gold-mentor.png",
        "rank": "Gold",
        "type": "Mentor",
        "nationality": "French",
    }
    assert result["stats"] == {"rating": 4.5, "totalHires": 4, "successRate": 0.75}
    assert result["availability"] == {"isAvailable": True, "nextAvailable": "2024-01-15T10:30:00Z"}


# -- the warm copy -------------------------------------------------------------------------------


class FakeCatalogue:
    def __init__(self, items: list[dict[str, Any]]):
        self.items = items
        self.calls: list[tuple[str, str | None]] = []

    def load_all(self) -> list[dict[str, Any]]:
        self.calls.append(("all", None))
        return list(self.items)

    def load_changed_since(self, instant: str) -> list[dict[str, Any]]:
        self.calls.append(("changed", instant))
        return [item for item in self.items if item["updatedAt"] > instant]


class FakeClock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_warm_catalogue_loads_once_then_asks_only_for_changes_after_the_refresh_interval():
    start = datetime(2024, 1, 15, 10, 0, tzinfo=UTC).timestamp()
    source = FakeCatalogue([projection("lst_1")])
    clock = FakeClock(start)
    warm = WarmCatalogue(source, refresh_seconds=5, overlap_seconds=10, full_reload_seconds=900, clock=clock)

    assert len(warm.current()) == 1
    clock.now += 4
    warm.current()
    assert source.calls == [("all", None)]  # within the interval: no request at all

    source.items.append(projection("lst_2", updatedAt="2024-01-15T10:00:03.000Z"))
    clock.now += 1
    assert len(warm.current()) == 2
    assert source.calls[-1] == ("changed", "2024-01-15T09:59:50.000Z")  # previous look minus the overlap

    clock.now += 900
    warm.current()
    assert source.calls[-1] == ("all", None)  # the periodic full reload


def test_text_and_filters_together_in_any_sort_order():
    index = CatalogueIndex(
        [
            projection("lst_a", title="Sniper lessons", rank="Gold", pricing={"hourly": 3000, "daily": 1, "weekly": 1}),
            projection("lst_b", title="Sniper basics", rank="Gold", pricing={"hourly": 1000, "daily": 1, "weekly": 1}),
            projection("lst_c", title="Sniper basics", rank="Bronze"),
            projection("lst_d", title="Rush", rank="Gold"),
        ]
    )
    response = search(index, params(q="sniper", rank=["Gold"], sortBy="price_desc"), NOW, ASSETS)
    assert [r["listingId"] for r in response["results"]] == ["lst_a", "lst_b"]
    assert response["pagination"]["total"] == 2
    assert response["facets"]["ranks"]["Gold"] == 2


def test_search_response_holds_to_the_response_model():
    index = CatalogueIndex([projection(f"lst_{n}", specialistType="Trained", totalHires=60) for n in range(3)])
    SearchResponse.model_validate(search(index, params(limit=2), NOW, ASSETS))


def test_query_words_are_folded_deduplicated_and_capped():
    assert query_terms("Éclair ECLAIR, fps-coach") == ["eclair", "fps", "coach"]
    assert len(query_terms(" ".join(f"w{n}" for n in range(30)))) == 10


def test_a_slow_refresh_does_not_make_the_next_search_refresh_again():
    clock = FakeClock(datetime(2024, 1, 15, 10, 0, tzinfo=UTC).timestamp())

    class SlowCatalogue(FakeCatalogue):
        def load_changed_since(self, instant: str) -> list[dict[str, Any]]:
            clock.now += 8  # slower than the refresh interval
            return super().load_changed_since(instant)

    source = SlowCatalogue([projection("lst_1")])
    warm = WarmCatalogue(source, refresh_seconds=5, clock=clock)
    warm.current()
    clock.now += 5
    warm.current()
    clock.now += 1
    warm.current()
    assert [kind for kind, _ in source.calls] == ["all", "changed"]
