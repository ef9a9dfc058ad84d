"""Loqua's rules without AWS: progress snapshots, encryption formats, room membership, the context
cache, streaks and the error envelope."""

import base64
from datetime import date
from decimal import Decimal

import pytest
from cryptography.exceptions import InvalidTag
from hypothesis import given
from hypothesis import strategies as st

from loqua_agent.errors import PROGRESS, SESSIONS, TOKEN, render_loqua
from loqua_agent.logic import encryption
from loqua_agent.logic.context import ContextCache, _Entry
from loqua_agent.logic.membership import change_from_event, presence
from loqua_agent.logic.progress import ProgressUpdate, Snapshot, merge, totals_change
from loqua_agent.logic.sessions import current_streak, next_streak, unique_vocabulary
from tests.support.loqua_spec_agent import decrypt_user_token

updates = st.lists(
    st.builds(
        ProgressUpdate,
        learner_id=st.just("u"),
        session_id=st.just("s"),
        agent_id=st.just("a"),
        received_at=st.sampled_from([f"2025-01-01T00:00:0{n}.000Z" for n in range(10)]),
        request_id=st.text("abc", min_size=1, max_size=3),
        words_learned=st.none() | st.integers(0, 100),
        phrases_practiced=st.none() | st.integers(0, 100),
        pronunciation_score=st.none() | st.integers(0, 100).map(Decimal),
    ),
    max_size=8,
)


@given(updates, st.randoms())
def test_a_session_s_snapshot_does_not_depend_on_order_or_repeats(batch, random):
    shuffled = batch * 2
    random.shuffle(shuffled)
    assert merge(Snapshot(), shuffled) == merge(Snapshot(), batch)


@given(updates, st.integers(0, 8))
def test_totals_move_by_exactly_the_snapshot_s_change_however_it_is_batched(batch, cut):
    first = merge(Snapshot(), batch[:cut])
    final = merge(first, batch[cut:])
    step1, step2 = totals_change(Snapshot(), first), totals_change(first, final)
    assert step1.words_learned + step2.words_learned == final.words_learned
    assert step1.score_sum + step2.score_sum == (final.pronunciation_score or 0)
    assert step1.scored_sessions + step2.scored_sessions == (final.pronunciation_score is not None)


def test_the_latest_received_score_wins():
    late_old = ProgressUpdate("u", "s", "a", "2025-01-01T00:00:01.000Z", "r1", pronunciation_score=Decimal(50))
    new = ProgressUpdate("u", "s", "a", "2025-01-01T00:00:02.000Z", "r2", pronunciation_score=Decimal(90))
    assert merge(Snapshot(), [new, late_old]).pronunciation_score == 90


@pytest.mark.parametrize(
    "secret", ["short", "exactly-thirty-two-characters-!!", "a much longer secret " * 4, "ñandú-秘密"]
)
def test_the_spec_s_decryption_reads_what_the_api_encrypts(secret):
    token = encryption.encrypt_cbc("header.payload.signature", secret)
    assert decrypt_user_token(token, secret) == "header.payload.signature"
    assert len(base64.b64decode(token)) == 16 + 32  # IV + two AES blocks (24 bytes padded)


def test_the_key_is_the_secret_cut_or_zero_padded_to_32_bytes():
    assert encryption.stage_key("abc") == b"abc" + b"\0" * 29
    assert encryption.stage_key("x" * 40) == b"x" * 32


def test_gcm_binds_the_token_to_its_agent_and_learner():
    sealed = encryption.encrypt_gcm("jwt", "secret", encryption.gcm_associated_data("agent", "user"))
    assert encryption.decrypt_gcm(sealed, "secret", b"agent:user") == "jwt"
    with pytest.raises(InvalidTag):
        encryption.decrypt_gcm(sealed, "secret", b"agent:other")


def event(name, identity=None, participant_sid="PA_1", room_sid="RM_1", kind=None, attributes=None):
    body = {"event": name, "room": {"name": "room", "sid": room_sid}, "created_at": "100"}
    if identity:
        body["participant"] = {"identity": identity, "sid": participant_sid, "kind": kind, "attributes": attributes}
    return body


def record(change):
    return {
        "roomSid": change.room_sid,
        "state": change.state,
        **(
            {
                "participantSid": change.participant_sid,
                "identity": change.identity,
                "kind": change.kind,
                "agentId": change.agent_id,
            }
            if change.is_participant
            else {}
        ),
        "expiresAt": change.at + 86400,
    }


def test_presence_needs_the_learner_and_the_agent_connected():
    joined = [
        change_from_event(event("participant_joined", "learner"), 100),
        change_from_event(
            event("participant_joined", "agent-job-1", "PA_2", kind="AGENT", attributes={"loqua.agent_id": "tutor"}),
            100,
        ),
    ]
    records = [record(change) for change in joined]
    assert presence(records, "learner", "tutor", 100).learner_present
    assert presence(records, "learner", "tutor", 100).agent_present
    assert not presence(records, "agent-job-1", "tutor", 100).learner_present  # an agent is no learner
    finished = record(change_from_event(event("room_finished"), 100))
    assert not presence([*records, finished], "learner", "tutor", 100).learner_present
    assert not presence(records, "learner", "tutor", 100 + 86401).learner_present  # forgotten after a day


def test_events_that_do_not_change_membership_are_ignored():
    assert change_from_event(event("track_published", "x"), 1) is None
    assert change_from_event({"event": "participant_joined", "room": {}}, 1) is None


def test_the_cache_serves_only_its_version_within_its_age():
    cache = ContextCache(max_age=300)
    cache.put("u", _Entry(3, 1000.0, {}, []))
    assert cache.get("u", 3, 1200.0) is not None
    assert cache.get("u", 4, 1200.0) is None
    assert cache.get("u", 3, 1301.0) is None
    assert ContextCache(max_age=3600).max_age == 300


def test_streaks():
    assert next_streak(None, None, date(2025, 1, 1)) == (1, "2025-01-01")
    assert next_streak(2, "2025-01-01", date(2025, 1, 2)) == (3, "2025-01-02")
    assert next_streak(2, "2025-01-01", date(2025, 1, 1)) == (2, "2025-01-01")
    assert next_streak(2, "2025-01-01", date(2025, 1, 4)) == (1, "2025-01-04")
    assert current_streak(3, "2025-01-01", date(2025, 1, 3)) == 0


def test_the_same_word_twice_counts_once():
    words = [
        {"word": "Hola", "translation": "hello", "language": "es"},
        {"word": "hola ", "translation": "hi", "language": "es"},
    ]
    assert [word["translation"] for word in unique_vocabulary(words)] == ["hi"]


def test_the_envelope_is_exactly_the_spec_s():
    body = render_loqua("INVALID_SESSION_DATA", "Session validation failed: x", {"ignored": True}, "req")
    assert set(body) == {"error", "timestamp"} and set(body["error"]) == {"code", "message"}


def test_each_group_names_its_own_validation_failure():
    assert SESSIONS.validation_error([("duration_minutes", "must be positive", False)]).message == (
        "Session validation failed: duration_minutes must be positive"
    )
    assert PROGRESS.validation_error([("progress", "Field required", True)]).code == "INVALID_PROGRESS_DATA"
    missing = TOKEN.validation_error([("room_name", "Field required", True)])
    assert (missing.code, missing.message) == (
        "MISSING_REQUIRED_FIELDS",
        "room_name, user_id, and agent_id are required",
    )
