"""Conversations endpoint group: list, start, read, messages (send, list), end, and the stream."""

import re
from typing import Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse, Response

from realestate_agent import dependencies
from realestate_agent.access import Caller
from realestate_agent.envelope import MAX_LIMIT, Envelope, Page, ok, paged, parse_sort, sort_pattern
from realestate_agent.identity import realestate_app, require
from realestate_agent.logic import conversations as logic
from realestate_agent.models.conversations import (
    ConversationData,
    ConversationView,
    EndConversationRequest,
    MessageView,
    SendMessageRequest,
    SentMessageData,
    StartConversationRequest,
)
from shared.app import lambda_handler
from shared.errors import InvalidInput
from shared.events import format_sse
from shared.idempotency import respond_idempotently
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/v1/conversations", dependencies=[Depends(no_unknown_query_parameters)])
_CONVERSATION_SORTS = {"startedAt": "startedAt"}
_MESSAGE_ID = re.compile(r"^msg_[0-9]{14}[0-9a-f]{8}$")
_SSE_RESPONSE = {
    200: {
        "description": "A finite stream of server-sent events (`event: message`, `id: <message id>`); "
        "EventSource reconnects after `retry` ms and sends Last-Event-ID",
        "content": {
            "text/event-stream": {
                "schema": {
                    "type": "object",
                    "required": ["event", "data"],
                    "properties": {
                        "id": {"type": "string"},
                        "event": {"type": "string"},
                        "data": {"type": "string", "description": "The message, as JSON"},
                        "retry": {"type": "integer"},
                    },
                }
            }
        },
    }
}


@router.get("", response_model=Envelope[Page[ConversationView]])
def list_conversations(
    request: Request,
    agentId: str | None = Query(default=None, max_length=64),  # noqa: N803 - the spec's casing
    status: str | None = Query(
        default=None, description="active or ended", json_schema_extra={"enum": ["active", "ended"]}
    ),
    source: str | None = Query(default=None, max_length=32),
    sort: str | None = Query(
        default=None,
        description="startedAt:desc (default) or startedAt:asc",
        json_schema_extra={"pattern": sort_pattern(_CONVERSATION_SORTS)},
    ),
    page: int = Query(default=1, ge=1),
    limit: int = Query(default=20, ge=1, le=MAX_LIMIT),
    caller: Caller = Depends(require("conversation:read")),
) -> Any:
    if status is not None and status not in ("active", "ended"):
        raise InvalidInput("status must be active or ended", {"field": "status", "value": status})
    _, descending = parse_sort(sort, _CONVERSATION_SORTS, "startedAt:desc")
    filters = {"agentId": agentId, "status": status, "source": source.lower() if source else None}
    found, total = dependencies.conversations().page(caller.organization_id, filters, descending, page, limit)
    return ok(request, paged([logic.conversation_view(c) for c in found], page, limit, total))


@router.post("", status_code=201, response_model=Envelope[ConversationData])
def start_conversation(
    body: StartConversationRequest, request: Request, caller: Caller = Depends(require("conversation:manage"))
) -> Any:
    def run() -> tuple[int, Any]:
        conversation = logic.start(dependencies.conversation_services(), caller, body)
        return 201, ok(request, {"conversation": logic.conversation_view(conversation)})

    return respond_idempotently(request, caller.user_id, body.model_dump(mode="json"), run)


@router.get("/{conversationId}", response_model=Envelope[ConversationData])
def get_conversation(
    conversationId: str,  # noqa: N803 - the spec's casing
    request: Request,
    caller: Caller = Depends(require("conversation:read")),
) -> Any:
    conversation = logic.visible_conversation(dependencies.conversation_services(), caller, conversationId)
    return ok(request, {"conversation": logic.conversation_view(conversation)})


@router.post("/{conversationId}/messages", status_code=201, response_model=Envelope[SentMessageData])
def send_message(
    conversationId: str,  # noqa: N803 - the spec's casing
    body: SendMessageRequest,
    request: Request,
    caller: Caller = Depends(require("conversation:manage")),
) -> Any:
    """A retried send (same ``metadata.clientId`` and body) answers the first send's messages
    with ``Idempotent-Replayed: true``; an ``Idempotency-Key`` header works as on every POST."""

    def run() -> tuple[int, Any, bool]:
        outcome = logic.send_message(dependencies.conversation_services(), caller, conversationId, body)
        reply = logic.message_view(outcome.reply) if outcome.reply else None
        return 201, ok(request, {"message": logic.message_view(outcome.message), "reply": reply}), outcome.replayed

    if request.headers.get("idempotency-key"):
        payload = {"conversationId": conversationId, **body.model_dump(mode="json")}
        return respond_idempotently(request, caller.user_id, payload, lambda: run()[:2])
    status, content, replayed = run()
    return JSONResponse(
        status_code=status, content=content, headers={"Idempotent-Replayed": "true"} if replayed else None
    )


@router.get("/{conversationId}/messages", response_model=Envelope[Page[MessageView]])
def list_messages(
    conversationId: str,  # noqa: N803 - the spec's casing
    request: Request,
    page: int = Query(default=1, ge=1),
    limit: int = Query(default=50, ge=1, le=MAX_LIMIT),
    since: str | None = Query(default=None, max_length=40, description="ISO 8601; messages created after it"),
    caller: Caller = Depends(require("conversation:read")),
) -> Any:
    found, total = logic.messages(dependencies.conversation_services(), caller, conversationId, since, page, limit)
    return ok(request, paged([logic.message_view(m) for m in found], page, limit, total))


@router.put("/{conversationId}/end", response_model=Envelope[ConversationData])
def end_conversation(
    conversationId: str,  # noqa: N803 - the spec's casing
    body: EndConversationRequest,
    request: Request,
    caller: Caller = Depends(require("conversation:manage")),
) -> Any:
    conversation = logic.end(dependencies.conversation_services(), caller, conversationId, body)
    return ok(request, {"conversation": logic.conversation_view(conversation)})


@router.get("/{conversationId}/stream", response_class=Response, responses=_SSE_RESPONSE)
def stream(
    conversationId: str,  # noqa: N803 - the spec's casing
    # Typed str (not Optional), so the document does not offer null: absent is the only "none".
    # The header is what EventSource sends back by itself, not the client's choice: one this
    # stream did not issue is ignored and the stream starts from the beginning (as JIGA's does).
    last_event_id: str = Header(default=None, alias="Last-Event-ID", max_length=64),
    limit: int = Query(default=100, ge=1, le=MAX_LIMIT),
    caller: Caller = Depends(require("conversation:read")),
) -> Any:
    if last_event_id is not None and not _MESSAGE_ID.match(last_event_id):
        last_event_id = None
    events = logic.stream_events(dependencies.conversation_services(), caller, conversationId, last_event_id, limit)
    return Response(content=format_sse(events), media_type="text/event-stream", headers={"X-Accel-Buffering": "no"})


app = realestate_app(router)
handler = lambda_handler(app)
