"""Agent replies: a provider adapter per the agent's ``provider``, and an offline default.

With no API key configured (always, locally and in tests), the deterministic offline responder
answers, shaped by the agent's configuration: its type and focus set the tone, its language the
greeting, voice settings whether audio comes back, and keywords in the input raise game events.
With a key (``OPENAI_API_KEY`` / ``GEMINI_API_KEY``, injected from Secrets Manager by the
operator), the real provider is called over HTTPS and the offline responder is the fallback.
"""

import base64
import hashlib
import json
import os
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Protocol

from shared.observability import logger

GREETINGS = {"en": "Got it", "es": "Entendido", "fr": "Compris", "de": "Verstanden", "pt": "Entendi", "ja": "了解"}
EVENT_WORDS = {"kill": "kill", "eliminated": "kill", "objective": "objective", "flag": "objective", "died": "death"}
TIPS = {
    "Mentor": "Slow down and check your angles before you push; {focus}.",
    "Assistant": "Here is what I see: {focus}. Try flanking from the left.",
    "Specialist": "For {games}, focus on {focus}: hold the off-angle and trade your teammate.",
}


@dataclass(frozen=True)
class Reply:
    text: str
    emotion: str
    audio: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)


class AgentResponder(Protocol):
    def respond(self, configuration: dict[str, Any], agent_type: str, user_text: str) -> Reply: ...


class OfflineResponder:
    """Deterministic: the same agent and input always give the same reply."""

    def respond(self, configuration: dict[str, Any], agent_type: str, user_text: str) -> Reply:
        specialization = configuration.get("specialization") or {}
        focus = specialization.get("focus") or "keep your crosshair at head height"
        games = ", ".join(specialization.get("games") or ["this game"])
        language = str(configuration.get("language", "en"))[:2]
        lowered = user_text.lower()
        if any(word in lowered for word in ("lost", "died", "dying", "losing", "tough")):
            emotion = "encouraging"
        elif any(word in lowered for word in ("won", "win", "clutch", "ace")):
            emotion = "celebratory"
        else:
            emotion = "focused"
        tip = TIPS.get(agent_type, TIPS["Assistant"]).format(focus=focus, games=games)
        text = f"{GREETINGS.get(language, GREETINGS['en'])}. {tip}"
        audio = None
        if configuration.get("voice_enabled"):
            voice = configuration.get("selected_voice_name") or configuration.get("voiceId", "default")
            digest = hashlib.sha256(f"{voice}|{text}".encode()).hexdigest()
            audio = base64.b64encode(f"offline-tts:{voice}:{digest}".encode()).decode()
        events = [{"type": kind, "source": word} for word, kind in EVENT_WORDS.items() if word in lowered.split()]
        return Reply(text=text, emotion=emotion, audio=audio, events=events)


class _HttpResponder:
    """Shared HTTPS call with the offline responder as fallback (a reply is never lost)."""

    timeout_seconds = 8

    def __init__(self, api_key: str):
        self.api_key = api_key
        self.fallback = OfflineResponder()

    def respond(self, configuration: dict[str, Any], agent_type: str, user_text: str) -> Reply:
        offline = self.fallback.respond(configuration, agent_type, user_text)
        try:
            text = self._complete(self._system_prompt(configuration, agent_type), user_text)
        except (OSError, ValueError, KeyError) as error:
            logger("jiga").warning("Provider call failed; using offline reply", extra={"error": str(error)})
            return offline
        return Reply(text=text, emotion=offline.emotion, audio=offline.audio, events=offline.events)

    @staticmethod
    def _system_prompt(configuration: dict[str, Any], agent_type: str) -> str:
        specialization = configuration.get("specialization") or {}
        return (
            f"You are a {agent_type} gaming agent. Answer in language {configuration.get('language', 'en')}, "
            f"in one or two short sentences. Focus: {specialization.get('focus', 'general gameplay')}."
        )

    def _post(self, url: str, payload: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - fixed https provider URLs
            url, data=json.dumps(payload).encode(), headers={"content-type": "application/json", **headers}
        )
        with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:  # noqa: S310
            return json.loads(response.read())

    def _complete(self, system: str, user_text: str) -> str:
        raise NotImplementedError


class OpenAIResponder(_HttpResponder):
    model = "gpt-4o-mini"

    def _complete(self, system: str, user_text: str) -> str:
        body = self._post(
            "https://api.openai.com/v1/chat/completions",
            {
                "model": self.model,
                "messages": [{"role": "system", "content": system}, {"role": "user", "content": user_text}],
            },
            {"authorization": f"Bearer {self.api_key}"},
        )
        return body["choices"][0]["message"]["content"]


class GeminiResponder(_HttpResponder):
    model = "gemini-2.0-flash"

    def _complete(self, system: str, user_text: str) -> str:
        body = self._post(
            f"https://generativelanguage.googleapis.com/v1beta/models/{self.model}:generateContent",
            {"systemInstruction": {"parts": [{"text": system}]}, "contents": [{"parts": [{"text": user_text}]}]},
            {"x-goog-api-key": self.api_key},
        )
        return body["candidates"][0]["content"]["parts"][0]["text"]


def responder_for(provider: str) -> AgentResponder:
    """gemini and google both reach Google's Gemini API; openai reaches OpenAI."""
    if provider == "openai" and os.environ.get("OPENAI_API_KEY"):
        return OpenAIResponder(os.environ["OPENAI_API_KEY"])
    if provider in ("gemini", "google") and os.environ.get("GEMINI_API_KEY"):
        return GeminiResponder(os.environ["GEMINI_API_KEY"])
    return OfflineResponder()
