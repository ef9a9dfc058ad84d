"""Event sources of the local runtime, each from the sample template (tests/fixtures/runtime_template):
SQS with partial batch failures and a dead-letter queue, a batching window, S3 notifications,
schedules (a rate rule, a Scheduler cron, a one-time schedule created by code through an alias),
a DynamoDB stream consumer, and asynchronous invocations with retries and a failure destination.
The runtime's clock is manual here: nothing waits in real time, ``clock.advance`` moves it."""

import json
import uuid
from datetime import UTC, datetime, timedelta

from shared import aws
from shared.dynamo import from_item


def _record(runtime, pk):
    table = runtime.physical_id("SampleRecordsTable")
    return from_item(aws.dynamodb().get_item(TableName=table, Key={"pk": {"S": pk}}).get("Item")) or {}


def _queue_bodies(runtime, queue):
    messages = aws.client("sqs").receive_message(
        QueueUrl=runtime.physical_id(queue), MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]
    )
    return [json.loads(message["Body"]) for message in messages.get("Messages", [])]


def test_queue_and_bucket_resources_resolve_as_cloudformation_gives_them(sample_runtime):
    url = sample_runtime.physical_id("SampleWorkQueue")
    attributes = aws.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]

    assert url.endswith("/123456789012/SampleWorkQueue")
    assert sample_runtime.arn("SampleWorkQueue") == "arn:aws:sqs:us-east-1:123456789012:SampleWorkQueue"
    assert sample_runtime.attribute("SampleWorkQueue", "QueueName") == "SampleWorkQueue"
    assert attributes["VisibilityTimeout"] == "30"
    assert json.loads(attributes["RedrivePolicy"]) == {
        "deadLetterTargetArn": sample_runtime.arn("SampleWorkDeadLetterQueue"),
        "maxReceiveCount": 3,
    }
    seen = sample_runtime.invoke("SampleStarterFunction", {"action": "environment", "names": ["WORK_QUEUE_URL"]})
    assert seen == {"WORK_QUEUE_URL": url}


def test_a_partial_batch_failure_is_redelivered_and_lands_in_the_dead_letter_queue(sample_runtime):
    # Given three work messages, one of which always fails
    run = uuid.uuid4().hex[:8]
    ids = [f"{run}-ok-1", f"{run}-bad", f"{run}-ok-2"]
    sqs = aws.client("sqs")
    for work_id in ids:
        body = {"id": work_id, "fail": work_id.endswith("bad")}
        sqs.send_message(QueueUrl=sample_runtime.physical_id("SampleWorkQueue"), MessageBody=json.dumps(body))

    # When the worker has had them (one batch: two succeed, one is reported as a batch item failure)
    sample_runtime.drain()

    # Then the good ones are done and deleted, and the failed one waits out its visibility timeout
    assert _record(sample_runtime, f"work#{run}-ok-1")["done"] is True
    assert _record(sample_runtime, f"work#{run}-ok-2")["receiveCount"] == 1
    assert _record(sample_runtime, f"work#{run}-bad")["received"] == 1
    sample_runtime.clock.advance(29)
    assert _record(sample_runtime, f"work#{run}-bad")["received"] == 1

    # When the clock passes the visibility timeout twice more, it is received again each time
    sample_runtime.clock.advance(2)
    assert _record(sample_runtime, f"work#{run}-bad")["received"] == 2
    sample_runtime.clock.advance(31)
    assert _record(sample_runtime, f"work#{run}-bad")["received"] == 3

    # Then, received maxReceiveCount (3) times, it moves to the dead-letter queue on the next receive
    sample_runtime.clock.advance(31)
    assert _record(sample_runtime, f"work#{run}-bad")["received"] == 3
    assert {"id": f"{run}-bad", "fail": True} in _queue_bodies(sample_runtime, "SampleWorkDeadLetterQueue")
    assert _record(sample_runtime, f"work#{run}-ok-1")["received"] == 1


def test_a_batching_window_holds_a_partial_batch_until_it_closes(sample_runtime):
    url = sample_runtime.physical_id("SampleBatchedQueue")
    first = aws.client("sqs").send_message(QueueUrl=url, MessageBody="one")["MessageId"]
    aws.client("sqs").send_message(QueueUrl=url, MessageBody="two")
    sample_runtime.drain()
    assert _record(sample_runtime, f"batch#{first}") == {}

    sample_runtime.clock.advance(20)

    assert _record(sample_runtime, f"batch#{first}")["size"] == 2


def test_an_object_put_by_code_invokes_the_function_with_the_s3_event(sample_runtime):
    bucket = sample_runtime.physical_id("SampleUploadsBucket")
    s3 = aws.client("s3")
    run = uuid.uuid4().hex[:8]
    s3.put_object(Bucket=bucket, Key=f"incoming/{run} notes.txt", Body=b"hello")
    s3.put_object(Bucket=bucket, Key=f"incoming/{run}.csv", Body=b"not a text file")
    s3.put_object(Bucket=bucket, Key=f"elsewhere/{run}.txt", Body=b"outside the prefix")

    sample_runtime.drain()

    seen = _record(sample_runtime, f"upload#incoming/{run}+notes.txt")
    assert seen == {
        "pk": f"upload#incoming/{run}+notes.txt",
        "eventName": "ObjectCreated:Put",
        "bucket": bucket,
        "size": 5,
    }
    assert _record(sample_runtime, f"upload#incoming/{run}.csv") == {}
    assert _record(sample_runtime, f"upload#elsewhere/{run}.txt") == {}


def test_a_rate_schedule_fires_once_per_period_as_the_clock_advances(sample_runtime):
    before = int(_record(sample_runtime, "ticks").get("count", 0))

    sample_runtime.clock.advance(30 * 60)

    assert int(_record(sample_runtime, "ticks")["count"]) - before == 6


def test_a_scheduler_cron_fires_with_its_scheduled_time_in_the_input(sample_runtime):
    before = int(_record(sample_runtime, "noons").get("count", 0))

    sample_runtime.clock.advance(24 * 3600)

    assert int(_record(sample_runtime, "noons")["count"]) - before == 1
    assert _record(sample_runtime, "noons#last")["scheduledAt"].endswith("T12:00:00Z")


def test_a_one_time_schedule_created_by_code_fires_through_the_alias_and_deletes_itself(sample_runtime):
    listing = uuid.uuid4().hex[:8]
    at = datetime.fromtimestamp(sample_runtime.clock.now(), UTC) + timedelta(hours=2)
    sample_runtime.invoke(
        "SampleStarterFunction",
        {"action": "schedule_expiry", "listingId": listing, "at": at.strftime("%Y-%m-%dT%H:%M:%S")},
    )
    names = [schedule["Name"] for schedule in aws.client("scheduler").list_schedules()["Schedules"]]
    assert f"expire-{listing}" in names

    sample_runtime.clock.advance(3600)
    assert _record(sample_runtime, f"expired#{listing}") == {}

    sample_runtime.clock.advance(3600)
    expired = _record(sample_runtime, f"expired#{listing}")
    assert expired["invokedAs"] == "arn:aws:lambda:us-east-1:123456789012:function:SampleExpiryFunction:live"
    names = [schedule["Name"] for schedule in aws.client("scheduler").list_schedules()["Schedules"]]
    assert f"expire-{listing}" not in names


def test_a_stream_consumer_sees_every_write_in_order_and_retries_a_reported_failure(sample_runtime):
    table = sample_runtime.physical_id("SampleEventsTable")
    dynamodb = aws.dynamodb()
    kind = f"kind-{uuid.uuid4().hex[:6]}"
    order_before = int(_record(sample_runtime, "tally#order").get("seen", 0))
    keys = [f"{kind}-{index}" for index in range(4)]
    for key in keys:
        dynamodb.put_item(TableName=table, Item={"pk": {"S": key}, "kind": {"S": kind}})

    sample_runtime.drain()

    assert _record(sample_runtime, f"tally#{kind}")["count"] == 4
    orders = [_record(sample_runtime, f"tally#after#{key}")["order"] - order_before for key in keys]
    assert orders == [1, 2, 3, 4]

    # A record that fails once blocks the shard, and is retried from there on the clock (1 s later)
    poison = {"pk": {"S": f"{kind}-flaky"}, "kind": {"S": kind}, "failTimes": {"N": "1"}}
    dynamodb.put_item(TableName=table, Item=poison)
    sample_runtime.drain()
    assert _record(sample_runtime, f"tally#{kind}")["count"] == 4
    sample_runtime.clock.advance(1)
    assert _record(sample_runtime, f"tally#{kind}")["count"] == 5
    assert _record(sample_runtime, f"tally#attempts#{kind}-flaky")["count"] == 2


def test_an_async_invocation_is_retried_then_sent_to_its_failure_destination(sample_runtime):
    flaky = sample_runtime.functions["SampleFlakyFunction"].arn
    once = f"once-{uuid.uuid4().hex[:6]}"
    always = f"always-{uuid.uuid4().hex[:6]}"
    for event in ({"id": once, "failures": 1}, {"id": always, "failures": 9}):
        answer = sample_runtime.invoke(
            "SampleStarterFunction", {"action": "invoke_later", "function": flaky, "payload": event}
        )
        assert answer == {"status": 202}
    sample_runtime.drain()
    assert _record(sample_runtime, f"flaky#{once}")["attempts"] == 1

    sample_runtime.clock.advance(60)  # Lambda retries one minute after the failure

    assert _record(sample_runtime, f"flaky#{once}")["attempts"] == 2
    assert _record(sample_runtime, f"flaky#{always}")["attempts"] == 2  # MaximumRetryAttempts: 1
    failures = _queue_bodies(sample_runtime, "SampleFailuresQueue")
    record = next(body for body in failures if body["requestPayload"]["id"] == always)
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert record["responsePayload"]["errorType"] == "Refused"


def test_a_qualified_function_arn_invokes_the_function_as_its_alias(sample_runtime):
    listing = uuid.uuid4().hex[:8]
    alias_arn = sample_runtime.functions["SampleExpiryFunction"].arn + ":live"

    answer = aws.client("lambda").invoke(FunctionName=alias_arn, Payload=json.dumps({"listingId": listing}))

    assert answer["StatusCode"] == 200
    assert _record(sample_runtime, f"expired#{listing}")["invokedAs"] == alias_arn
