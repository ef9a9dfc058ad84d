"""Conversations: start, messages and agent replies, end, lists and the message stream.

Decisions the spec leaves open:

* **Start**: the agent must belong to the caller's organisation (404 otherwise) and be
  ``active`` or still ``creating`` (it answers from what is indexed so far); an ``inactive`` or
  ``error`` agent is 409. ``source`` is a short lower-case word (default ``web``); ``metadata`` is
  free JSON up to 16 KiB. Fires ``conversation.started``.
* **Messages**: a ``user`` message gets an agent reply, stored as the agent's own message and
  returned with it (``data: {message, reply}``); the reply's ``metadata`` names its ``sources``
  (document, passage, page, score), the provider, whether it was grounded, and its token count.
  An ``agent`` message (a human taking over, as the spec's example does) is stored as is and gets
  no reply; an ``inactive`` agent's conversation stores user messages and does not answer.
  A message to an ended conversation is 409.
* **Retried sends**: ``metadata.clientId`` identifies the sending client (the spec's own example
  sends every message with one clientId), so a send is a retry when the same clientId sends the
  same body (content, sender, type and metadata, timestamp included) within 24 hours: it answers
  the messages the first send stored, with ``Idempotent-Replayed: true``, and stores nothing.
* **BANT suggestions**: each user message updates the conversation's ``bantSuggestion`` (see
  logic/bant.py) in the same write as the message.
* **Lists** filter by ``agentId``, ``status`` (``active``, ``ended``) and ``source``; newest first
  (``sort=startedAt:asc`` for oldest first). Messages are oldest first; ``since`` (ISO 8601) keeps
  those created after it.
* **End** takes a ``reason`` (a short word like ``lead_generated``) and free ``metadata``; ending an
  ended conversation answers it unchanged (PUT is idempotent) and fires nothing again. Fires
  ``conversation.ended``.
* **Stream**: ``GET /conversations/{id}/stream`` answers the messages after ``Last-Event-ID`` (or
  from the start) as server-sent events ``event: message``, ``id: <message id>``, at most 100, then
  ``event: conversation.ended`` once the conversation has ended, and a ``retry:`` hint
  (API Gateway buffers responses, so each answer is finite and EventSource reconnects).
"""

import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from realestate_agent.access import Caller
from realestate_agent.dal.conversations import ClientReplay, ConversationChanged
from realestate_agent.errors import field_error
from realestate_agent.logic import bant, events, retrieval
from realestate_agent.logic.agents import not_found as agent_not_found
from realestate_agent.models.conversations import EndConversationRequest, SendMessageRequest, StartConversationRequest
from shared.errors import Conflict, InvalidInput, NotFound, utc_now_iso
from shared.storable import check_storable

MAX_METADATA_BYTES = 16 * 1024
HISTORY_FOR_PROVIDERS = 10


@dataclass
class ConversationServices:
    conversations: Any
    agents: Any
    deliveries: Any
    webhook_jobs: Any
    knowledge: Any  # KnowledgeCache
    responder: Any  # providers.responder.Responder


@dataclass(frozen=True)
class SendOutcome:
    message: dict[str, Any]
    reply: dict[str, Any] | None
    replayed: bool = False
    delivery: dict[str, Any] | None = None


def not_found(conversation_id: str) -> NotFound:
    return field_error(NotFound, f"Conversation {conversation_id} not found", "conversationId", conversation_id)


def conversation_view(conversation: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "id", "agentId", "userId", "organizationId", "source", "status", "metadata", "messageCount", "startedAt",
        "updatedAt", "endedAt", "endReason", "endMetadata", "leadId", "bantSuggestion",
    )  # fmt: skip
    view = {key: conversation.get(key) for key in keys}
    view["metadata"] = view["metadata"] or {}
    view["messageCount"] = view["messageCount"] or 0
    return view


def message_view(message: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "conversationId", "content", "sender", "messageType", "metadata", "createdAt")
    return {key: message.get(key) if key != "metadata" else message.get(key) or {} for key in keys}


def _iso(milliseconds: int) -> str:
    return datetime.fromtimestamp(milliseconds / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def message_id(milliseconds: int, sequence: int) -> str:
    return f"msg_{milliseconds:013d}{sequence}{secrets.token_hex(4)}"


def since_bound(since: str | None) -> str:
    """The smallest message id created after ``since`` (ISO 8601), for a key range."""
    if since is None:
        return ""
    try:
        moment = datetime.fromisoformat(since.replace("Z", "+00:00"))
    except ValueError as error:
        raise InvalidInput("since must be an ISO 8601 timestamp", {"field": "since", "value": since}) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"msg_{int(moment.timestamp() * 1000) + 1:013d}"


def visible_conversation(
    services: ConversationServices, caller: Caller, conversation_id: str, consistent=False
) -> dict:
    conversation = services.conversations.get(conversation_id, consistent)
    if conversation is None or conversation["organizationId"] != caller.organization_id:
        raise not_found(conversation_id)
    return conversation


def _queue(services: ConversationServices, delivery: dict[str, Any] | None) -> None:
    if delivery is not None:
        events.enqueue(services.webhook_jobs, [delivery])


def start(services: ConversationServices, caller: Caller, request: StartConversationRequest) -> dict[str, Any]:
    check_storable(request.metadata, "metadata", max_bytes=MAX_METADATA_BYTES)
    agent = services.agents.get(caller.organization_id, request.agentId)
    if agent is None or agent["status"] == "deleting":
        raise agent_not_found(request.agentId)
    if agent["status"] not in ("active", "creating"):
        raise field_error(
            Conflict, f"The agent is {agent['status']} and cannot start conversations", "agentId", request.agentId
        )
    now = utc_now_iso()
    conversation = {
        "id": f"conv_{int(time.time() * 1000):013d}{secrets.token_hex(6)}",
        "agentId": agent["id"],
        "userId": request.userId,
        "organizationId": caller.organization_id,
        "source": request.source,
        "status": "active",
        "metadata": request.metadata,
        "messageCount": 0,
        "startedAt": now,
        "updatedAt": now,
        "startedBy": caller.user_id,
    }
    delivery = events.plan_delivery(
        agent, "conversation.started", {"conversation": conversation_view(conversation)}, now
    )
    services.conversations.start(conversation, [services.deliveries.put_item(delivery)] if delivery else [])
    _queue(services, delivery)
    return conversation


def _client_key(request: SendMessageRequest) -> str | None:
    if request.metadata.clientId is None:
        return None
    body = json.dumps(request.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def send_message(
    services: ConversationServices, caller: Caller, conversation_id: str, request: SendMessageRequest
) -> SendOutcome:
    metadata = request.metadata.model_dump(exclude_none=True)
    check_storable(metadata, "metadata", max_bytes=4096)
    conversation = visible_conversation(services, caller, conversation_id, consistent=True)
    client_key = _client_key(request)
    if client_key is not None:
        previous = services.conversations.client_record(conversation_id, client_key)
        if previous is not None:
            return _replay(services, conversation_id, previous["messageIds"])
    if conversation["status"] != "active":
        raise field_error(Conflict, "The conversation has ended", "conversationId", conversation_id)
    agent = services.agents.get(caller.organization_id, conversation["agentId"])
    if agent is None or agent["status"] == "deleting":
        raise not_found(conversation_id)
    now_ms = int(time.time() * 1000)
    now = _iso(now_ms)
    message = {
        "id": message_id(now_ms, 0),
        "conversationId": conversation_id,
        "content": request.content,
        "sender": request.sender,
        "messageType": request.messageType,
        "metadata": metadata,
        "createdAt": now,
        "sentBy": caller.user_id,
    }
    stored = [message]
    suggestion = None
    reply = None
    if request.sender == "user":
        suggestion = bant.merge_suggestion(conversation.get("bantSuggestion"), request.content, now)
        if agent["status"] in ("active", "creating"):
            reply = _reply(services, agent, conversation, message, suggestion, now_ms)
            stored.append(reply)
    try:
        services.conversations.append(conversation, stored, client_key, suggestion, now)
    except ClientReplay as replay:
        return _replay(services, conversation_id, replay.message_ids)
    except ConversationChanged as error:
        raise field_error(Conflict, "The conversation has ended", "conversationId", conversation_id) from error
    return SendOutcome(message, reply)


def _replay(services: ConversationServices, conversation_id: str, message_ids: list[str]) -> SendOutcome:
    messages = services.conversations.messages_by_id(conversation_id, message_ids)
    return SendOutcome(messages[0], messages[1] if len(messages) > 1 else None, replayed=True)


def _reply(
    services: ConversationServices,
    agent: dict[str, Any],
    conversation: dict[str, Any],
    message: dict[str, Any],
    suggestion: dict[str, Any] | None,
    now_ms: int,
) -> dict[str, Any]:
    settings = agent["settings"]
    index = services.knowledge.index(agent)
    question_terms = set(retrieval.terms(message["content"]))
    query = retrieval.weighted_query(message["content"], settings.get("systemPrompt", ""))
    hits = [hit for hit in index.search(query, limit=3) if question_terms & set(hit.matched)]
    history: list[dict[str, str]] = []
    if getattr(services.responder, "name", "offline") != "offline":
        recent = services.conversations.messages_after(conversation["id"], "", HISTORY_FOR_PROVIDERS, descending=True)
        history = [{"sender": m["sender"], "content": m["content"]} for m in reversed(recent)]
    answer = services.responder.respond(
        settings,
        message["content"],
        hits,
        history,
        bant.missing_criteria(suggestion),
        f"{conversation['id']}|{message['id']}",
    )
    reply_ms = max(now_ms, int(time.time() * 1000))
    return {
        "id": message_id(reply_ms, 1),
        "conversationId": conversation["id"],
        "content": answer.text,
        "sender": "agent",
        "messageType": "text",
        "metadata": {
            "inReplyTo": message["id"],
            "sources": answer.sources,
            "grounded": answer.grounded,
            "provider": answer.provider,
            "tokens": answer.tokens,
            **answer.extra,
        },
        "createdAt": _iso(reply_ms),
    }


def end(services: ConversationServices, caller: Caller, conversation_id: str, request: EndConversationRequest) -> dict:
    check_storable(request.metadata, "metadata", max_bytes=MAX_METADATA_BYTES)
    conversation = visible_conversation(services, caller, conversation_id, consistent=True)
    if conversation["status"] != "active":
        return conversation
    now = utc_now_iso()
    ended = {
        **conversation,
        "status": "ended",
        "endedAt": now,
        "endReason": request.reason,
        "endMetadata": request.metadata,
        "updatedAt": now,
    }
    agent = services.agents.get(caller.organization_id, conversation["agentId"])
    delivery = events.plan_delivery(agent, "conversation.ended", {"conversation": conversation_view(ended)}, now)
    if not services.conversations.end(
        conversation, ended, [services.deliveries.put_item(delivery)] if delivery else []
    ):
        return visible_conversation(services, caller, conversation_id, consistent=True)
    _queue(services, delivery)
    return ended


def messages(
    services: ConversationServices, caller: Caller, conversation_id: str, since: str | None, page: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    conversation = visible_conversation(services, caller, conversation_id)
    after = since_bound(since)
    total = (
        services.conversations.count_messages(conversation_id, after) if since else conversation.get("messageCount", 0)
    )
    if (page - 1) * limit >= total:
        return [], total
    return services.conversations.message_page(conversation_id, after, page, limit), total


def stream_events(
    services: ConversationServices, caller: Caller, conversation_id: str, last_event_id: str | None, limit: int
) -> list[dict[str, Any]]:
    conversation = visible_conversation(services, caller, conversation_id)
    found = services.conversations.messages_after(conversation_id, last_event_id or "", limit)
    stream = [{"id": m["id"], "type": "message", "data": message_view(m)} for m in found]
    if conversation["status"] == "ended" and len(found) < limit:
        stream.append({"type": "conversation.ended", "data": conversation_view(conversation)})
    return stream
