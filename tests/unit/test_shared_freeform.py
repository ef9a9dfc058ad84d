"""shared.freeform: the bounds the document states are the bounds the server enforces."""

import jsonschema
import pytest

from shared.freeform import FreeformBounds

BOUNDS = FreeformBounds()


@pytest.mark.parametrize(
    "value",
    [
        {},
        {"a": 1, "b": "x" * 500, "c": None, "d": True, "e": 0, "f": -2.5e-7},
        {"nested": {"list": [1, "two", False]}},
        {"big": 12345678901234567890, "tiny": 1e-7},
    ],
)
def test_a_value_the_schema_allows_is_allowed(value):
    jsonschema.validate(value, BOUNDS.object_schema())
    assert BOUNDS.object_problem(value) is None


@pytest.mark.parametrize(
    "value",
    [
        {"": "empty key"},
        {"k" * 101: 1},
        {"huge": 10**40},
        {"tiny": 1e-200},
        {"s": "x" * 501},
        {f"k{i}": i for i in range(21)},
        {"list": list(range(21))},
        {"a": {"b": {"c": {}}}},
    ],
)
def test_a_value_the_schema_refuses_is_refused(value):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(value, BOUNDS.object_schema())
    assert BOUNDS.object_problem(value) is not None
