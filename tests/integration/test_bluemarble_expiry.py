"""Listing expiry: each listing has a one-time EventBridge Scheduler schedule at its expiresAt that
invokes the expiry function's alias, which returns the unsold items in one transaction.

The local runtime fires schedules on its clock, which the tests advance. Stray and repeated
deliveries are made the way Scheduler delivers: the schedule's target invoked through the Lambda
API with its input, ``<aws.scheduler.scheduled-time>`` filled in.
"""

import json
import math
from datetime import UTC, datetime

import pytest

from shared import aws
from tests.support.bluemarble import conservation_problems, ledger_balances


def schedule_of(listing_id: str) -> dict:
    return aws.client("scheduler").get_schedule(Name=f"bm-listing-{listing_id}", GroupName="default")


def fire(schedule: dict, at: str | None = None) -> dict:
    """Deliver a schedule as Scheduler does: invoke its target with its input."""
    expression = schedule["ScheduleExpression"]
    scheduled = at or expression[len("at(") : -1] + "Z"
    payload = schedule["Target"]["Input"].replace("<aws.scheduler.scheduled-time>", scheduled)
    response = aws.client("lambda").invoke(FunctionName=schedule["Target"]["Arn"], Payload=payload.encode())
    return json.loads(response["Payload"].read())


def test_a_listing_gets_a_one_time_schedule_at_its_expiry_targeting_the_expiry_alias(bluemarble, runtime):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 5)])
    listing = bluemarble.list_item(seller, item, 5, 1, duration="1d")
    schedule = schedule_of(listing["id"])
    expires = datetime.fromisoformat(listing["expiresAt"].replace("Z", "+00:00"))
    expected = datetime.fromtimestamp(math.ceil(expires.timestamp()), expires.tzinfo)
    assert schedule["ScheduleExpression"] == f"at({expected.strftime('%Y-%m-%dT%H:%M:%S')})"
    assert schedule["ScheduleExpressionTimezone"] == "UTC"
    assert schedule["Target"]["Arn"].endswith(":function:BlueMarbleExpiryFunction:live")
    assert schedule["Target"]["DeadLetterConfig"]["Arn"]
    assert json.loads(schedule["Target"]["Input"])["listingId"] == listing["id"]
    assert schedule.get("ActionAfterCompletion") == "DELETE"


def test_at_its_time_an_unsold_listing_expires_and_its_items_come_back(bluemarble, runtime):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 10)])
    buyer = bluemarble.funded()
    listing = bluemarble.list_item(seller, item, 10, 1, duration="2h")
    assert bluemarble.buy(buyer, listing["id"], 4).status_code == 201
    schedule = schedule_of(listing["id"])
    # too early (a stray delivery): nothing happens
    assert fire(schedule, at="2000-01-01T00:00:00Z") == {"listingId": listing["id"], "expired": False}
    # an hour on, still active; at its time (two hours), the schedule fires by itself
    expires = datetime.fromisoformat(listing["expiresAt"].replace("Z", "+00:00")).timestamp()
    runtime.clock.advance(max(expires - 3600 - runtime.clock.now(), 0))
    runtime.drain()
    assert bluemarble.listing(seller, listing["id"])["status"] == "ACTIVE"
    runtime.clock.advance(expires + 1 - runtime.clock.now())
    runtime.drain()
    # the 6 unsold units return, the listing reads EXPIRED, the seller is told, the schedule is gone
    assert bluemarble.listing(seller, listing["id"])["status"] == "EXPIRED"
    assert bluemarble.inventory(seller)[("Aethermoor", item)] == 6
    assert bluemarble.buy(buyer, listing["id"], 1).status_code == 409
    events = bluemarble.client.get("/api/players/me/notifications", headers=seller.headers).json()["data"]
    assert any(event["type"] == "listing_expired" and event["data"]["returned"] == 6 for event in events)
    assert any(fired["schedule"].endswith(f"bm-listing-{listing['id']}") for fired in runtime.schedules.fired)
    with pytest.raises(aws.client("scheduler").exceptions.ResourceNotFoundException):
        schedule_of(listing["id"])  # a one-time schedule deletes itself after it ran
    # a repeated delivery changes nothing; the seller may list the item again
    assert fire(schedule) == {"listingId": listing["id"], "expired": False}
    assert bluemarble.inventory(seller)[("Aethermoor", item)] == 6
    bluemarble.list_item(seller, item, 6, 1)
    assert not conservation_problems(ledger_balances(runtime))


def test_a_cancelled_listing_s_schedule_is_deleted(bluemarble):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 5)])
    listing = bluemarble.list_item(seller, item, 5, 1)
    assert schedule_of(listing["id"])
    bluemarble.client.delete(f"/api/marketplace/listings/{listing['id']}", headers=seller.headers)
    try:
        schedule_of(listing["id"])
    except aws.client("scheduler").exceptions.ResourceNotFoundException:
        return
    raise AssertionError("the schedule of a cancelled listing is still there")


def test_a_listing_past_its_time_reads_expired_and_cannot_be_bought_before_the_schedule_runs(bluemarble, runtime):
    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 5)])
    buyer = bluemarble.funded()
    listing = bluemarble.list_item(seller, item, 5, 1)
    # (time passes: the listing's end is moved into the past, as a change search's copy sees)
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    aws.dynamodb().update_item(
        TableName=runtime.physical_id("BlueMarbleTable"),
        Key={"pk": {"S": f"LISTING#{listing['id']}"}, "sk": {"S": "LISTING"}},
        UpdateExpression="SET endsAt = :past, updatedAt = :now, gsi1sk = :changed",
        ExpressionAttributeValues={
            ":past": {"S": "2020-01-01T00:00:00.000Z"},
            ":now": {"S": now},
            ":changed": {"S": f"{now}#{listing['id']}"},
        },
    )
    assert bluemarble.listing(buyer, listing["id"])["status"] == "EXPIRED"
    response = bluemarble.buy(buyer, listing["id"], 1)
    assert response.status_code == 409 and response.json()["error"]["details"] == {"status": "EXPIRED"}
    assert listing["id"] not in [
        entry["id"] for entry in bluemarble.search(buyer, sellerId=seller.player_id)["listings"]
    ]
