"""The answer for requests no route of the API takes, in the API's own envelope.

API Gateway HTTP APIs send a request that matches no route to the ``$default`` route if there is
one, and otherwise answer ``{"message":"Not Found"}`` themselves, with none of the API's headers.
Each API therefore routes ``$default`` (``Path: $default, Method: ANY``) to a small function whose
app is built here from the API's route table: a path some route serves under other methods gets
405 with ``Allow`` (as RFC 9110 asks), anything else 404; both carry the request id, security and
rate-limit headers like every other answer.

The route table (path template -> methods) is a literal in the API's fallback module, not read
from its routers: importing every endpoint group's handler builds every app, model and logic
module of the API, which made the fallback the slowest cold start of each API for a function that
answers from a table. ``route_table(routers)`` gives the table the routers declare; each API's
test holds its literal to it.
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.routing import APIRoute
from starlette.routing import compile_path

from shared.app import create_app
from shared.auth import Authenticator
from shared.errors import DomainError, ErrorStyle

_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT"]
RouteTable = Mapping[str, Iterable[str]]  # path template ("/items/{itemId}") -> its methods


class RouteNotFound(DomainError):
    kind = "route_not_found"


class MethodNotAllowed(DomainError):
    kind = "method_not_allowed"


def route_table(routers: Iterable[APIRouter]) -> dict[str, tuple[str, ...]]:
    """The paths and methods the routers serve, in the shape a fallback's table takes."""
    table: dict[str, set[str]] = {}
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute):
                table.setdefault(route.path_format, set()).update(route.methods)
    return {path: tuple(sorted(methods)) for path, methods in sorted(table.items())}


class Resource:
    def __init__(self, path: str, methods: Iterable[str]):
        self.path = path
        self.methods = frozenset(methods)
        self.pattern: re.Pattern[str] = compile_path(path)[0]


def allowed_methods(resources: Iterable[Resource], path: str) -> list[str]:
    """The methods of the resource at ``path``. As in OpenAPI, a path without parameters
    (``/transactions/purchase``) is its own resource, not an instance of a templated sibling
    (``/transactions/{transactionId}``), so its ``Allow`` matches what the document says of it."""
    matching = [resource for resource in resources if resource.pattern.match(path)]
    concrete = [resource for resource in matching if "{" not in resource.path]
    methods: set[str] = set()
    for resource in concrete or matching:
        methods |= resource.methods
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def create_fallback_app(
    api_name: str,
    style: ErrorStyle,
    routers: Iterable[APIRouter] = (),
    authenticate: Authenticator | None = None,
    *,
    routes: RouteTable | None = None,
) -> FastAPI:
    """The fallback app of an API whose routes are ``routes`` (its literal table) or, for an API
    that passes them, those of ``routers``."""
    table = dict(routes) if routes is not None else route_table(routers)
    resources = [Resource(path, methods) for path, methods in table.items()]
    fallback = APIRouter()

    @fallback.api_route("/{path:path}", methods=_ALL_METHODS, include_in_schema=False)
    def no_route(request: Request, path: str) -> Any:
        allowed = allowed_methods(resources, request.url.path)
        if allowed:
            error = MethodNotAllowed(f"{request.method} is not allowed on {request.url.path}", {"allowed": allowed})
            raise error
        raise RouteNotFound(f"No route {request.method} {request.url.path}")

    app = create_app(api_name, style, [fallback], authenticate=authenticate)

    @app.middleware("http")
    async def allow_header(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        if response.status_code == 405:
            response.headers["Allow"] = ", ".join(allowed_methods(resources, request.url.path))
        return response

    return app
