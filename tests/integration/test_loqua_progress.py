"""POST /api/v1/agent/progress: validated, queued, applied in batches by the queue's consumer
(partial batch responses); a retried or reordered update never counts twice."""

import threading
import uuid
from decimal import Decimal

import pytest

from loqua_agent.dal.learners import LearnerRepository
from loqua_agent.logic.progress import ProgressUpdate, apply_session_updates
from tests.support.loqua import progress_body, sqs_record


@pytest.fixture
def tutoring(loqua):
    agent, learner = loqua.agent(), loqua.onboarded()
    return agent, learner, loqua.user_token(agent, learner)


def totals(loqua, tutoring) -> dict:
    agent, learner, user_jwt = tutoring
    response = loqua.context(user_jwt, agent, learner)
    assert response.status_code == 200, response.text
    return response.json()["progress"]


def test_progress_is_accepted_at_once_and_applied_by_the_queue(loqua, tutoring):
    agent, learner, user_jwt = tutoring
    body = {
        "userId": learner.user_id,
        "sessionId": "sess_20250115_103045_abc123",
        "progress": {
            "words_learned": 5,
            "phrases_practiced": 12,
            "pronunciation_score": 85,
            "grammar_points": ["present_tense", "articles"],
        },
    }
    response = loqua.progress(user_jwt, agent, body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer.pop("timestamp")
    assert answer == {
        "success": True,
        "message": "Progress updated successfully",
        "userId": learner.user_id,
        "sessionId": "sess_20250115_103045_abc123",
        "agentId": agent.agent_id,
        "batched": True,
    }
    loqua.drain_progress()
    progress = totals(loqua, tutoring)
    assert progress["words_learned"] == 5
    assert progress["phrases_practiced"] == 12
    assert progress["pronunciation_score_avg"] == 85
    assert progress["grammar_points_covered"] == ["articles", "present_tense"]
    log = loqua.client.get("/api/v1/learner/audit-log", headers=learner.headers).json()["entries"]
    recorded = [entry for entry in log if entry["action"] == "progress.recorded"]
    assert recorded[0]["via_agent"] == agent.agent_id and recorded[0]["details"]["words_learned"] == 5


def test_a_session_s_updates_are_running_snapshots(loqua, tutoring):
    agent, learner, user_jwt = tutoring
    session = f"sess_{uuid.uuid4().hex[:8]}"
    for words, score in ((2, 70), (5, 80), (4, 90)):  # the last arrives late with fewer words
        assert (
            loqua.progress(
                user_jwt, agent, progress_body(learner, session, words_learned=words, pronunciation_score=score)
            ).status_code
            == 200
        )
    other = f"sess_{uuid.uuid4().hex[:8]}"
    assert (
        loqua.progress(
            user_jwt, agent, progress_body(learner, other, words_learned=3, pronunciation_score=61)
        ).status_code
        == 200
    )
    loqua.drain_progress()
    progress = totals(loqua, tutoring)
    assert progress["words_learned"] == 5 + 3
    assert progress["pronunciation_score_avg"] == round((90 + 61) / 2)


def stamped(learner, agent, session, second, **progress) -> ProgressUpdate:
    """An update as the API stamps and queues it."""
    return ProgressUpdate(
        learner.user_id, session, agent.agent_id, f"2026-01-01T00:00:{second:02d}.000Z", uuid.uuid4().hex, **progress
    )


def test_a_redelivered_or_reordered_update_never_counts_twice(loqua, tutoring):
    agent, learner, _ = tutoring
    session = f"sess_{uuid.uuid4().hex[:8]}"
    updates = [stamped(learner, agent, session, n, words_learned=n, phrases_practiced=n) for n in (1, 3, 6)]
    # SQS delivers at least once and in no particular order: here twice, newest first the second time
    for update in [*updates, *reversed(updates), updates[0]]:
        loqua.enqueue(update.message())
    loqua.drain_progress()
    progress = totals(loqua, tutoring)
    assert progress["words_learned"] == 6 and progress["phrases_practiced"] == 6


def test_a_message_that_is_not_an_update_fails_alone(loqua, tutoring):
    agent, learner, _ = tutoring
    good = stamped(learner, agent, "sess_partial", 1, words_learned=4)
    records = [
        sqs_record("good", good.message()),
        sqs_record("poison", "not json"),
        sqs_record("half", {"userId": "x"}),
    ]
    answer = loqua.consume(records)
    assert sorted(item["itemIdentifier"] for item in answer["batchItemFailures"]) == ["half", "poison"]
    assert totals(loqua, tutoring)["words_learned"] == 4


def test_what_cannot_be_applied_ends_in_the_dead_letter_queue(loqua, runtime):
    loqua.dead_letters()
    loqua.enqueue('{"not": "a progress update"}')
    loqua.drain_progress()
    # Received five times (maxReceiveCount), once per visibility timeout (180 s) plus the batching
    # window; the receive after the fifth moves it to the dead-letter queue (as SQS does).
    for _ in range(6):
        runtime.clock.advance(200)
        runtime.drain(timeout=30)
    assert loqua.dead_letters() == ['{"not": "a progress update"}']


def test_concurrent_consumers_keep_totals_exact(runtime, loqua, tutoring):
    # Given many updates of a few sessions, applied by concurrent consumers in any order
    agent, learner, _ = tutoring
    table = runtime.physical_id("LoquaTable")
    sessions = [f"sess_race_{index}" for index in range(3)]
    updates = [
        ProgressUpdate(
            learner.user_id,
            session,
            agent.agent_id,
            f"2026-01-01T00:00:{words:02d}.000Z",
            uuid.uuid4().hex,
            words_learned=words,
            phrases_practiced=words * 2,
            pronunciation_score=Decimal(words),
        )
        for session in sessions
        for words in range(1, 13)
    ]
    errors = []

    def consumer(batch):
        try:
            for update in batch:
                apply_session_updates(LearnerRepository(table), [update], "2026-01-01T00:01:00.000Z")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=consumer, args=(updates[index::4],)) for index in range(4)]
    with runtime.function_environment("LoquaProgressConsumerFunction"):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not errors
    # Then each session counts its largest snapshot once, and its latest score
    progress = totals(loqua, tutoring)
    assert progress["words_learned"] == 12 * 3
    assert progress["phrases_practiced"] == 24 * 3
    assert progress["pronunciation_score_avg"] == 12


@pytest.mark.parametrize(
    "progress",
    [
        {},
        {"words_learned": -1},
        {"words_learned": "5"},
        {"words_learned": 2.5},
        {"words_learned": True},
        {"pronunciation_score": 101},
        {"grammar_points": "articles"},
        {"grammar_points": [""]},
        {"words_learned": 1, "mood": "happy"},
    ],
)
def test_invalid_progress_is_refused(loqua, tutoring, progress):
    agent, learner, user_jwt = tutoring
    response = loqua.progress(user_jwt, agent, {"userId": learner.user_id, "sessionId": "s1", "progress": progress})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "INVALID_PROGRESS_DATA"
    assert response.json()["error"]["message"].startswith("Progress data validation failed")


def test_a_body_that_is_not_json_is_invalid_progress(loqua, tutoring):
    agent, _, user_jwt = tutoring
    response = loqua.client.post(
        "/api/v1/agent/progress",
        content=b'{"userId": NaN}',
        headers={**loqua.user_headers(user_jwt, agent), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_PROGRESS_DATA"


def test_progress_for_another_learner_is_refused(loqua, tutoring):
    agent, _, user_jwt = tutoring
    other = loqua.onboarded()
    response = loqua.progress(user_jwt, agent, progress_body(other, "s1", words_learned=3))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "USER_ID_MISMATCH"


def test_an_agent_token_is_not_a_user_token(loqua, tutoring):
    agent, learner, _ = tutoring
    response = loqua.client.post("/api/v1/agent/progress", json=progress_body(learner, "s1"), headers=agent.headers)
    assert response.status_code == 401
    assert response.json()["error"] == {"code": "INVALID_USER_TOKEN", "message": "Invalid token"}


def test_scores_are_kept_to_two_decimals(loqua, tutoring):
    agent, learner, user_jwt = tutoring
    assert (
        loqua.progress(user_jwt, agent, progress_body(learner, "s_score", pronunciation_score=72.456)).status_code
        == 200
    )
    loqua.drain_progress()
    assert totals(loqua, tutoring)["pronunciation_score_avg"] == 72
    log = loqua.client.get("/api/v1/learner/audit-log", headers=learner.headers).json()["entries"]
    recorded = [entry for entry in log if entry["action"] == "progress.recorded"]
    assert recorded[0]["details"]["pronunciation_score"] == 72.46


def test_the_queue_s_concurrent_batches_keep_totals_exact(loqua, tutoring):
    # Given many updates of three sessions, duplicated and shuffled on the queue, which the event
    # source delivers in concurrent batches (ScalingConfig.MaximumConcurrency)
    import random

    agent, learner, _ = tutoring
    updates = [
        stamped(learner, agent, f"sess_q{index}", words, words_learned=words, phrases_practiced=2 * words)
        for index in range(3)
        for words in range(1, 21)
    ]
    deliveries = updates * 2
    random.Random(7).shuffle(deliveries)
    for update in deliveries:
        loqua.enqueue(update.message())
    loqua.drain_progress()
    # Then each session counts its largest snapshot once
    progress = totals(loqua, tutoring)
    assert progress["words_learned"] == 3 * 20
    assert progress["phrases_practiced"] == 3 * 40
