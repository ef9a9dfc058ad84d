"""The answer for requests no route of the API takes, in the API's own envelope.

API Gateway HTTP APIs send a request that matches no route to the ``$default`` route if there is
one, and otherwise answer ``{"message":"Not Found"}`` themselves, with none of the API's headers.
Each API therefore routes ``$default`` (``Path: $default, Method: ANY``) to a small function whose
app is built here from the API's own routers: a path some route serves under other methods gets
405 with ``Allow`` (as RFC 9110 asks), anything else 404; both carry the request id, security and
rate-limit headers like every other answer.
"""

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.routing import APIRoute
from starlette.routing import Match

from shared.app import create_app
from shared.auth import Authenticator
from shared.errors import DomainError, ErrorStyle

_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT"]


class RouteNotFound(DomainError):
    kind = "route_not_found"


class MethodNotAllowed(DomainError):
    kind = "method_not_allowed"


def allowed_methods(routes: Iterable[APIRoute], path: str) -> list[str]:
    """The methods of the resource at ``path``. As in OpenAPI, a path without parameters
    (``/transactions/purchase``) is its own resource, not an instance of a templated sibling
    (``/transactions/{transactionId}``), so its ``Allow`` matches what the document says of it."""
    scope = {"type": "http", "path": path, "method": "GET", "root_path": ""}
    matching = []
    for route in routes:
        match, _ = route.matches({**scope, "method": next(iter(route.methods))})
        if match in (Match.FULL, Match.PARTIAL):
            matching.append(route)
    concrete = [route for route in matching if "{" not in route.path_format]
    methods: set[str] = set()
    for route in concrete or matching:
        methods |= set(route.methods)
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def create_fallback_app(
    api_name: str, style: ErrorStyle, routers: Iterable[APIRouter], authenticate: Authenticator | None = None
) -> FastAPI:
    routes = [route for router in routers for route in router.routes if isinstance(route, APIRoute)]
    fallback = APIRouter()

    @fallback.api_route("/{path:path}", methods=_ALL_METHODS, include_in_schema=False)
    def no_route(request: Request, path: str) -> Any:
        allowed = allowed_methods(routes, request.url.path)
        if allowed:
            error = MethodNotAllowed(f"{request.method} is not allowed on {request.url.path}", {"allowed": allowed})
            raise error
        raise RouteNotFound(f"No route {request.method} {request.url.path}")

    app = create_app(api_name, style, [fallback], authenticate=authenticate)

    @app.middleware("http")
    async def allow_header(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        if response.status_code == 405:
            response.headers["Allow"] = ", ".join(allowed_methods(routes, request.url.path))
        return response

    return app
