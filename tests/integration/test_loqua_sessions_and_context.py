"""POST /api/v1/agent/sessions and POST /api/v1/agent/user/{user_id}/context: sessions change the
learner's record all at once, and the context (cached) never hides them."""

import re
import threading
import uuid

import pytest

from tests.support.loqua import PREFERENCES, progress_body, session_body


@pytest.fixture
def tutoring(loqua):
    agent, learner = loqua.agent(), loqua.onboarded()
    return agent, learner, loqua.user_token(agent, learner)


def new_id() -> str:
    return f"sess_{uuid.uuid4().hex[:12]}"


def test_a_session_is_recorded_and_shows_in_the_context(loqua, tutoring):
    agent, learner, user_jwt = tutoring
    response = loqua.session(user_jwt, agent, session_body(learner, "sess_20250115_103045_abc123" + new_id()))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["success"] is True and answer["created_by"] == "agent" and answer["agent_id"] == agent.agent_id
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", answer["created_at"])

    context = loqua.context(user_jwt, agent, learner, sessionId="sess_next").json()
    assert context["user_id"] == learner.user_id
    assert context["preferences"] == PREFERENCES
    assert context["progress"] == {
        "total_sessions": 1,
        "total_conversation_time": 30,
        "words_learned": 2,
        "phrases_practiced": 0,
        "pronunciation_score_avg": 0,
        "grammar_points_covered": ["articles", "present_tense"],
        "achievements_unlocked": ["first_conversation", "vocabulary_milestone_10"],
        "last_session_date": answer["created_at"],
        "current_streak": 1,
    }
    assert context["session_history"] == [
        {
            "session_id": answer["session_id"],
            "date": answer["created_at"],
            "duration_minutes": 30,
            "topics_covered": ["greetings", "travel", "restaurant"],
        }
    ]
    assert context["accessed_by"]["agent_id"] == agent.agent_id
    assert context["cached"] is False
    assert set(context) == {
        "user_id",
        "preferences",
        "progress",
        "session_history",
        "created_at",
        "updated_at",
        "accessed_by",
        "cached",
    }


def test_a_repeated_session_id_is_a_conflict_and_changes_nothing(loqua, tutoring):
    agent, learner, user_jwt = tutoring
    session_id = new_id()
    assert loqua.session(user_jwt, agent, session_body(learner, session_id)).status_code == 200
    again = loqua.session(user_jwt, agent, session_body(learner, session_id, duration_minutes=45))
    assert again.status_code == 409
    assert again.json()["error"] == {"code": "SESSION_ALREADY_EXISTS", "message": "Session with this ID already exists"}
    assert loqua.context(user_jwt, agent, learner).json()["progress"]["total_conversation_time"] == 30


def test_two_requests_racing_with_one_id_record_one_session(runtime, loqua, tutoring):
    from loqua_agent.dal.learners import LearnerRepository
    from loqua_agent.logic.sessions import NewSession, create_session

    agent, learner, user_jwt = tutoring
    store = LearnerRepository(runtime.physical_id("LoquaTable"))
    body = session_body(learner, new_id())
    outcomes = []

    def record() -> None:
        session = NewSession(
            learner.user_id, body["sessionId"], agent.agent_id, uuid.uuid4().hex, 30, [], [], [], 0, "good", [], []
        )
        try:
            outcomes.append(create_session(store, session)["success"])
        except Exception as error:
            outcomes.append(getattr(error, "code", repr(error)))

    threads = [threading.Thread(target=record) for _ in range(4)]
    with runtime.function_environment("LoquaSessionsFunction"):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(outcomes, key=str) == ["SESSION_ALREADY_EXISTS"] * 3 + [True]
    assert loqua.context(user_jwt, agent, learner).json()["progress"]["total_sessions"] == 1


def test_progress_and_the_session_of_one_call_count_once(loqua, tutoring):
    agent, learner, user_jwt = tutoring
    session_id = new_id()
    assert (
        loqua.progress(
            user_jwt, agent, progress_body(learner, session_id, words_learned=5, pronunciation_score=80)
        ).status_code
        == 200
    )
    loqua.drain_progress()
    recorded = loqua.session(user_jwt, agent, session_body(learner, session_id))  # two words in new_vocabulary
    assert recorded.status_code == 200, recorded.text
    loqua.progress(user_jwt, agent, progress_body(learner, session_id, words_learned=3))  # a late, stale update
    loqua.drain_progress()
    progress = loqua.context(user_jwt, agent, learner).json()["progress"]
    assert progress["words_learned"] == 5
    assert progress["pronunciation_score_avg"] == 80


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"duration_minutes": 0}, "duration_minutes must be positive"),
        ({"duration_minutes": -5}, "duration_minutes must be positive"),
        ({"duration_minutes": "30"}, "duration_minutes"),
        ({"overall_performance": "great"}, "overall_performance"),
        ({"new_vocabulary": [{"word": "hola"}]}, "new_vocabulary.0.translation"),
        ({"topics_covered": ["x"] * 51}, "topics_covered"),
        ({"sessionId": ""}, "sessionId"),
        ({"extra": 1}, "extra"),
    ],
)
def test_invalid_sessions_say_why(loqua, tutoring, change, reason):
    agent, learner, user_jwt = tutoring
    response = loqua.session(user_jwt, agent, {**session_body(learner, new_id()), **change})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "INVALID_SESSION_DATA"
    assert error["message"].startswith(f"Session validation failed: {reason}")


def test_a_session_for_another_learner_is_refused(loqua, tutoring):
    agent, _, user_jwt = tutoring
    response = loqua.session(user_jwt, agent, session_body(loqua.onboarded(), new_id()))
    assert response.status_code == 403 and response.json()["error"]["code"] == "USER_ID_MISMATCH"


def test_the_cache_serves_until_something_changes(loqua, tutoring):
    agent, learner, user_jwt = tutoring
    assert loqua.context(user_jwt, agent, learner).json()["cached"] is False
    again = loqua.context(user_jwt, agent, learner).json()
    assert again["cached"] is True and again["progress"]["total_sessions"] == 0
    # When the learner's own session lands, the very next read shows it
    assert loqua.session(user_jwt, agent, session_body(learner, new_id())).status_code == 200
    fresh = loqua.context(user_jwt, agent, learner).json()
    assert fresh["cached"] is False and fresh["progress"]["total_sessions"] == 1
    # and so does applied progress, and new preferences
    assert loqua.context(user_jwt, agent, learner).json()["cached"] is True
    assert loqua.progress(user_jwt, agent, progress_body(learner, new_id(), phrases_practiced=7)).status_code == 200
    loqua.drain_progress()
    assert loqua.context(user_jwt, agent, learner).json()["progress"]["phrases_practiced"] == 7
    loqua.set_preferences(learner, learning_level="advanced")
    assert loqua.context(user_jwt, agent, learner).json()["preferences"]["learning_level"] == "advanced"


def test_a_learner_without_preferences_has_no_context(loqua):
    agent, learner = loqua.agent(), loqua.register()
    user_jwt = loqua.user_token(agent, learner)
    assert loqua.session(user_jwt, agent, session_body(learner, new_id())).status_code == 200
    response = loqua.context(user_jwt, agent, learner)
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "USER_CONTEXT_NOT_FOUND", "message": "User context not found"}


def test_the_three_names_of_the_learner_must_agree(loqua, tutoring):
    agent, learner, user_jwt = tutoring
    other = loqua.onboarded()
    headers = loqua.user_headers(user_jwt, agent)
    missing = loqua.client.post(
        f"/api/v1/agent/user/{learner.user_id}/context", json={"sessionId": "s"}, headers=headers
    )
    assert missing.status_code == 400
    assert missing.json()["error"] == {
        "code": "MISSING_USER_ID",
        "message": "userId is required for agent context validation",
    }
    for path_id, body_id in (
        (other.user_id, other.user_id),
        (learner.user_id, other.user_id),
        (other.user_id, learner.user_id),
    ):
        response = loqua.client.post(f"/api/v1/agent/user/{path_id}/context", json={"userId": body_id}, headers=headers)
        assert response.status_code == 403 and response.json()["error"]["code"] == "USER_ID_MISMATCH"


def test_streaks_follow_the_learner_s_calendar(loqua):
    from datetime import UTC, date, datetime

    from loqua_agent.logic.sessions import current_streak, next_streak

    assert next_streak(None, None, date(2025, 1, 1)) == (1, "2025-01-01")
    assert next_streak(3, "2025-01-01", date(2025, 1, 1)) == (3, "2025-01-01")
    assert next_streak(3, "2025-01-01", date(2025, 1, 2)) == (4, "2025-01-02")
    assert next_streak(3, "2025-01-01", date(2025, 1, 5)) == (1, "2025-01-05")
    assert current_streak(4, "2025-01-02", date(2025, 1, 3)) == 4
    assert current_streak(4, "2025-01-02", date(2025, 1, 4)) == 0
    assert datetime.now(UTC)


def test_context_and_sessions_are_in_the_learner_s_audit_log(loqua, tutoring):
    agent, learner, user_jwt = tutoring
    assert loqua.session(user_jwt, agent, session_body(learner, new_id())).status_code == 200
    loqua.context(user_jwt, agent, learner)
    page = loqua.client.get("/api/v1/learner/audit-log", params={"limit": 2}, headers=learner.headers).json()
    assert [entry["action"] for entry in page["entries"]] == ["context.read", "session.created"]
    assert page["next_cursor"]
    rest = loqua.client.get(
        "/api/v1/learner/audit-log", params={"cursor": page["next_cursor"]}, headers=learner.headers
    ).json()
    assert [entry["action"] for entry in rest["entries"]] == ["user_token.issued"]
    other = loqua.register()
    foreign = loqua.client.get(
        "/api/v1/learner/audit-log", params={"cursor": page["next_cursor"]}, headers=other.headers
    )
    assert foreign.status_code == 400
    assert foreign.json()["error"]["code"] == "INVALID_CURSOR"
