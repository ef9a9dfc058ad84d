"""HTTP conventions of the Cosmic spec that every endpoint group shares: API versions with their
deprecation headers, and cacheable reads (``Cache-Control`` + ``ETag``, 304 on a match).

API versions (``data/api_versions.json``): a client may send ``API-Version: <date>``; without it
it gets the current version. An unknown version is a 400 ``UNSUPPORTED_API_VERSION`` listing the
supported ones. Every answer names the version it was served with in ``API-Version``; a
deprecated version (one with a sunset date), or a route listed as deprecated, also gets
``X-Deprecated: true`` and ``X-Sunset: <date>``. Today only 2025-01-01 exists and nothing is
deprecated, so those two headers appear once the data file marks something.

Caching (the spec's "Caching Strategy"). Decision: the catalogue is the same for everyone and
changes only on deploy, so ``GET /cosmetics`` without a token and ``GET /shop/daily`` are
``public`` with a ``max-age`` (one hour, never past the next UTC midnight; the shop's one minute,
because its limited stock changes as players buy). A player's own data (wallet, progress,
loadout, and the catalogue as that player sees it) is ``private, no-cache`` with an ``ETag``:
every read revalidates, answered 304 with no body when nothing changed, so a change (a
transaction, a match's end, an equip) shows at once instead of after the spec's 30 s to 10 min.
The spec's TTLs are for a server-side cache with explicit invalidation; there is none here (each
read is one or two DynamoDB requests), and the ETag is that invalidation: it is a hash of the
body, so it changes exactly when the data does.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import Header, Request
from fastapi.responses import Response

from cosmic_ttt.catalogue import api_versions
from shared.errors import InvalidInput

API_VERSION_HEADER = "API-Version"


def _supported_versions(schema: dict[str, Any]) -> None:
    """The document lists the versions ``data/api_versions.json`` supports (read when the document
    is built, not on a cold start)."""
    schema["enum"] = sorted(api_versions().sunsets)


def check_api_version(
    request: Request,
    # Typed str (not Optional) so the document does not offer null: absent is the only "none".
    api_version: str = Header(default=None, alias=API_VERSION_HEADER, json_schema_extra=_supported_versions),
) -> str:
    """Router dependency: the version this request is served with (400 for an unknown one)."""
    versions = api_versions()
    # An empty header names no version: refused like any unknown one (only an absent header means current).
    served = api_version.strip() if api_version is not None else versions.current
    if served not in versions.sunsets:
        raise InvalidInput(
            f"API-Version {served} is not supported",
            {"requested": served, "supported": sorted(versions.sunsets)},
            code="UNSUPPORTED_API_VERSION",
        )
    return served


class CosmicHeaders:
    """Pure ASGI middleware: ``API-Version`` on every answer, deprecation headers where due."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        versions = api_versions()
        requested = dict(scope.get("headers") or []).get(b"api-version", b"").decode("latin-1").strip()
        served = requested if requested in versions.sunsets else versions.current

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"api-version", served.encode()))
                sunset = versions.sunsets.get(served)
                route = scope.get("route")
                if route is not None:
                    key = f"{scope['method']} {getattr(route, 'path', '')}"
                    route_sunset = versions.deprecated_routes.get(key)
                    sunset = min(filter(None, (sunset, route_sunset)), default=None)
                if sunset is not None:
                    headers += [(b"x-deprecated", b"true"), (b"x-sunset", sunset.isoformat().encode())]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def seconds_to_midnight(now: datetime | None = None) -> int:
    now = now or datetime.now(UTC)
    midnight = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
    return max(int((midnight - now).total_seconds()), 1)


def _etag(payload: bytes) -> str:
    return '"' + hashlib.sha256(payload).hexdigest()[:32] + '"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = [part.strip().removeprefix("W/") for part in if_none_match.split(",")]
    return "*" in candidates or etag in candidates


def cacheable(request: Request, body: Any, *, public_max_age: int | None = None) -> Response:
    """A JSON answer with an ETag: 304 when the client already has it. ``public_max_age`` makes it
    cacheable by anyone for that long; otherwise it is the caller's own (private, revalidated)."""
    payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    etag = _etag(payload)
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={public_max_age}" if public_max_age is not None else "private, no-cache",
        "Vary": "Authorization",
    }
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(payload, media_type="application/json", headers=headers)


NOT_MODIFIED = {304: {"description": "Not modified: the client's copy (If-None-Match) is current"}}
