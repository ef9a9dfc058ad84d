"""The one pagination helper: page/limit, offset/limit and opaque cursors.

Cursors are DynamoDB ``LastEvaluatedKey`` values, base64url-encoded JSON, so a client can only
hand back what it was given; a tampered cursor is a 400, never a 500.
"""

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from shared.errors import InvalidInput

T = TypeVar("T")


@dataclass
class CursorPage(Generic[T]):
    items: list[T]
    next_cursor: str | None = None


@dataclass(frozen=True)
class PageRequest:
    """A page/limit request (1-based pages), also usable as offset/limit."""

    page: int = 1
    limit: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    @classmethod
    def from_offset(cls, offset: int, limit: int) -> "PageRequest":
        return cls(page=offset // limit + 1, limit=limit)


@dataclass
class Page(Generic[T]):
    items: list[T]
    page: int
    limit: int
    total: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_more(self) -> bool:
        return self.page * self.limit < self.total


def paginate(items: list[T], request: PageRequest) -> Page[T]:
    """Slice an already filtered and sorted list."""
    return Page(
        items=items[request.offset : request.offset + request.limit],
        page=request.page,
        limit=request.limit,
        total=len(items),
    )


def encode_cursor(last_evaluated_key: dict[str, Any]) -> str:
    raw = json.dumps(last_evaluated_key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise InvalidInput("Invalid pagination cursor", {"cursor": cursor}) from error
    if not isinstance(decoded, dict) or not all(isinstance(v, dict) for v in decoded.values()):
        raise InvalidInput("Invalid pagination cursor", {"cursor": cursor})
    return decoded
