"""The offline agent responder: deterministic, and shaped by the agent's configuration."""

from jiga_store.providers.responder import OfflineResponder, responder_for

SPECIALIST = {
    "language": "fr-FR",
    "voice_enabled": True,
    "selected_voice_name": "fr_female",
    "specialization": {"games": ["Valorant"], "focus": "utility usage", "specialistType": "Trained"},
}


def test_same_agent_and_input_give_the_same_reply():
    responder = OfflineResponder()
    first = responder.respond(SPECIALIST, "Specialist", "I died again on B site")
    assert first == responder.respond(SPECIALIST, "Specialist", "I died again on B site")


def test_reply_follows_language_type_focus_and_voice_settings():
    reply = OfflineResponder().respond(SPECIALIST, "Specialist", "we lost the round")
    assert reply.text.startswith("Compris.")
    assert "Valorant" in reply.text and "utility usage" in reply.text
    assert reply.emotion == "encouraging"
    assert reply.audio is not None
    silent = OfflineResponder().respond({"voice_enabled": False}, "Mentor", "hello")
    assert silent.audio is None
    assert silent.text.startswith("Got it.")


def test_game_events_are_detected_from_the_input():
    reply = OfflineResponder().respond({}, "Assistant", "got a kill near the objective")
    assert {event["type"] for event in reply.events} == {"kill", "objective"}


def test_without_api_keys_every_provider_answers_offline(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    for provider in ("gemini", "google", "openai"):
        assert isinstance(responder_for(provider), OfflineResponder)
