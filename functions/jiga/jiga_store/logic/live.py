"""The live session protocol (spec "Session WebSocket Protocol"): client messages in, server
messages out. Transport-free: the socket handler delivers what this returns."""

import base64
import binascii
from datetime import UTC, datetime
from typing import Any

from jiga_store.dal.sessions import ACTIVE
from jiga_store.logic import hire as rules
from jiga_store.logic.configuration import options_to_store, read_configuration
from jiga_store.logic.messages import dof_update, error_message, server_message, session_ended
from jiga_store.logic.sessions import SessionServices, end_session
from jiga_store.models.configuration import ConfigurationOptions
from jiga_store.providers.responder import responder_for
from shared.errors import DomainError, utc_now_iso

CLIENT_TYPES = ("voice_input", "text_input", "config_update", "end_session")
MAX_TEXT = 2000
MAX_AUDIO_BYTES = 512 * 1024
MAX_AUDIO_SECONDS = 60


def _user_text(kind: str, data: Any) -> str | dict[str, Any]:
    """The text the agent answers, or an error message."""
    if not isinstance(data, dict):
        return error_message("INVALID_INPUT", "data must be an object")
    if kind == "text_input":
        text = data.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
            return error_message("INVALID_INPUT", f"data.text must be 1-{MAX_TEXT} characters")
        return text.strip()
    audio, duration = data.get("audio"), data.get("duration")
    if not isinstance(audio, str) or not isinstance(duration, int | float) or not 0 < duration <= MAX_AUDIO_SECONDS:
        return error_message(
            "INVALID_INPUT", f"voice_input needs base64 audio and a duration of 0-{MAX_AUDIO_SECONDS} s"
        )
    try:
        raw = base64.b64decode(audio, validate=True)
    except (binascii.Error, ValueError):
        return error_message("INVALID_INPUT", "audio must be base64")
    if len(raw) > MAX_AUDIO_BYTES:
        return error_message("PAYLOAD_TOO_LARGE", "audio must be at most 512 KiB")
    # Speech-to-text is a provider concern; offline the agent answers the fact of a voice turn.
    return str(data.get("transcript") or f"voice message of {duration:.1f} seconds")


def handle_client_message(services: SessionServices, session_id: str, message: Any) -> list[dict[str, Any]]:
    session = services.sessions.get(session_id)
    if session is None or session["status"] != ACTIVE:
        return [error_message("SESSION_ENDED", "This session has ended")]
    if not isinstance(message, dict) or message.get("type") not in CLIENT_TYPES:
        return [error_message("UNKNOWN_MESSAGE_TYPE", f"type must be one of {', '.join(CLIENT_TYPES)}")]
    kind = message["type"]
    if kind == "end_session":
        ended = end_session(services, session_id, "client_ended")
        consumed = (ended or session).get("consumed", 0)
        return [session_ended(session, "client_ended", consumed)]
    if kind == "config_update":
        return _update_configuration(services, session, message.get("data"))
    text = _user_text(kind, message.get("data"))
    if isinstance(text, dict):
        return [text]
    return _answer(services, session, text)


def _update_configuration(services: SessionServices, session: dict[str, Any], data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, dict):
        return [error_message("INVALID_CONFIGURATION", "data must be an object")]
    try:
        options = read_configuration({**session.get("configuration", {}), **data}, ConfigurationOptions, "data")
    except DomainError as error:
        return [error_message("INVALID_CONFIGURATION", error.message)]
    services.sessions.update_configuration(session["sessionId"], options_to_store(options))
    return [dof_update(session, session.get("consumed", 0))]


def _answer(services: SessionServices, session: dict[str, Any], text: str) -> list[dict[str, Any]]:
    configuration = {**session["agentConfiguration"], **session.get("configuration", {})}
    reply = responder_for(configuration.get("provider", "gemini")).respond(configuration, session["agentType"], text)
    now = datetime.now(UTC)
    last = datetime.fromisoformat(session["lastActivityAt"].replace("Z", "+00:00"))
    charge = rules.activity_charge(session["rate"], (now - last).total_seconds())
    before = session.get("consumed", 0)
    consumed, exhausted = services.sessions.meter(session["sessionId"], charge, session["allocated"], utc_now_iso())
    response = {"text": reply.text, "emotion": reply.emotion, "dofConsumed": consumed - before}
    if reply.audio:
        response["audio"] = reply.audio
    messages = [server_message("agent_response", response)]
    messages += [server_message("event_detected", event) for event in reply.events]
    messages.append(dof_update(session, consumed))
    if exhausted:
        end_session(services, session["sessionId"], "dofs_exhausted")
        messages.append(session_ended(session, "dofs_exhausted", consumed))
    elif session.get("taskToken"):
        services.lifecycle.still_active(session["taskToken"])
    return messages
