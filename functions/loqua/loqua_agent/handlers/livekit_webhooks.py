"""``POST /api/v1/webhooks/livekit``: LiveKit's room and participant webhooks, verified as LiveKit
signs them, kept as room membership (rules in logic/membership.py).

There is no bearer token: the ``Authorization`` header is LiveKit's own JWT (issuer = the API key,
signed with the API secret, ``sha256`` = the body's hash), checked by ``livekit.api.WebhookReceiver``
over the raw body. Not rate limited per caller: LiveKit sends every room's events from a few
addresses; API Gateway's throttling still bounds the route.
"""

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from loqua_agent import dependencies
from loqua_agent.errors import INVALID_WEBHOOK_SIGNATURE, WEBHOOKS
from loqua_agent.identity import loqua_app
from loqua_agent.logic.membership import change_from_event
from loqua_agent.settings import API_NAME
from shared.app import lambda_handler
from shared.errors import InvalidInput, Unauthorized
from shared.observability import logger

router = APIRouter()


@router.post("/api/v1/webhooks/livekit")
async def receive_livekit_webhook(request: Request) -> JSONResponse:
    body = await request.body()
    authorization = request.headers.get("authorization", "")
    return JSONResponse(await run_in_threadpool(process_delivery, body, authorization))


def verified_event(body: bytes, authorization: str, api_key: str, api_secret: str) -> dict[str, Any]:
    # LiveKit's SDK (protobuf, aiohttp) loads on the first webhook, not when the fallback function
    # imports this module for its routes.
    from google.protobuf.json_format import MessageToDict
    from livekit.api import TokenVerifier, WebhookReceiver

    token = authorization.removeprefix("Bearer ").strip()
    if not token:
        raise Unauthorized("Missing LiveKit webhook signature", code=INVALID_WEBHOOK_SIGNATURE)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput("The webhook body is not UTF-8") from error
    verifier = TokenVerifier(api_key, api_secret)
    try:
        verifier.verify(token)
    except Exception as error:
        raise Unauthorized("Invalid LiveKit webhook signature", code=INVALID_WEBHOOK_SIGNATURE) from error
    try:
        event = WebhookReceiver(verifier).receive(text, token)
    except Exception as error:
        # The token verified, so what failed is the body: its hash, or its content.
        if str(error) in ("hash mismatch", "sha256 was not found in the token"):
            raise Unauthorized("Invalid LiveKit webhook signature", code=INVALID_WEBHOOK_SIGNATURE) from error
        raise InvalidInput("The webhook body is not a LiveKit event") from error
    return MessageToDict(event, preserving_proto_field_name=True)


def process_delivery(body: bytes, authorization: str) -> dict[str, Any]:
    if not authorization.removeprefix("Bearer ").strip():  # refused before any secret is read
        raise Unauthorized("Missing LiveKit webhook signature", code=INVALID_WEBHOOK_SIGNATURE)
    api_key, api_secret = dependencies.livekit_credentials()
    event = verified_event(body, authorization, api_key, api_secret)
    change = change_from_event(event, int(time.time()))
    applied = dependencies.rooms().apply(change) if change is not None else False
    logger(API_NAME).info(
        "LiveKit webhook",
        extra={
            "event": event.get("event"),
            "eventId": event.get("id"),
            "room": (event.get("room") or {}).get("name"),
            "applied": applied,
        },
    )
    return {"received": True, "event": event.get("event", ""), "applied": applied}


app = loqua_app(WEBHOOKS, router, authenticate=None)
handler = lambda_handler(app)
