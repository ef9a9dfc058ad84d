"""The events/jiga samples are real API Gateway events for the functions the template routes them to."""

import copy
import json
import uuid
from pathlib import Path

import pytest

from jiga_store.logic.shopify import sign, verify_signature
from local.runtime import lambda_proxy_response
from local.seed import SAMPLE_SHOPIFY_WEBHOOK_SECRET

EVENTS = Path(__file__).resolve().parents[2] / "events" / "jiga"


def load(name: str) -> dict:
    return json.loads((EVENTS / name).read_text())


def invoke(runtime, event: dict) -> tuple[int, dict]:
    found = runtime.find_route("JigaHttpApi", event["requestContext"]["http"]["method"], event["rawPath"])
    assert found is not None, event["routeKey"]
    route, _ = found
    assert f"{route.method} {route.path}" == event["routeKey"]
    status, _, body = lambda_proxy_response(runtime.invoke(route.function_id, event))
    return status, json.loads(body)


def with_token(event: dict, user) -> dict:
    event = copy.deepcopy(event)
    event["headers"]["authorization"] = f"Bearer {user.access_token}"
    event["headers"]["idempotency-key"] = str(uuid.uuid4())
    return event


def test_the_shopify_sample_is_signed_with_the_documented_sample_secret():
    event = load("shopify-orders-paid.json")
    assert verify_signature(
        event["body"].encode(), event["headers"]["x-shopify-hmac-sha256"], SAMPLE_SHOPIFY_WEBHOOK_SECRET
    )


def test_the_shopify_sample_credits_its_buyer_through_the_runtime(runtime, jiga, shopify_secret):
    event = load("shopify-orders-paid.json")
    # a fresh order and buyer, so the test does not depend on what ran before
    order = json.loads(event["body"])
    buyer = jiga.register()
    order.update(id=uuid.uuid4().int % 10**13, email=buyer.email)
    event["body"] = json.dumps(order, separators=(",", ":"))
    event["headers"]["x-shopify-hmac-sha256"] = sign(event["body"].encode(), shopify_secret)
    event["headers"]["x-shopify-webhook-id"] = str(uuid.uuid4())
    status, body = invoke(runtime, event)
    assert (status, body["outcome"]) == (200, "credited")
    assert jiga.balance(buyer) == 25_000


@pytest.mark.parametrize("name", ["transactions-purchase.json", "transactions-transfer.json", "transactions-get.json"])
def test_transaction_samples_route_to_the_transactions_function_and_need_a_real_token(runtime, name):
    status, body = invoke(runtime, load(name))
    assert status == 401
    assert body["error"]["code"] == "UNAUTHORIZED"


def test_transaction_samples_work_with_a_real_token(runtime, jiga):
    sender, recipient = jiga.user_with_dofs(5_000), jiga.register()
    status, checkout = invoke(runtime, with_token(load("transactions-purchase.json"), sender))
    assert (status, checkout["dofAmount"]) == (200, 25_000)
    transfer = with_token(load("transactions-transfer.json"), sender)
    transfer["body"] = transfer["body"].replace("usr_REPLACE_WITH_RECIPIENT", recipient.user_id)
    status, moved = invoke(runtime, transfer)
    assert (status, moved["to"]["newBalance"]) == (200, 900)
    read = with_token(load("transactions-get.json"), sender)
    read["rawPath"] = read["requestContext"]["http"]["path"] = f"/api/v1/transactions/{checkout['transactionId']}"
    read["pathParameters"] = {"transactionId": checkout["transactionId"]}
    status, seen = invoke(runtime, read)
    assert (status, seen["status"]) == (200, "pending")
