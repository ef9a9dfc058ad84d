"""Pure pieces of the local runtime's event sources: schedule expressions, batch responses, the
SQS event record, chunked bodies, and per-instance caches."""

import io
from datetime import UTC, datetime

import pytest

from local import isolation
from local.queues import failed_message_ids, message_event_record
from local.schedule_expressions import next_fire
from local.server import BadRequest, read_chunked


def _at(text):
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def _iso(moment):
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("cron(0 12 * * ? *)", "2026-03-01T12:00:00", "2026-03-02T12:00"),
        ("cron(15 10 ? * MON-FRI *)", "2026-03-06T11:00:00", "2026-03-09T10:15"),  # Friday -> Monday
        ("cron(0/15 * * * ? *)", "2026-03-01T10:07:00", "2026-03-01T10:15"),
        ("cron(0 8 1 * ? *)", "2026-03-01T09:00:00", "2026-04-01T08:00"),
        ("cron(0 0 L * ? *)", "2026-02-10T00:00:00", "2026-02-28T00:00"),
        ("cron(0 9 ? * 1 *)", "2026-03-01T09:00:00", "2026-03-08T09:00"),  # 1 is Sunday
    ],
)
def test_cron_expressions_fire_at_the_next_matching_minute(expression, after, expected):
    assert _iso(next_fire(expression, _at(after), 0)) == expected


def test_rates_count_from_the_start_and_at_fires_once():
    start = _at("2026-03-01T10:00:00")
    assert _iso(next_fire("rate(5 minutes)", start, start)) == "2026-03-01T10:05"
    assert _iso(next_fire("rate(1 hour)", start + 3600, start)) == "2026-03-01T12:00"
    assert next_fire("at(2026-03-01T14:00:00)", start, start) == _at("2026-03-01T14:00:00")
    assert next_fire("at(2026-03-01T14:00:00)", _at("2026-03-01T14:00:00"), start) is None
    assert _iso(next_fire("at(2026-03-01T14:00:00)", start, start, "Europe/Paris")) == "2026-03-01T13:00"


def test_unsupported_expressions_fail_loudly():
    with pytest.raises(ValueError):
        next_fire("rate(5 fortnights)", 0, 0)
    with pytest.raises(NotImplementedError):
        next_fire("cron(0 12 ? * 2#1 *)", 0, 0)


def test_a_partial_batch_response_naming_a_stranger_fails_the_whole_batch():
    assert failed_message_ids(None, ["a", "b"]) == []
    assert failed_message_ids({"batchItemFailures": []}, ["a", "b"]) == []
    assert failed_message_ids({"batchItemFailures": [{"itemIdentifier": "b"}]}, ["a", "b"]) == ["b"]
    assert failed_message_ids({"batchItemFailures": [{"itemIdentifier": "z"}]}, ["a", "b"]) is None
    assert failed_message_ids({"batchItemFailures": [{"itemIdentifier": ""}]}, ["a", "b"]) is None


def test_a_message_becomes_the_record_lambda_sends():
    message = {
        "MessageId": "m-1",
        "ReceiptHandle": "r-1",
        "Body": "hello",
        "MD5OfBody": "5d41402abc4b2a76b9719d911017c592",
        "Attributes": {"ApproximateReceiveCount": "2"},
        "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "greeting"}},
    }
    record = message_event_record(message, "arn:aws:sqs:us-east-1:123456789012:q")
    assert record["messageId"] == "m-1"
    assert record["attributes"]["ApproximateReceiveCount"] == "2"
    assert record["messageAttributes"]["kind"] == {
        "stringValue": "greeting",
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "String",
    }
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"].endswith(":q")


def test_chunked_bodies_are_read_whole_and_bad_ones_refused():
    assert read_chunked(io.BytesIO(b"4\r\nWiki\r\n6;ext=1\r\npedia \r\n0\r\nTrailer: x\r\n\r\n")) == b"Wikipedia "
    with pytest.raises(BadRequest):
        read_chunked(io.BytesIO(b"zz\r\n"))


def test_a_project_cache_is_filled_once_per_instance():
    calls = []

    def settings():
        calls.append(1)
        return object()

    cached = isolation.PerInstanceCache(settings, maxsize=1, typed=False)
    first = isolation.InstanceState("A", {})
    second = isolation.InstanceState("B", {})
    with isolation.running_as(first):
        assert cached() is cached()
    with isolation.running_as(second):
        other = cached()
    with isolation.running_as(first):
        assert cached() is not other
    assert len(calls) == 2
    cached.cache_clear()
    with isolation.running_as(first):
        cached()
    assert len(calls) == 3


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://lambda/2015-03-31/functions/Name/invocations", "Name"),
        ("https://lambda/2015-03-31/functions/Name/invocations?Qualifier=live", "Name:live"),
        (
            "https://lambda/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3AName%3Alive/invocations",
            "Name:live",
        ),
        ("https://lambda/2015-03-31/functions/123456789012%3Afunction%3AName/invocations", "Name"),
    ],
)
def test_qualified_function_references_keep_their_alias(url, expected):
    from local.state_machines import invoked_function_reference

    assert invoked_function_reference(url) == expected
