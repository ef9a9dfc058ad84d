"""Marketplace search through the template's routes: what a shopper sees when browsing agents.

The runtime is shared by every test, so each test finds its own listings by a unique tag (``q``).
"""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from jiga_store.dal.catalogue import CatalogueRepository
from shared.errors import NotFound

SEARCH = "/api/v1/marketplace/search"
SPEC_RESULT_KEYS = {
    "listingId",
    "agentId",
    "agent",
    "title",
    "description",
    "pricing",
    "stats",
    "badges",
    "availability",
}


def unique_tag() -> str:
    return f"t{uuid.uuid4().hex[:12]}"


def features(voice: bool, commentator: bool) -> dict[str, bool]:
    return {"hasVoiceChat": voice, "hasCommentator": commentator, "hasMemory": False}


def specialization(games: list[str], focus: str) -> dict[str, Any]:
    return {"games": games, "focus": focus, "specialistType": "Trained"}


def prices(hourly: int) -> dict[str, int]:
    return {"hourly": hourly, "daily": hourly * 20, "weekly": hourly * 100}


def publish_listing(jiga, owner, tag: str, agent: dict[str, Any], listing: dict[str, Any]) -> dict[str, Any]:
    created = jiga.create_agent(owner, **agent)
    published = jiga.publish(owner, created["id"], tags=[tag], **listing)
    return {"agent": created, **published}


def search(jiga, headers: dict[str, str] | None = None, **params: Any):
    return jiga.client.get(SEARCH, params=params, headers=headers or {})


def found(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [result["listingId"] for result in response.json()["results"]]


@pytest.fixture(scope="module")
def catalogue(runtime) -> CatalogueRepository:
    return CatalogueRepository(runtime.physical_id("JigaTable"))


@pytest.fixture(scope="module")
def shelf(jiga, catalogue) -> dict[str, Any]:
    """Five listings sharing one tag, varied in every searchable way, with some hire history."""
    owner = jiga.user_with_dofs(100_000)
    tag = unique_tag()
    plan = {
        "A": (
            {"name": f"Alpha {tag[:6]}", "rank": "Bronze", "type": "Assistant", "features": features(True, False)},
            {"pricing": prices(150)},
            [(5, True), (5, True), (4, True)],
        ),
        "B": (
            {
                "rank": "Silver",
                "type": "Mentor",
                "features": features(False, True),
                "specialization": specialization(["Valorant"], "Aim training"),
            },
            {"pricing": prices(400)},
            [(5, True)],
        ),
        "C": (
            {
                "rank": "Gold",
                "type": "Specialist",
                "features": features(True, False),
                "specialization": specialization(["Valorant", "CS2"], "Strategy"),
            },
            {"pricing": prices(1_200)},
            [(5, True)] * 10,
        ),
        "D": (
            {
                "rank": "Gold",
                "type": "Specialist",
                "features": features(True, True),
                "specialization": specialization(["Dota 2"], "Drafting"),
            },
            {"pricing": prices(3_000)},
            [],
        ),
        "E": (
            {"rank": "Silver", "type": "Assistant", "features": features(False, False)},
            {"pricing": prices(700)},
            [(1, False)],
        ),
    }
    listings = {}
    for key, (agent, listing, outcomes) in plan.items():
        published = publish_listing(jiga, owner, tag, agent, listing)
        for rating, success in outcomes:
            catalogue.record_hire_outcome(published["listingId"], rating, success)
        listings[key] = published["listingId"]
    return {"tag": tag, "owner": owner, "ids": listings, "names": {v: k for k, v in listings.items()}}


def keys(shelf, response) -> list[str]:
    return [shelf["names"][listing_id] for listing_id in found(response)]


# -- access and shape --------------------------------------------------------------------------


def test_anyone_can_browse_without_a_token_and_sees_the_spec_shape(jiga, shelf):
    # Given published listings; When an anonymous visitor searches as the spec's load test does
    response = search(jiga, q=shelf["tag"], rank="Gold", limit=10)
    # Then they see them, shaped as the spec says
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"results", "pagination", "facets"}
    assert sorted(keys(shelf, response)) == ["C", "D"]
    result = body["results"][0]
    assert set(result) == SPEC_RESULT_KEYS | {"recentReviews"}  # the one addition (logic/reviews.py)
    assert set(result["agent"]) == {"name", "imageUrl", "rank", "type", "nationality"}
    assert set(result["stats"]) == {"rating", "totalHires", "successRate"}
    assert set(result["availability"]) == {"isAvailable", "nextAvailable"}
    assert body["pagination"] == {"page": 1, "limit": 10, "total": 2, "hasMore": False}


def test_signed_in_users_search_too_but_a_bad_token_is_401(jiga, shelf):
    assert len(found(search(jiga, headers=shelf["owner"].headers, q=shelf["tag"]))) == 5
    response = search(jiga, headers={"Authorization": "Bearer not-a-token"}, q=shelf["tag"])
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHORIZED"


# -- free text ---------------------------------------------------------------------------------


def test_free_text_searches_title_description_tags_and_agent_name(jiga):
    owner = jiga.user_with_dofs(10_000)
    word = {field: unique_tag() for field in ("title", "description", "tag", "name")}
    in_title = publish_listing(jiga, owner, "plain", {}, {"title": f"Coach {word['title']}"})
    in_description = publish_listing(jiga, owner, "plain", {}, {"description": f"Drills {word['description']}"})
    in_tags = publish_listing(jiga, owner, word["tag"], {}, {})
    in_name = publish_listing(jiga, owner, "plain", {"name": f"Bot {word['name']}"}, {})

    assert found(search(jiga, q=word["title"])) == [in_title["listingId"]]
    assert found(search(jiga, q=word["description"].upper())) == [in_description["listingId"]]
    assert found(search(jiga, q=word["tag"])) == [in_tags["listingId"]]
    assert found(search(jiga, q=f"bot {word['name']}")) == [in_name["listingId"]]
    # every word must match
    assert found(search(jiga, q=f"{word['name']} {word['title']}")) == []


# -- filters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"game": "Valorant"}, ["B", "C"]),
        ({"game": ["valorant", "Dota 2"]}, ["B", "C", "D"]),
        ({"game": "CS2,Dota 2"}, ["C", "D"]),
        ({"rank": ["Gold", "Silver"]}, ["B", "C", "D", "E"]),
        ({"rank": "gold,silver"}, ["B", "C", "D", "E"]),
        ({"rank[]": "Bronze"}, ["A"]),
        ({"type": "Assistant"}, ["A", "E"]),
        ({"minPrice": 400, "maxPrice": 1_200}, ["B", "C", "E"]),
        ({"maxPrice": 399.5}, ["A"]),
        ({"minPrice": 500, "maxPrice": 100}, []),  # an empty range finds nothing; it is not an error
        ({"hasVoiceChat": "false"}, ["B", "E"]),
        ({"hasCommentator": "true"}, ["B", "D"]),
        ({"specialization": "Drafting"}, ["D"]),
        ({"specialization": "Trained"}, ["B", "C", "D"]),
        ({"minRating": 4}, ["A", "B", "C"]),
        ({"rank": "Gold", "hasCommentator": "true", "game": "Dota 2"}, ["D"]),
    ],
)
def test_each_filter_narrows_the_results(jiga, shelf, params, expected):
    assert sorted(keys(shelf, search(jiga, q=shelf["tag"], **params))) == expected


def test_spec_example_bronze_assistants_without_voice(jiga):
    owner = jiga.user_with_dofs(10_000)
    tag = unique_tag()
    quiet = publish_listing(jiga, owner, tag, {"features": features(False, False)}, {})
    publish_listing(jiga, owner, tag, {"features": features(True, False)}, {})
    response = search(jiga, q=tag, rank="Bronze", type="Assistant", hasVoiceChat="false")
    assert found(response) == [quiet["listingId"]]


# -- sort orders -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort_by", "expected"),
    [
        ("price_asc", ["A", "B", "E", "C", "D"]),
        ("price_desc", ["D", "C", "E", "B", "A"]),
        ("rating", ["C", "A", "B", "D", "E"]),
        ("popular", ["C", "A", "B", "E", "D"]),
    ],
)
def test_sort_orders(jiga, shelf, sort_by, expected):
    assert keys(shelf, search(jiga, q=shelf["tag"], sortBy=sort_by)) == expected


def test_relevance_puts_name_matches_first(jiga, shelf):
    # The tag is in every listing's tags; A also carries part of it in its agent name
    first = keys(shelf, search(jiga, q=f"{shelf['tag']} alpha"))
    assert first == ["A"]
    assert keys(shelf, search(jiga, q=shelf["tag"], sortBy="relevance"))[0] == "C"  # best rated


# -- pagination and facets ---------------------------------------------------------------------


def test_pages_walk_the_results_without_gaps_or_repeats(jiga, shelf):
    pages = [jiga.search(q=shelf["tag"], sortBy="price_asc", limit=2, page=page) for page in (1, 2, 3, 4)]
    assert [[shelf["names"][r["listingId"]] for r in page["results"]] for page in pages] == [
        ["A", "B"],
        ["E", "C"],
        ["D"],
        [],
    ]
    assert [page["pagination"]["hasMore"] for page in pages] == [True, True, False, False]
    assert {page["pagination"]["total"] for page in pages} == {5}


def test_default_page_and_limit(jiga, shelf):
    assert jiga.search(q=shelf["tag"])["pagination"] == {"page": 1, "limit": 20, "total": 5, "hasMore": False}


def test_facets_describe_the_filtered_set(jiga, shelf):
    facets = jiga.search(q=shelf["tag"], rank="Gold")["facets"]
    assert facets["ranks"] == {"Bronze": 0, "Silver": 0, "Gold": 2, "Platinum": 0}
    assert facets["games"] == {"CS2": 1, "Dota 2": 1, "Valorant": 1}
    assert {k: v for k, v in facets["priceRanges"].items() if v} == {"1000-2499": 1, "2500-4999": 1}
    everything = jiga.search(q=shelf["tag"])["facets"]
    assert everything["games"] == {"Valorant": 2, "CS2": 1, "Dota 2": 1}
    assert everything["ranks"] == {"Bronze": 1, "Silver": 2, "Gold": 2, "Platinum": 0}
    assert {k: v for k, v in everything["priceRanges"].items() if v} == {
        "0-499": 2,
        "500-999": 1,
        "1000-2499": 1,
        "2500-4999": 1,
    }


# -- stats, badges, availability ----------------------------------------------------------------


def test_stats_reflect_recorded_hire_outcomes(jiga, shelf):
    results = {shelf["names"][r["listingId"]]: r for r in jiga.search(q=shelf["tag"])["results"]}
    assert results["A"]["stats"] == {"rating": 4.67, "totalHires": 3, "successRate": 1.0}
    assert results["E"]["stats"] == {"rating": 1.0, "totalHires": 1, "successRate": 0.0}
    assert results["D"]["stats"] == {"rating": 0.0, "totalHires": 0, "successRate": 0.0}
    assert results["C"]["badges"] == [
        {
            "name": "Trained Specialist",
            "imageUrl": "https://assets.jigastore.com/badges/trained-specialist.png",
            "specializations": ["Strategy", "Valorant", "CS2"],
        },
        {"name": "Top Rated", "imageUrl": "https://assets.jigastore.com/badges/top-rated.png", "specializations": []},
    ]
    assert results["A"]["badges"] == []


def test_a_hire_outcome_is_counted_once_per_hire_and_needs_a_listing(jiga, catalogue):
    owner = jiga.user_with_dofs(10_000)
    tag = unique_tag()
    listing = publish_listing(jiga, owner, tag, {}, {})
    assert catalogue.record_hire_outcome(listing["listingId"], 4.0, True, outcome_id="hire_1") is True
    assert catalogue.record_hire_outcome(listing["listingId"], 4.0, True, outcome_id="hire_1") is False
    assert catalogue.record_hire_outcome(listing["listingId"], None, False, outcome_id="hire_2") is True
    (result,) = jiga.search(q=tag)["results"]
    assert result["stats"] == {"rating": 4.0, "totalHires": 2, "successRate": 0.5}
    with pytest.raises(NotFound):
        catalogue.record_hire_outcome("lst_missing", 5.0, True)


def test_republishing_updates_the_listing_and_keeps_its_stats(jiga, catalogue):
    owner = jiga.user_with_dofs(10_000)
    tag = unique_tag()
    listing = publish_listing(jiga, owner, tag, {}, {"title": "First title"})
    catalogue.record_hire_outcome(listing["listingId"], 5.0, True)
    jiga.publish(owner, listing["agentId"], tags=[tag], title="Second title")
    (result,) = jiga.search(q=tag)["results"]
    assert result["title"] == "Second title"
    assert result["stats"]["totalHires"] == 1


def test_availability_follows_the_schedule(jiga):
    owner = jiga.user_with_dofs(10_000)
    tag = unique_tag()
    in_three_days = datetime.now(UTC) + timedelta(days=3)
    day = in_three_days.strftime("%A").lower()
    scheduled = {
        "schedule": "scheduled",
        "timezone": "Asia/Tokyo",
        "hours": {day: {"start": "10:00", "end": "11:00"}},
    }
    later = publish_listing(jiga, owner, tag, {}, {"availability": scheduled, "title": "Later"})
    always = publish_listing(jiga, owner, tag, {}, {"title": "Always"})
    results = {r["listingId"]: r["availability"] for r in jiga.search(q=tag)["results"]}

    assert results[always["listingId"]]["isAvailable"] is True
    assert results[later["listingId"]]["isAvailable"] is False
    # 10:00 in Tokyo (UTC+9, no DST) on that weekday is 01:00 UTC; the weekday is Tokyo's
    tokyo_now = datetime.now(UTC) + timedelta(hours=9)
    days_ahead = (in_three_days.weekday() - tokyo_now.weekday()) % 7
    opening = (tokyo_now + timedelta(days=days_ahead)).replace(hour=10, minute=0, second=0, microsecond=0)
    if opening <= tokyo_now:
        opening += timedelta(days=7)
    expected = (opening - timedelta(hours=9)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert results[later["listingId"]]["nextAvailable"] == expected


# -- what is not searchable, and bad requests ---------------------------------------------------


def test_unpublished_and_pending_review_listings_are_not_searchable(jiga):
    owner = jiga.user_with_dofs(50_000)
    tag = unique_tag()
    unpublished = jiga.create_agent(owner, name=f"Hidden {tag[:8]}")
    pending = publish_listing(
        jiga, owner, tag, {"rank": "Gold"}, {"pricing": {"hourly": 60_000, "daily": 60_000, "weekly": 60_000}}
    )
    active = publish_listing(jiga, owner, tag, {}, {})
    assert pending["status"] == "pending_review"
    assert found(search(jiga, q=tag)) == [active["listingId"]]
    assert found(search(jiga, q=unpublished["name"])) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 101}, "limit"),
        ({"limit": 0}, "limit"),
        ({"page": 0}, "page"),
        ({"minRating": 6}, "minRating"),
        ({"sortBy": "cheapest"}, "sortBy"),
        ({"maxPrice": "nan"}, "maxPrice"),
        ({"minPrice": "lots"}, "minPrice"),
        ({"rank": "Diamond"}, "rank.0"),
        ({"hasVoiceChat": "maybe"}, "hasVoiceChat"),
    ],
)
def test_invalid_parameters_are_400_invalid_input(jiga, params, field):
    response = search(jiga, **params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "INVALID_INPUT"
    assert error["requestId"] == response.headers["x-request-id"]
    assert field in [detail["field"] for detail in error["details"]]


def test_new_achievements_show_as_badges(jiga, catalogue):
    owner = jiga.user_with_dofs(10_000)
    tag = unique_tag()
    listing = publish_listing(jiga, owner, tag, {}, {})
    catalogue.refresh_achievements(listing["listingId"], ["clutch_master"])
    (result,) = jiga.search(q=tag)["results"]
    assert [badge["name"] for badge in result["badges"]] == ["Clutch Master"]


def test_a_new_search_instance_starts_from_the_snapshot_and_sees_what_changed_since(runtime, jiga):
    import boto3

    # Given a search instance that has been answering (a snapshot of the catalogue exists)
    assert jiga.client.get(SEARCH).status_code == 200
    runtime.pools["JigaMarketplaceFunction"].retire()
    assert jiga.client.get(SEARCH).status_code == 200
    # When a listing is published and then rated, and a new instance answers its first search
    owner = jiga.user_with_dofs(10_000)
    tag = unique_tag()
    listing = jiga.publish(owner, jiga.create_agent(owner)["id"], tags=[tag])
    CatalogueRepository(runtime.physical_id("JigaTable")).record_hire_outcome(listing["listingId"], 4, True)
    runtime.pools["JigaMarketplaceFunction"].retire()  # as a deployment or a scale-out does
    calls: list[str] = []

    def record(model, **_):
        calls.append(model.name)

    events = boto3._get_default_session().events
    events.register("before-parameter-build.dynamodb", record)
    try:
        found = jiga.search(q=tag)["results"]
    finally:
        events.unregister("before-parameter-build.dynamodb", record)
    # Then it read the snapshot and the changes since by key (no Query of the catalogue) and the
    # changes are there
    assert calls == ["UpdateItem", "BatchGetItem", "BatchGetItem"]  # rate limiter, head + log, chunks + changes
    assert [r["listingId"] for r in found] == [listing["listingId"]]
    assert found[0]["stats"] == {"rating": 4.0, "totalHires": 1, "successRate": 1.0}
