"""``POST /api/v1/webhooks/shopify``: Shopify's signed order webhooks (rules in logic/shopify.py).

The signature covers the raw body, so the route reads the bytes itself before any parsing. There
is no bearer token: the HMAC under the shop's secret is the caller's identity.
"""

import hashlib
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

from jiga_store import dependencies
from jiga_store.handlers.webhook_body import parse_json_object
from jiga_store.identity import jiga_app
from jiga_store.logic import shopify
from jiga_store.settings import API_NAME
from shared.app import lambda_handler
from shared.errors import InvalidInput, Unauthorized
from shared.observability import logger
from shared.query import no_unknown_query_parameters

router = APIRouter(dependencies=[Depends(no_unknown_query_parameters)])


@router.post(shopify.WEBHOOK_PATH)
async def receive_shopify_webhook(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse(await run_in_threadpool(process_delivery, body, request.headers))


def process_delivery(body: bytes, headers: Headers) -> dict[str, Any]:
    topic = headers.get("x-shopify-topic", "")
    if not shopify.verify_signature(body, headers.get("x-shopify-hmac-sha256"), dependencies.shopify_webhook_secret()):
        logger(API_NAME).warning(
            "Refused a Shopify webhook with an invalid signature",
            extra={"topic": topic, "shop": headers.get("x-shopify-shop-domain")},
        )
        raise Unauthorized("Invalid webhook signature")
    try:
        delivery = shopify.Delivery(
            topic=shopify.header_value(topic, "X-Shopify-Topic") or "",
            payload=parse_json_object(body),
            webhook_id=shopify.header_value(headers.get("x-shopify-webhook-id"), "X-Shopify-Webhook-Id"),
            event_id=shopify.header_value(headers.get("x-shopify-event-id"), "X-Shopify-Event-Id"),
            shop=shopify.header_value(headers.get("x-shopify-shop-domain"), "X-Shopify-Shop-Domain"),
            body_digest=hashlib.sha256(body).hexdigest(),
        )
        result = shopify.handle_delivery(delivery, dependencies.shopify())
    except InvalidInput as error:
        # Signed, yet nothing a real shop sends: the operator should know (a bug, or a leaked secret).
        logger(API_NAME).error(
            "Refused a signed Shopify webhook", extra={"topic": topic[:128], "problem": error.message[:500]}
        )
        raise
    logger(API_NAME).info("Shopify webhook processed", extra={"webhookId": delivery.webhook_id, **result})
    return result


app = jiga_app(router)
handler = lambda_handler(app)
