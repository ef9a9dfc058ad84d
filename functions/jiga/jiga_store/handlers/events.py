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
from shared.errors import InvalidInput, utc_now_iso
from shared.events import format_sse

router = APIRouter(prefix="/api/v1/events")
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
    last_event_id: str | None = Header(default=None, alias="Last-Event-ID"),
    last_event_query: str | None = Query(default=None, alias="lastEventId", max_length=40),
    limit: int = Query(default=100, ge=1, le=500),
) -> Any:
    after = last_event_id or last_event_query
    if after is not None and not _EVENT_ID.match(after):
        raise InvalidInput("Last-Event-ID is not an id this stream issued", {"lastEventId": after})
    events = dependencies.events().read(caller.user_id, after, limit)
    if after is None:
        connected = {"type": "connected", "data": {"userId": caller.user_id, "timestamp": utc_now_iso()}}
        events = [connected, *events]
    # Cache-Control: no-store comes from the platform middleware.
    return Response(content=format_sse(events), media_type="text/event-stream", headers={"X-Accel-Buffering": "no"})


app = jiga_app(router)
handler = lambda_handler(app)
