"""What the request models of every endpoint group share: strict spec models and reusable types.

Request bodies are strict (``"maxTokens": "5"`` or ``"budget": 7.5`` is a 422, not coerced) and
refuse unknown fields, except the free-form ``metadata`` objects the spec shows open. The models
are split by endpoint group so that each function builds only its own at a cold start.
"""

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

WEBHOOK_EVENTS = ("conversation.started", "conversation.ended", "lead.created", "lead.qualified")
LEAD_STATUSES = ("new", "contacted", "qualified", "converted", "lost")
AGENT_STATUSES = ("creating", "active", "inactive", "error")

# Every character ``str.strip()`` removes (what Python's ``\\s`` matches), spelled out: a fuzzer's
# idea of ``\\s`` is narrower, so the document's patterns name each one.
WS = r"\t\n\u000b\u000c\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
SLUG_PATTERN = rf"^[{WS}]*[A-Za-z0-9][A-Za-z0-9_.-]{{0,31}}[{WS}]*$"
# An address as shared.identity reads one, bounded so that the whole address stays within RFC
# 5321's 254 characters (64 + 1 + 120 + 1 + 63).
EMAIL_PATTERN = rf"^[{WS}]*[^@{WS}]{{1,64}}@[^@{WS}]{{1,120}}\.[^@{WS}]{{2,63}}[{WS}]*$"
PHONE_PATTERN = rf"^[{WS}]*\+?[0-9][0-9 ().-]{{2,29}}[0-9().-][{WS}]*$"


def matching(pattern: str, problem: str, lower: bool = False) -> Any:
    """A ``str`` the server checks against the same pattern the document states (Python's re on
    both sides), then trims (and lowers)."""
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if not isinstance(value, str):
            return value  # the strict str check refuses it
        if not compiled.match(value):
            raise ValueError(problem)
        value = value.strip()
        return value.lower() if lower else value

    return Annotated[str, BeforeValidator(check), WithJsonSchema({"type": "string", "pattern": pattern})]


Slug = matching(SLUG_PATTERN, "must be 1-32 letters, digits, _ . or -, starting with a letter or digit", lower=True)
Email = matching(EMAIL_PATTERN, "must be an email address", lower=True)
Phone = matching(PHONE_PATTERN, "must be a phone number: an optional +, then 4-31 digits, spaces, ( ) . or -")


def _integral(value: Any) -> Any:
    """JSON has one number type: ``7.0`` is the integer 7 (as JSON Schema says); ``7.5`` stays a
    float and is refused, and so are strings and booleans (strict models)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


Whole = BeforeValidator(_integral)  # after the Field constraints, so the schema keeps them
Score = Annotated[int, Field(ge=0, le=10), Whole]

# Free-form metadata (a conversation's, a message's) within bounds the document states, so that
# what it calls valid is what the server keeps: keys of 1-100 characters, at most 20 entries per
# object or list, lists and objects nested at most two levels below the top, strings up to 500
# characters, numbers 0 or between 1e-30 and 1e30 in magnitude (DynamoDB keeps 38 digits between
# 1e-130 and 1e126; these bounds keep every number well inside). The serialised size limit
# (logic/conversations.py) is stated in the description.
METADATA_ENTRIES = 20
METADATA_KEY = 100
METADATA_STRING = 500
METADATA_DEPTH = 2
METADATA_NUMBER_MIN, METADATA_NUMBER_MAX = 1e-30, 1e30


def metadata_value_schema(depth: int = METADATA_DEPTH) -> dict[str, Any]:
    """The JSON schema of one metadata value, ``depth`` levels of lists and objects deep."""
    choices: list[dict[str, Any]] = [
        {"type": "string", "maxLength": METADATA_STRING},
        {"type": "boolean"},
        {"type": "null"},
        {"const": 0},
        {"type": "number", "minimum": METADATA_NUMBER_MIN, "maximum": METADATA_NUMBER_MAX},
        {"type": "number", "minimum": -METADATA_NUMBER_MAX, "maximum": -METADATA_NUMBER_MIN},
    ]
    if depth > 0:
        inner = metadata_value_schema(depth - 1)
        choices += [
            {"type": "array", "maxItems": METADATA_ENTRIES, "items": inner},
            metadata_object_schema(inner),
        ]
    return {"anyOf": choices}


def metadata_object_schema(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "maxProperties": METADATA_ENTRIES,
        "propertyNames": {"minLength": 1, "maxLength": METADATA_KEY},
        "additionalProperties": values,
    }


def metadata_problem(value: Any, depth: int = METADATA_DEPTH) -> str | None:
    """Why ``value`` is not a metadata value the document allows, or None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return None if len(value) <= METADATA_STRING else f"strings may have at most {METADATA_STRING} characters"
    if isinstance(value, int | float):
        if value == 0 or METADATA_NUMBER_MIN <= abs(value) <= METADATA_NUMBER_MAX:
            return None
        return f"numbers must be 0 or between {METADATA_NUMBER_MIN:g} and {METADATA_NUMBER_MAX:g} in magnitude"
    if not isinstance(value, list | dict):
        return "values must be JSON"
    if depth <= 0:
        return f"lists and objects may be nested at most {METADATA_DEPTH} levels deep"
    if len(value) > METADATA_ENTRIES:
        return f"lists and objects may have at most {METADATA_ENTRIES} entries"
    if isinstance(value, dict):
        return object_problem(value, depth - 1)
    return next((problem for item in value if (problem := metadata_problem(item, depth - 1))), None)


def object_problem(value: dict[str, Any], depth: int = METADATA_DEPTH) -> str | None:
    """Why an object of metadata entries (values ``depth`` levels deep) is not allowed, or None."""
    if len(value) > METADATA_ENTRIES:
        return f"lists and objects may have at most {METADATA_ENTRIES} entries"
    for key, item in value.items():
        if not 1 <= len(key) <= METADATA_KEY:
            return f"keys must have 1 to {METADATA_KEY} characters"
        if problem := metadata_problem(item, depth):
            return problem
    return None


def _check_metadata(value: dict[str, Any]) -> dict[str, Any]:
    if problem := object_problem(value):
        raise ValueError(problem)
    return value


Metadata = Annotated[
    dict[str, Any],
    AfterValidator(_check_metadata),
    WithJsonSchema(metadata_object_schema(metadata_value_schema())),
]


class SpecModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
