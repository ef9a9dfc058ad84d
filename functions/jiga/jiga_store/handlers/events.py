"""GET /api/v1/events/stream: the caller's events as server-sent events.

API Gateway HTTP APIs buffer responses, so each request answers a finite stream (the events
after ``Last-Event-ID``, or the latest ones plus a ``connected`` event) with a ``retry:`` hint;
EventSource reconnects and resumes from the last id it saw.
"""

import re
from typing import Any

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import Response

from jiga_store import dependencies
from jiga_store.identity import jiga_app
from shared.app import lambda_handler
from shared.auth import Principal, current_principal
from shared.errors import utc_now_iso
from shared.events import format_sse
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/v1/events", dependencies=[Depends(no_unknown_query_parameters)])
_EVENT_ID = re.compile(r"^\d{13}-[0-9a-f]{8}$")


# Before OpenAPI 3.2, the schema of a text/event-stream response describes each event.
_SSE_RESPONSE = {
    200: {
        "description": "A finite stream of server-sent events; EventSource reconnects after `retry` ms",
        "content": {
            "text/event-stream": {
                "schema": {
                    "type": "object",
                    "required": ["event", "data"],
                    "properties": {
                        "id": {"type": "string", "description": "Send back as Last-Event-ID to resume"},
                        "event": {"type": "string", "description": "The event type, e.g. connected"},
                        "data": {"type": "string", "description": "The event's payload, as JSON"},
                        "retry": {"type": "integer"},
                    },
                }
            }
        },
    }
}


@router.get("/stream", response_class=Response, responses=_SSE_RESPONSE)
def stream(
    caller: Principal = Depends(current_principal),
    # Typed str (not Optional), so the document does not offer null: absent is the only "none".
    # The header is what EventSource sends back by itself: one this stream did not issue is
    # ignored (the stream starts again from the latest events), as the header is not the
    # client's choice; the query parameter is, and a malformed one is a 400.
    last_event_id: str = Header(default=None, alias="Last-Event-ID", max_length=64),
    last_event_query: str = Query(default=None, alias="lastEventId", pattern=_EVENT_ID.pattern),
    limit: int = Query(default=100, ge=1, le=500),
) -> Any:
    header = last_event_id if last_event_id is not None and _EVENT_ID.match(last_event_id) else None
    after = header or last_event_query
    events = dependencies.events().read(caller.user_id, after, limit)
    if after is None:
        connected = {"type": "connected", "data": {"userId": caller.user_id, "timestamp": utc_now_iso()}}
        events = [connected, *events]
    # Cache-Control: no-store comes from the platform middleware.
    return Response(content=format_sse(events), media_type="text/event-stream", headers={"X-Accel-Buffering": "no"})


app = jiga_app(router)
handler = lambda_handler(app)
