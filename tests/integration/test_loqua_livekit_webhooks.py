"""POST /api/v1/webhooks/livekit: verified as LiveKit signs webhooks; membership is kept from the
events, and a forged or replayed webhook changes nothing."""

import json

from ops.livekit_webhook import signature, webhook_event


def in_room(loqua, agent, learner, room) -> bool:
    response = loqua.request_user_token(agent, learner, room)
    assert response.status_code in (200, 403), response.text
    return response.status_code == 200


def test_a_signed_join_puts_the_learner_in_the_room(loqua):
    agent, learner = loqua.agent(), loqua.onboarded()
    event = webhook_event("participant_joined", "room_signed", learner.user_id)
    response = loqua.webhook(event)
    assert response.status_code == 200
    assert response.json() == {"received": True, "event": "participant_joined", "applied": True}
    loqua.join("room_signed", agent.agent_id, agent=True)
    assert in_room(loqua, agent, learner, "room_signed")


def test_a_webhook_signed_with_another_secret_is_refused(loqua):
    agent, learner = loqua.agent(), loqua.onboarded()
    loqua.join("room_forged", agent.agent_id, agent=True)
    event = webhook_event("participant_joined", "room_forged", learner.user_id)
    response = loqua.webhook(event, credentials="devkey:not-the-project-secret-at-all-0123456789")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "INVALID_WEBHOOK_SIGNATURE"
    assert not in_room(loqua, agent, learner, "room_forged")


def test_a_body_changed_after_signing_is_refused(loqua):
    agent, learner, intruder = loqua.agent(), loqua.onboarded(), loqua.onboarded()
    loqua.join("room_altered", agent.agent_id, agent=True)
    key, _, secret = loqua.livekit_credentials.partition(":")
    signed = json.dumps(webhook_event("participant_joined", "room_altered", learner.user_id))
    altered = signed.replace(learner.user_id, intruder.user_id)
    response = loqua.client.post(
        "/api/v1/webhooks/livekit", content=altered, headers={"Authorization": signature(signed, key, secret)}
    )
    assert response.status_code == 401
    assert not in_room(loqua, agent, intruder, "room_altered")


def test_no_signature_or_an_expired_one_is_refused(loqua):
    body = json.dumps(webhook_event("room_started", "room_x"))
    key, _, secret = loqua.livekit_credentials.partition(":")
    for headers in ({}, {"Authorization": signature(body, key, secret, ttl_seconds=-120)}):
        response = loqua.client.post("/api/v1/webhooks/livekit", content=body, headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "INVALID_WEBHOOK_SIGNATURE"


def test_a_replayed_join_after_the_leave_changes_nothing(loqua):
    agent, learner = loqua.agent(), loqua.onboarded()
    loqua.join("room_replay", agent.agent_id, agent=True)
    joined = webhook_event("participant_joined", "room_replay", learner.user_id)
    left = {**webhook_event("participant_left", "room_replay", learner.user_id), "participant": joined["participant"]}
    assert loqua.webhook(joined).json()["applied"] is True
    assert loqua.webhook(left).status_code == 200
    replay = loqua.webhook(joined)
    assert replay.status_code == 200 and replay.json()["applied"] is False
    assert not in_room(loqua, agent, learner, "room_replay")


def test_a_leave_delivered_before_its_join_still_wins(loqua):
    agent, learner = loqua.agent(), loqua.onboarded()
    loqua.join("room_reordered", agent.agent_id, agent=True)
    joined = webhook_event("participant_joined", "room_reordered", learner.user_id)
    left = {
        **webhook_event("participant_left", "room_reordered", learner.user_id),
        "participant": joined["participant"],
    }
    loqua.webhook(left)
    loqua.webhook(joined)
    assert not in_room(loqua, agent, learner, "room_reordered")
    loqua.join("room_reordered", learner.user_id)  # a new connection: a new participant sid
    assert in_room(loqua, agent, learner, "room_reordered")


def test_a_finished_room_has_no_participants(loqua):
    agent, learner = loqua.agent(), loqua.onboarded()
    room = loqua.call(agent, learner)
    assert in_room(loqua, agent, learner, room)
    assert loqua.webhook(webhook_event("room_finished", room)).status_code == 200
    assert not in_room(loqua, agent, learner, room)


def test_other_events_are_acknowledged(loqua):
    response = loqua.webhook(webhook_event("track_published", "room_tracks", "someone"))
    assert response.status_code == 200
    assert response.json()["applied"] is False


def test_a_signed_body_that_is_not_an_event_is_a_400(loqua):
    key, _, secret = loqua.livekit_credentials.partition(":")
    body = '{"event": 12, "room": "not an object"'
    response = loqua.client.post(
        "/api/v1/webhooks/livekit", content=body, headers={"Authorization": signature(body, key, secret)}
    )
    assert response.status_code == 400
