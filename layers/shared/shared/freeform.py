"""Free-form JSON objects (metadata, attributes) within bounds an OpenAPI document can state.

``check_storable`` keeps out what DynamoDB refuses, but its limits (38 digits between 1E-130 and
9.99E+125, 32 levels) are not what a JSON schema can say, so a fuzzer working from the document
sends values the server then refuses. ``FreeformBounds`` states tighter limits both ways: its
``object_schema()`` goes in the document and ``object_problem()`` is what the server enforces, so
the two agree. Numbers are 0 or between ``number_min`` and ``number_max`` in magnitude (integers
included: within 1e30 they have at most 31 digits); strings at most ``string`` characters; keys 1
to ``key`` characters; at most ``entries`` entries per object or list; lists and objects nested at
most ``depth`` levels below the top object. A serialised size limit stays with ``check_storable``.
"""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FreeformBounds:
    entries: int = 20
    key: int = 100
    string: int = 500
    depth: int = 2
    number_min: float = 1e-30
    number_max: float = 1e30

    def value_schema(self, depth: int | None = None) -> dict[str, Any]:
        """The JSON schema of one value, ``depth`` levels of lists and objects deep."""
        depth = self.depth if depth is None else depth
        choices: list[dict[str, Any]] = [
            {"type": "string", "maxLength": self.string},
            {"type": "boolean"},
            {"type": "null"},
            {"const": 0},
            {"type": "number", "minimum": self.number_min, "maximum": self.number_max},
            {"type": "number", "minimum": -self.number_max, "maximum": -self.number_min},
        ]
        if depth > 0:
            inner = self.value_schema(depth - 1)
            choices += [{"type": "array", "maxItems": self.entries, "items": inner}, self.object_schema(inner)]
        return {"anyOf": choices}

    def object_schema(self, values: dict[str, Any] | None = None) -> dict[str, Any]:
        """The JSON schema of an object whose values follow ``values`` (the top object by default)."""
        return {
            "type": "object",
            "maxProperties": self.entries,
            "propertyNames": {"minLength": 1, "maxLength": self.key},
            "additionalProperties": self.value_schema() if values is None else values,
        }

    def value_problem(self, value: Any, depth: int | None = None) -> str | None:
        """Why ``value`` is not a value the schema allows, or None."""
        depth = self.depth if depth is None else depth
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, str):
            return None if len(value) <= self.string else f"strings may have at most {self.string} characters"
        if isinstance(value, int | float):
            if value == 0 or self.number_min <= abs(value) <= self.number_max:
                return None
            return f"numbers must be 0 or between {self.number_min:g} and {self.number_max:g} in magnitude"
        if not isinstance(value, list | dict):
            return "values must be JSON"
        if depth <= 0:
            return f"lists and objects may be nested at most {self.depth} levels deep"
        if isinstance(value, dict):
            return self.object_problem(value, depth - 1)
        if len(value) > self.entries:
            return f"lists and objects may have at most {self.entries} entries"
        return next((problem for item in value if (problem := self.value_problem(item, depth - 1))), None)

    def object_problem(self, value: dict[str, Any], depth: int | None = None) -> str | None:
        """Why an object (its values ``depth`` levels deep, the top object's by default) is not allowed."""
        if len(value) > self.entries:
            return f"lists and objects may have at most {self.entries} entries"
        for key, item in value.items():
            if not isinstance(key, str) or not 1 <= len(key) <= self.key:
                return f"keys must have 1 to {self.key} characters"
            if problem := self.value_problem(item, depth):
                return problem
        return None
