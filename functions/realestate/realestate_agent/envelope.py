"""The spec's success envelope ``{success: true, data, metadata}`` and its page shape."""

from typing import Any, Generic, TypeVar

from fastapi import Request
from pydantic import BaseModel

from realestate_agent.errors import Metadata, metadata
from shared.errors import InvalidInput

T = TypeVar("T")
MAX_LIMIT = 100


class Envelope(BaseModel, Generic[T]):
    success: bool
    data: T
    metadata: Metadata


class Pagination(BaseModel):
    page: int
    limit: int
    total: int
    totalPages: int
    hasNext: bool
    hasPrev: bool


class Page(BaseModel, Generic[T]):
    items: list[T]
    pagination: Pagination


def request_id(request: Request) -> str:
    return getattr(request.state, "request_id", None) or "req-local"


def ok(request: Request, data: Any) -> dict[str, Any]:
    return {"success": True, "data": data, "metadata": metadata(request_id(request))}


def pagination(page: int, limit: int, total: int) -> dict[str, Any]:
    total_pages = (total + limit - 1) // limit if total else 0
    return {
        "page": page,
        "limit": limit,
        "total": total,
        "totalPages": total_pages,
        "hasNext": page < total_pages,
        "hasPrev": page > 1,
    }


def paged(items: list[Any], page: int, limit: int, total: int) -> dict[str, Any]:
    return {"items": items, "pagination": pagination(page, limit, total)}


def sort_pattern(allowed: dict[str, str]) -> str:
    """The document's pattern for a ``sort`` query parameter: exactly what ``parse_sort`` takes
    (empty means the default; a field alone, or a field and ``:`` alone, sorts ascending)."""
    return rf"^(({'|'.join(allowed)})(:(asc|desc)?)?)?$"


def parse_sort(sort: str | None, allowed: dict[str, str], default: str) -> tuple[str, bool]:
    """``createdAt:desc`` -> (attribute, descending); a field or direction not offered is a 400."""
    field, _, direction = (sort or default).partition(":")
    direction = direction or "asc"
    if field not in allowed or direction not in ("asc", "desc"):
        raise InvalidInput(
            f"sort must be one of {', '.join(f'{name}:asc|desc' for name in allowed)}",
            {"field": "sort", "value": sort},
        )
    return allowed[field], direction == "desc"
