"""The pagination helper: pages by number, and opaque cursors a client can only hand back unchanged."""

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.errors import InvalidInput
from shared.pagination import PageRequest, decode_cursor, encode_cursor, paginate

dynamo_keys = st.dictionaries(
    st.text(min_size=1, max_size=10),
    st.one_of(st.builds(lambda s: {"S": s}, st.text(max_size=30)), st.builds(lambda n: {"N": str(n)}, st.integers())),
    min_size=1,
    max_size=4,
)


@given(dynamo_keys)
def test_a_cursor_gives_back_exactly_the_key_it_was_made_from(key):
    cursor = encode_cursor(key)
    assert decode_cursor(cursor) == key
    assert "=" not in cursor and "+" not in cursor and "/" not in cursor  # safe in a query string


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "tampered",
    [
        "!!!not-base64!!!",
        "a",  # impossible base64 length
        _b64(b"not json"),
        _b64(b"\xff\xfe\x00"),  # not UTF-8
        _b64(json.dumps([1, 2, 3]).encode()),  # JSON, but not an object
        _b64(json.dumps({"pk": "ACCOUNT#x"}).encode()),  # an object, but not DynamoDB attribute values
        _b64(json.dumps("just a string").encode()),
        _b64(b"[" * 5000 + b"]" * 5000),  # deeply nested
    ],
)
def test_a_tampered_cursor_is_invalid_input_not_a_crash(tampered):
    with pytest.raises(InvalidInput) as refused:
        decode_cursor(tampered)
    assert refused.value.details == {"cursor": tampered}


@given(st.text(max_size=200))
def test_any_text_as_a_cursor_either_decodes_to_a_key_or_is_invalid_input(text):
    try:
        decoded = decode_cursor(text)
    except InvalidInput:
        return
    assert isinstance(decoded, dict)
    assert all(isinstance(value, dict) for value in decoded.values())


def test_pages_slice_the_list_and_know_whether_more_follow():
    items = list(range(45))
    first = paginate(items, PageRequest(page=1, limit=20))
    last = paginate(items, PageRequest(page=3, limit=20))
    beyond = paginate(items, PageRequest(page=4, limit=20))
    assert first.items == list(range(20)) and first.total == 45 and first.has_more
    assert last.items == list(range(40, 45)) and not last.has_more
    assert beyond.items == [] and not beyond.has_more


def test_offset_and_page_requests_describe_the_same_slice():
    request = PageRequest.from_offset(offset=40, limit=20)
    assert request.page == 3
    assert request.offset == 40
