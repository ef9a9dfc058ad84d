"""After a finished hire, the hirer rates the agent once; the listing's rating, success rate and
recent reviews follow in search, so minRating and sortBy=rating mean something."""

import json
import uuid

import pytest
from websockets.sync.client import connect

from tests.integration.test_jiga_hire_and_sessions import execution_arn, hire_listing, published_listing, receive


def use_and_end(runtime, jiga_sockets, hire):
    """Talk to the hired agent once, end the session, and wait for its settlement."""
    with connect(f"{jiga_sockets}?sessionId={hire['sessionId']}&token={hire['accessToken']}") as socket:
        socket.send(json.dumps({"type": "text_input", "data": {"text": "how do I hold B site?"}}))
        receive(socket, "dof_update")
        socket.send(json.dumps({"type": "end_session", "data": {}}))
        receive(socket, "session_ended")
    assert runtime.wait_for_execution(execution_arn(runtime, hire["sessionId"]))["status"] == "SUCCEEDED"


def review(jiga, user, session_id, **body):
    return jiga.client.post(f"/api/v1/sessions/{session_id}/review", json=body, headers=user.headers)


def listed(jiga, tag, **params):
    return jiga.search(q=tag, **params)["results"]


def test_a_finished_hire_is_rated_once_and_search_ranks_by_it(runtime, jiga, jiga_sockets):
    # Given two published agents found by the same word, one of them hired, used and finished
    owner, agent, listing, tag = published_listing(jiga)
    other_owner = jiga.user_with_dofs(10_000)
    rival = jiga.publish(other_owner, jiga.create_agent(other_owner)["id"], tags=[tag])
    gamer = jiga.user_with_dofs(10_000)
    hire = hire_listing(jiga, listing, gamer, 1_000)
    assert review(jiga, gamer, hire["sessionId"], rating=5).status_code == 409  # still running
    use_and_end(runtime, jiga_sockets, hire)
    assert listed(jiga, tag, minRating=4) == []

    # When the hirer rates it five stars with a comment
    response = review(jiga, gamer, hire["sessionId"], rating=5, comment="Called every rotation before it happened")

    # Then the review is recorded, and search shows the rating, the success and the comment
    assert response.status_code == 201, response.text
    assert response.json()["rating"] == 5
    [found] = listed(jiga, tag, minRating=4)
    assert found["listingId"] == listing["listingId"]
    assert found["stats"] == {"rating": 5.0, "totalHires": 1, "successRate": 1.0}
    assert found["recentReviews"][0]["comment"] == "Called every rotation before it happened"
    assert [r["listingId"] for r in listed(jiga, tag, sortBy="rating")] == [listing["listingId"], rival["listingId"]]
    # and the listing's reviews page and the owner's event stream have it
    page = jiga.client.get(f"/api/v1/marketplace/{listing['listingId']}/reviews").json()
    assert page["stats"]["ratingCount"] == 1
    assert [r["sessionId"] for r in page["reviews"]] == [hire["sessionId"]]
    assert "event: review_received" in jiga.client.get("/api/v1/events/stream", headers=owner.headers).text

    # And a hire is rated once, by its hirer only
    again = review(jiga, gamer, hire["sessionId"], rating=1)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "ALREADY_REVIEWED"
    by_owner = review(jiga, owner, hire["sessionId"], rating=5)
    assert by_owner.status_code == 403
    assert by_owner.json()["error"]["code"] == "NOT_SESSION_HIRER"
    stranger = review(jiga, jiga.register(), hire["sessionId"], rating=5)
    assert stranger.status_code == 404
    assert stranger.json()["error"]["code"] == "SESSION_NOT_FOUND"
    assert agent["id"] == found["agentId"]


def test_a_one_star_review_marks_the_hire_unsuccessful(runtime, jiga, jiga_sockets):
    _owner, _agent, listing, tag = published_listing(jiga)
    gamer = jiga.user_with_dofs(10_000)
    hire = hire_listing(jiga, listing, gamer, 1_000)
    use_and_end(runtime, jiga_sockets, hire)
    assert listed(jiga, tag)[0]["stats"]["successRate"] == 1.0
    assert review(jiga, gamer, hire["sessionId"], rating=1, comment="  ").status_code == 201
    [found] = listed(jiga, tag)
    assert found["stats"] == {"rating": 1.0, "totalHires": 1, "successRate": 0.0}
    assert found["recentReviews"][0]["comment"] is None


def test_a_hire_never_used_and_other_sessions_cannot_be_reviewed(runtime, jiga):
    owner, agent, listing, _tag = published_listing(jiga)
    gamer = jiga.user_with_dofs(10_000)
    unused = hire_listing(jiga, listing, gamer, 1_000)
    jiga.client.post(
        "/api/v1/sessions",
        json={"agentId": agent["id"], "type": "hired", "hireSessionId": unused["sessionId"]},
        headers=gamer.headers,
    )
    from jiga_store import dependencies

    with runtime.function_environment("JigaSessionsFunction"):
        from jiga_store.logic.sessions import end_session

        end_session(dependencies.session_services(), unused["sessionId"], "client_ended")
    assert runtime.wait_for_execution(execution_arn(runtime, unused["sessionId"]))["status"] == "SUCCEEDED"
    response = review(jiga, gamer, unused["sessionId"], rating=4)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "REVIEW_NOT_ALLOWED"
    owned = jiga.client.post("/api/v1/sessions", json={"agentId": agent["id"], "type": "owned"}, headers=owner.headers)
    response = review(jiga, owner, owned.json()["sessionId"], rating=5)
    assert response.status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {"rating": 0},
        {"rating": 6},
        {"rating": 4.5},
        {"rating": "5"},
        {"rating": True},
        {"rating": 5, "comment": "x" * 1001},
        {},
    ],
)
def test_ratings_are_whole_stars_from_one_to_five(jiga, body):
    user = jiga.register()
    response = jiga.client.post(f"/api/v1/sessions/ses_{uuid.uuid4().hex[:20]}/review", json=body, headers=user.headers)
    assert response.status_code == 400, response.text


def test_reviews_of_an_unknown_listing_are_404(jiga):
    response = jiga.client.get("/api/v1/marketplace/lst_nope/reviews")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "LISTING_NOT_FOUND"
