"""Agent replies: an offline responder that answers from the agent's documents, and adapters for
OpenAI (``OPENAI_API_KEY``/``OPENAI_MODEL``, as the spec's environment names them, or a secret)
and Amazon Bedrock (a model id), used only when configured.

The offline responder is deterministic and extractive: it quotes the sentences of the retrieved
passages that share the most terms with the question, names its source, and speaks in the
agent's ``tone``. It honours the agent's settings as far as an extractive responder can:

* ``systemPrompt``: its terms steer retrieval (logic/retrieval.py ``weighted_query``);
* ``fallbackPrompt``: the whole reply when no passage shares a term with the question;
* ``maxTokens``: the reply is cut at a sentence (or word) boundary to fit (tokens counted as
  words and punctuation marks, which over-counts against OpenAI's tokenizer: a safe bound);
* ``temperature``: below 0.5 the closing question is always the same phrasing; from 0.5 it varies
  among phrasings, chosen by a seed of the conversation and the message (still reproducible);
* the closing question asks for the first BANT criterion the conversation has not yet given.

The provider adapters send the system prompt, tone, the retrieved passages as numbered context,
the recent turns and the message, with ``max_tokens`` and ``temperature``; a provider failure
falls back to the offline reply, so a message always gets an answer.
"""

import hashlib
import json
import re
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Protocol

from realestate_agent.logic.passages import sentences
from realestate_agent.logic.retrieval import Hit, terms
from shared.observability import logger

_TOKEN = re.compile(r"\w+|[^\w\s]")
OPENERS = {
    "professional": "According to our {source}, {quote}",
    "friendly": "Great question! Here is what our {source} says: {quote}",
    "casual": "Sure thing! From our {source}: {quote}",
    "enthusiastic": "Absolutely! Our {source} has you covered: {quote}",
    "formal": "Thank you for your enquiry. Our {source} states: {quote}",
    "empathetic": "I understand how important this is. Our {source} explains: {quote}",
}
QUESTIONS = {
    "budget": ("What budget range do you have in mind?", "Roughly what price range are you considering?"),
    "need": ("What are you looking for in your next home?", "Which features matter most to you?"),
    "timeline": ("When are you hoping to move?", "What timeframe are you working with?"),
    "authority": ("Will anyone else be part of the decision?", "Who else will be involved in choosing the home?"),
    "viewing": ("Would you like to arrange a viewing?", "Shall I set up a time for you to see a property?"),
}


@dataclass(frozen=True)
class Reply:
    text: str
    sources: list[dict[str, Any]]
    provider: str
    grounded: bool
    tokens: int
    extra: dict[str, Any] = field(default_factory=dict)


class Responder(Protocol):
    def respond(
        self,
        settings: dict[str, Any],
        question: str,
        hits: list[Hit],
        history: list[dict[str, str]],
        missing: list[str],
        seed: str,
    ) -> Reply: ...


def count_tokens(text: str) -> int:
    return len(_TOKEN.findall(text))


def fit(text: str, max_tokens: int) -> str:
    """``text`` cut to at most ``max_tokens``: whole sentences if possible, else whole words."""
    if count_tokens(text) <= max_tokens:
        return text
    kept = ""
    for sentence in sentences(text):
        candidate = f"{kept} {sentence}".strip()
        if count_tokens(candidate) > max_tokens:
            break
        kept = candidate
    if kept:
        return kept
    words = []
    for word in text.split():
        if count_tokens(" ".join([*words, word])) > max_tokens - 1:
            break
        words.append(word)
    return " ".join(words) + "..."


def source_name(name: str) -> str:
    stem = re.sub(r"\.(pdf|docx|html?|md|markdown|txt)$", "", name, flags=re.IGNORECASE)
    return re.sub(r"[-_]+", " ", stem).strip() or name


def sources_of(hits: list[Hit]) -> list[dict[str, Any]]:
    return [
        {
            "documentId": hit.passage["documentId"],
            "documentName": hit.passage["documentName"],
            "passageId": hit.passage["id"],
            "page": hit.passage.get("page"),
            "score": hit.score,
        }
        for hit in hits
    ]


class OfflineResponder:
    name = "offline"

    def respond(
        self,
        settings: dict[str, Any],
        question: str,
        hits: list[Hit],
        history: list[dict[str, str]],
        missing: list[str],
        seed: str,
    ) -> Reply:
        max_tokens = int(settings.get("maxTokens", 1000))
        if not hits:
            text = fit(settings["fallbackPrompt"], max_tokens)
            return Reply(text, [], self.name, False, count_tokens(text))
        wanted = set(terms(question))
        ranked: list[tuple[int, int, int, str]] = []
        for rank, hit in enumerate(hits[:2]):
            for position, sentence in enumerate(sentences(hit.passage["text"])):
                overlap = len(wanted & set(terms(sentence)))
                if overlap:
                    ranked.append((-overlap, rank, position, sentence))
        chosen = sorted(ranked)[:3]
        chosen.sort(key=lambda item: (item[1], item[2]))  # read in document order
        quote = " ".join(sentence for *_, sentence in chosen) or sentences(hits[0].passage["text"])[0]
        tone = str(settings.get("tone", "Professional")).strip().lower()
        opener = OPENERS.get(tone, OPENERS["professional"])
        body = opener.format(source=source_name(hits[0].passage["documentName"]), quote=quote)
        topic = missing[0] if missing else "viewing"
        phrasings = QUESTIONS[topic]
        variant = 0
        if float(settings.get("temperature", 0.7)) >= 0.5:
            variant = int(hashlib.sha256(seed.encode()).hexdigest(), 16) % len(phrasings)
        text = fit(f"{body} {phrasings[variant]}", max_tokens)
        used = [hit for hit in hits if any(hit.passage["text"].find(s) >= 0 for *_, s in chosen)] or hits[:1]
        return Reply(text, sources_of(used), self.name, True, count_tokens(text))


def _instructions(settings: dict[str, Any], hits: list[Hit]) -> str:
    def cited(number: int, hit: Hit) -> str:
        page = f", page {hit.passage['page']}" if hit.passage.get("page") else ""
        return f"[{number}] ({hit.passage['documentName']}{page}) {hit.passage['text']}"

    context = "\n\n".join(cited(number, hit) for number, hit in enumerate(hits, start=1))
    return (
        f"{settings.get('systemPrompt') or 'You are a helpful real estate agent.'}\n"
        f"Speak in a {settings.get('tone', 'Professional')} tone. Answer only from the context below; if it does "
        f"not contain the answer, reply exactly: {settings['fallbackPrompt']}\n\nContext:\n{context or '(none)'}"
    )


class _ProviderResponder:
    name = "provider"

    def __init__(self) -> None:
        self.fallback = OfflineResponder()

    def respond(
        self,
        settings: dict[str, Any],
        question: str,
        hits: list[Hit],
        history: list[dict[str, str]],
        missing: list[str],
        seed: str,
    ) -> Reply:
        offline = self.fallback.respond(settings, question, hits, history, missing, seed)
        try:
            text = self._complete(settings, _instructions(settings, hits), history, question)
        except Exception as error:  # any provider failure: the visitor still gets the offline answer
            logger("realestate").warning("Reply provider failed; offline reply used", extra={"error": repr(error)})
            return Reply(
                offline.text,
                offline.sources,
                offline.provider,
                offline.grounded,
                offline.tokens,
                {"providerError": self.name},
            )
        return Reply(text, sources_of(hits), self.name, bool(hits), count_tokens(text))

    def _complete(self, settings: dict[str, Any], system: str, history: list[dict[str, str]], question: str) -> str:
        raise NotImplementedError


class OpenAIResponder(_ProviderResponder):
    name = "openai"
    timeout_seconds = 20

    def __init__(self, api_key: str, model: str):
        super().__init__()
        self.api_key = api_key
        self.model = model

    def _complete(self, settings: dict[str, Any], system: str, history: list[dict[str, str]], question: str) -> str:
        messages = [{"role": "system", "content": system}]
        messages += [
            {"role": "assistant" if m["sender"] == "agent" else "user", "content": m["content"]} for m in history
        ]
        messages.append({"role": "user", "content": question})
        payload = {
            "model": self.model,
            "messages": messages,
            "max_tokens": int(settings.get("maxTokens", 1000)),
            "temperature": float(settings.get("temperature", 0.7)),
        }
        request = urllib.request.Request(
            "https://api.openai.com/v1/chat/completions",
            data=json.dumps(payload).encode(),
            headers={"content-type": "application/json", "authorization": f"Bearer {self.api_key}"},
        )
        with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:  # noqa: S310
            return json.loads(response.read())["choices"][0]["message"]["content"].strip()


class BedrockResponder(_ProviderResponder):
    name = "bedrock"

    def __init__(self, model_id: str):
        super().__init__()
        self.model_id = model_id

    def _complete(self, settings: dict[str, Any], system: str, history: list[dict[str, str]], question: str) -> str:
        from shared import aws

        turns = [
            {"role": "assistant" if m["sender"] == "agent" else "user", "content": [{"text": m["content"]}]}
            for m in history
        ]
        while turns and turns[0]["role"] != "user":  # Converse starts with the user
            turns.pop(0)
        response = aws.client("bedrock-runtime").converse(
            modelId=self.model_id,
            system=[{"text": system}],
            messages=[*turns, {"role": "user", "content": [{"text": question}]}],
            inferenceConfig={
                "maxTokens": int(settings.get("maxTokens", 1000)),
                "temperature": min(float(settings.get("temperature", 0.7)), 1.0),
            },
        )
        return "".join(part.get("text", "") for part in response["output"]["message"]["content"]).strip()
