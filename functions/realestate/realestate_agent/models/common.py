"""What the request models of every endpoint group share: strict spec models and reusable types.

Request bodies are strict (``"maxTokens": "5"`` or ``"budget": 7.5`` is a 422, not coerced) and
refuse unknown fields, except the free-form ``metadata`` objects the spec shows open. The models
are split by endpoint group so that each function builds only its own at a cold start.
"""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.identity import is_valid_email

WEBHOOK_EVENTS = ("conversation.started", "conversation.ended", "lead.created", "lead.qualified")
LEAD_STATUSES = ("new", "contacted", "qualified", "converted", "lost")
AGENT_STATUSES = ("creating", "active", "inactive", "error")
Slug = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[a-z0-9][a-z0-9_.-]{0,31}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=3, max_length=254)]
Score = Annotated[int, Field(ge=0, le=10)]


class SpecModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _email(value: str) -> str:
    if not is_valid_email(value):
        raise ValueError("must be an email address")
    return value
