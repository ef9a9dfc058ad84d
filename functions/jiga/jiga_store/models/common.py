"""What the spec's request and response models share: strict request bodies, the spec's enums,
whole numbers as JSON sends them, and the patterns several routes use.

The models themselves live with their endpoint group (``models/agents.py``, ``models/wallet.py``,
...): each function builds the pydantic models of its own routes and no others on a cold start.
"""

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from shared.text import trimmed

Rank = Literal["Bronze", "Silver", "Gold", "Platinum"]
AgentType = Literal["Assistant", "Mentor", "Specialist"]
Provider = Literal["gemini", "google", "openai"]
ToolId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
Tag = trimmed(1, 30)
GameName = trimmed(1, 60)
AgentName = trimmed(3, 50)


def _integral(value: Any) -> Any:
    """JSON has one number type: ``9035.0`` is the integer 9035 (as JSON Schema says); ``2.5``
    stays a float and is refused, and so are strings and booleans (strict models)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


WHOLE = BeforeValidator(_integral)  # after the Field constraints, so the schema keeps them
DofAmount = Annotated[int, Field(gt=0, le=1_000_000_000), WHOLE]

ALLOWED_CATEGORIES = (
    "Gaming",
    "Mentors",
    "Assistants",
    "Specialists",
    "Coaching",
    "Esports",
    "Casual",
    "Competitive",
    "Streaming",
    "Education",
)
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# explicit classes rather than \S: Python's re and pydantic's Rust regex disagree on what is space
RETURN_URL_PATTERN = r"^(https://[A-Za-z0-9.-]+|http://(localhost|127\.0\.0\.1))(:[0-9]{1,5})?([/?#][^ \t\r\n\f\v]*)?$"
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"  # base64url, as shared.pagination encodes them
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class SpecModel(BaseModel):
    """Request bodies as the spec types them: strict, so ``"hasMemory": 0`` or ``"amount": "5"``
    is a 400 rather than silently coerced; unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True)


class Pricing(SpecModel):
    """Whole DOFs. Beyond these bounds the rules depend on the agent's rank and on each other
    (logic/agents.py ``check_pricing``): 422 ``PRICING_VALIDATION_FAILED``."""

    hourly: Annotated[int, Field(ge=1, le=1_000_000), WHOLE]
    daily: Annotated[int, Field(ge=1, le=24_000_000), WHOLE]
    weekly: Annotated[int, Field(ge=1, le=168_000_000), WHOLE]


class WalletPagination(BaseModel):
    limit: int
    nextCursor: str | None
    hasMore: bool
