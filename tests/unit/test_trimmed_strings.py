"""A trimmed string's OpenAPI pattern accepts exactly what the server accepts."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from shared.text import trimmed, trimmed_pattern

BOUNDS = [(1, 30), (1, 60), (3, 50), (1, None), (2, 5)]


@pytest.mark.parametrize(("low", "high"), BOUNDS)
@given(value=st.text(alphabet=st.sampled_from(" \t\nabcXYZ-é"), max_size=70))
def test_the_document_and_the_server_agree_on_every_string(low, high, value):
    server = TypeAdapter(trimmed(low, high))
    try:
        server.validate_python(value)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == bool(re.fullmatch(trimmed_pattern(low, high), value))


def test_blank_and_padded_strings():
    adapter = TypeAdapter(trimmed(1, 10))
    assert adapter.validate_python("  FPS ") == "FPS"
    with pytest.raises(ValidationError):
        adapter.validate_python("   ")
    assert TypeAdapter(trimmed(1, 10)).json_schema() == {"type": "string", "pattern": trimmed_pattern(1, 10)}
