"""What the request models of every endpoint group share: strict spec models and reusable types.

Request bodies are strict (``"maxTokens": "5"`` or ``"budget": 7.5`` is a 422, not coerced) and
refuse unknown fields, except the free-form ``metadata`` objects the spec shows open. The models
are split by endpoint group so that each function builds only its own at a cold start.
"""

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from shared.freeform import FreeformBounds

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

# Free-form metadata (a conversation's, a message's) within the bounds shared.freeform states in the
# document and enforces alike; the serialised size limit (logic/conversations.py) is in the
# description.
METADATA = FreeformBounds()


def _check_metadata(value: dict[str, Any]) -> dict[str, Any]:
    if problem := METADATA.object_problem(value):
        raise ValueError(problem)
    return value


Metadata = Annotated[
    dict[str, Any],
    AfterValidator(_check_metadata),
    WithJsonSchema(METADATA.object_schema()),
]


class SpecModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
