"""``POST /api/v1/webhooks/stripe``: Stripe's signed events complete DOF purchases (rules in logic/stripe.py).

The signature covers the raw body, so the route reads the bytes itself before any parsing. There
is no bearer token: the ``Stripe-Signature`` under the endpoint's secret is the caller's identity.
"""

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

from jiga_store import dependencies
from jiga_store.handlers.webhook_body import parse_json_object
from jiga_store.identity import jiga_app
from jiga_store.logic import stripe
from jiga_store.settings import API_NAME
from shared.app import lambda_handler
from shared.errors import InvalidInput, Unauthorized
from shared.observability import logger
from shared.query import no_unknown_query_parameters

router = APIRouter(dependencies=[Depends(no_unknown_query_parameters)])


@router.post(stripe.WEBHOOK_PATH)
async def receive_stripe_webhook(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse(await run_in_threadpool(process_event, body, request.headers))


def process_event(body: bytes, headers: Headers) -> dict[str, Any]:
    if not stripe.verify_signature(body, headers.get("stripe-signature"), dependencies.stripe_webhook_secret()):
        logger(API_NAME).warning("Refused a Stripe webhook with an invalid or stale signature")
        raise Unauthorized("Invalid webhook signature")
    try:
        event = stripe.read_event(parse_json_object(body))
        result = stripe.handle_event(event, dependencies.stripe())
    except InvalidInput as error:
        logger(API_NAME).error("Refused a signed Stripe webhook", extra={"problem": error.message[:500]})
        raise
    logger(API_NAME).info("Stripe webhook processed", extra={"eventId": event.event_id, **result})
    return result


app = jiga_app(router)
handler = lambda_handler(app)
