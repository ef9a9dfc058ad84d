"""The FastAPI app factory every endpoint group uses, and the Lambda handler around it.

``create_app`` wires, once per function: the API's error envelope for every failure, request ids
(API Gateway's ``requestContext.requestId``, or the client's own ``X-Request-ID`` for an API that
asks for it) on every response and in every log line, security headers, CORS from configuration,
a body-size limit, the DynamoDB-backed rate limiter and, when a caller's ``RateLimit`` sets
``concurrent``, a cap on that caller's requests in flight (``shared.concurrency``).
``lambda_handler`` wraps the app in Mangum with Powertools Logger and Metrics.
"""

import inspect
import json
import re
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared import auth, concurrency
from shared.errors import DomainError, ErrorStyle, InvalidInput, PayloadTooLarge, RateLimited
from shared.observability import count, log_exception, logger, metrics
from shared.ratelimit import RateLimit, RateLimitRule, check_rate_limit
from shared.settings import get_settings
from shared.storable import json_body_problem

MAX_BODY_BYTES = 1024 * 1024
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"strict-transport-security", b"max-age=63072000; includeSubDomains"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"cache-control", b"no-store"),
]


_CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")


def _request_id(scope: dict[str, Any]) -> str:
    event = scope.get("aws.event") or {}
    return event.get("requestContext", {}).get("requestId") or f"req_{uuid.uuid4().hex[:16]}"


def _client_request_id(scope: dict[str, Any]) -> str | None:
    """The client's ``X-Request-ID`` if it is a plausible id (1-128 URL-safe characters; a UUID is
    one); anything else is ignored rather than echoed into headers and logs."""
    value = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1").strip()
    return value if _CLIENT_REQUEST_ID.fullmatch(value) else None


def _hold_seconds(scope: dict[str, Any]) -> float:
    """How long a request may still run: the Lambda's remaining time (30 s outside Lambda)."""
    context = scope.get("aws.context")
    if context is not None and hasattr(context, "get_remaining_time_in_millis"):
        return context.get_remaining_time_in_millis() / 1000
    return 30.0


def _source_ip(scope: dict[str, Any]) -> str:
    event = scope.get("aws.event") or {}
    ip = event.get("requestContext", {}).get("http", {}).get("sourceIp")
    if ip:
        return ip
    client = scope.get("client")
    return client[0] if client else "unknown"


class PlatformMiddleware:
    """Pure ASGI middleware (cheaper than BaseHTTPMiddleware on every request)."""

    def __init__(
        self,
        app: Any,
        api_name: str,
        style: ErrorStyle,
        rate_limit: RateLimitRule,
        authenticate: auth.Authenticator | None,
        client_request_id: bool = False,
    ):
        self.app = app
        self.api_name = api_name
        self.style = style
        self.rate_limit = rate_limit
        # a rule with a ``method`` parameter gets the request's method (reads and writes of one
        # endpoint group limited apart, as Cosmic's spec asks)
        self.rule_takes_method = "method" in _parameters(rate_limit)
        self.authenticate = authenticate
        self.client_request_id = client_request_id

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        gateway_request_id = _request_id(scope)
        request_id = (self.client_request_id and _client_request_id(scope)) or gateway_request_id
        scope.setdefault("state", {})["request_id"] = request_id
        logger(self.api_name).set_correlation_id(request_id)
        if request_id != gateway_request_id:
            logger(self.api_name).append_keys(gateway_request_id=gateway_request_id)
        else:
            logger(self.api_name).remove_keys(["gateway_request_id"])
        extra_headers = [(b"x-request-id", request_id.encode()), *SECURITY_HEADERS]

        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            await self._reject(send, PayloadTooLarge("Request body exceeds 1 MiB"), request_id, extra_headers)
            return

        lease = None
        if scope.get("method") != "OPTIONS":
            principal = self._principal(scope)
            limit = (
                self.rate_limit(principal, method=scope["method"])
                if self.rule_takes_method
                else self.rate_limit(principal)
            )
            caller = f"user:{principal.user_id}" if principal else f"ip:{_source_ip(scope)}"
            if limit is not None and limit.per_minute > 0:
                decision = check_rate_limit(get_settings().rate_limit_table, self.api_name, caller, limit)
                extra_headers += decision.headers()
                if not decision.allowed:
                    extra_headers.append((b"retry-after", str(decision.retry_after).encode()))
                    error = RateLimited(
                        f"Rate limit of {limit.per_minute} requests per minute exceeded"
                        if decision.remaining < 0
                        else f"More than {limit.burst} requests in one second",
                        {
                            "limit": limit.per_minute,
                            "remaining": 0,
                            "resetAt": decision.reset_at,
                            "retryAfter": decision.retry_after,
                        },
                    )
                    await self._reject(send, error, request_id, extra_headers)
                    return
            if limit is not None and limit.concurrent:
                lease = concurrency.acquire(
                    get_settings().rate_limit_table,
                    self.api_name,
                    caller,
                    limit.concurrent,
                    request_id,
                    _hold_seconds(scope),
                )
                if lease is None:
                    extra_headers.append((b"retry-after", b"1"))
                    error = RateLimited(
                        f"More than {limit.concurrent} requests in flight at once",
                        {
                            "limit": limit.concurrent,
                            "remaining": 0,
                            "resetAt": int(time.time()) + 1,
                            "retryAfter": 1,
                        },
                    )
                    await self._reject(send, error, request_id, extra_headers)
                    return
        try:
            await self._serve(scope, receive, send, request_id, extra_headers)
        finally:
            if lease is not None:
                concurrency.release(get_settings().rate_limit_table, self.api_name, lease)

    async def _serve(
        self, scope: dict[str, Any], receive: Callable, send: Callable, request_id: str, extra_headers: list
    ) -> None:
        if scope.get("method") in ("POST", "PUT", "PATCH", "DELETE"):
            body = await _read_body(receive)
            if len(body) > MAX_BODY_BYTES:  # a chunked body declares no length
                await self._reject(send, PayloadTooLarge("Request body exceeds 1 MiB"), request_id, extra_headers)
                return
            content_type = dict(scope.get("headers") or []).get(b"content-type", b"")
            problem = json_body_problem(body) if b"json" in content_type.lower() else None
            if problem is not None:
                await self._reject(send, InvalidInput(problem), request_id, extra_headers)
                return
            receive = _replay(body)

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                own = list(message.get("headers", []))
                # no-store is the default; a response that states its own caching keeps it
                keeps_cache_control = any(name.lower() == b"cache-control" for name, _ in own)
                message["headers"] = own + [
                    header for header in extra_headers if not (keeps_cache_control and header[0] == b"cache-control")
                ]
                status = message["status"]
                count(self.api_name, "Requests")
                if status >= 500:
                    count(self.api_name, "ServerErrors")
                elif status >= 400:
                    count(self.api_name, "ClientErrors")
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _principal(self, scope: dict[str, Any]) -> auth.Principal | None:
        """The verified caller for rate limiting (kept for the route, so a token is verified once);
        None for an anonymous caller or a token that does not verify (the route answers that)."""
        token = auth.bearer_token(Request(scope))
        if not token or self.authenticate is None:
            return None
        try:
            principal = self.authenticate(token)
        except Exception:  # any token problem (or a function without the key) counts by IP
            logger(self.api_name).debug("Rate limiting by source IP: bearer token not usable")
            return None
        scope.setdefault("state", {})["principal"] = principal
        return principal

    async def _reject(self, send: Callable, error: DomainError, request_id: str, headers: list) -> None:
        status, body = self.style.body(error, request_id)
        payload = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json"), *headers],
            }
        )
        await send({"type": "http.response.body", "body": payload})


def _parameters(function: Callable) -> set[str]:
    try:
        return set(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return set()


def _default_rate_limit(_principal: auth.Principal | None) -> RateLimit:
    return RateLimit(get_settings().rate_limit_per_minute)


async def _read_body(receive: Callable) -> bytes:
    chunks = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body") or size > MAX_BODY_BYTES:
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Callable:
    """A receive callable that hands the already read body to the app once, then waits as ASGI expects."""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


def _validation_details(error: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    details = []
    all_missing = True
    for item in error.errors():
        location = [str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path")]
        if item.get("type") != "missing":
            all_missing = False
        details.append({"field": ".".join(location) or "body", "message": item.get("msg", "Invalid value")})
    return ("missing_field" if all_missing and details else "invalid_input"), details


def create_app(
    api_name: str,
    style: ErrorStyle,
    routers: Iterable[APIRouter],
    rate_limit: RateLimitRule | None = None,
    authenticate: auth.Authenticator | None = None,
    client_request_id: bool = False,
) -> FastAPI:
    """One FastAPI app per endpoint group. ``authenticate`` turns a bearer token into a Principal
    with the API's own token policy (see shared.auth); without it the app accepts no tokens.
    ``rate_limit`` maps the caller (a Principal or None), and the request's method if the rule has
    a ``method`` parameter, to its ``RateLimit``; by default every caller gets
    ``RATE_LIMIT_PER_MINUTE`` in one category for the whole API. With
    ``client_request_id`` a client's valid ``X-Request-ID`` becomes the request id (echoed in the
    response header, the error body and the logs, API Gateway's id kept in the logs beside it);
    without one, API Gateway's id is used as always."""
    # Every error is in the API's envelope, so that is what the OpenAPI document says (this also
    # replaces FastAPI's default 422 schema, a shape this platform never returns).
    errors = {"model": style.envelope, "description": "Error, in the API's envelope"} if style.envelope else None
    app = FastAPI(
        title=api_name,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        responses={"4XX": errors, "5XX": errors} if errors else None,
    )
    app.state.api_name = api_name
    app.state.error_style = style
    app.state.authenticate = authenticate

    for router in routers:
        app.include_router(router)

    def render(request: Request, error: DomainError) -> JSONResponse:
        request_id = getattr(request.state, "request_id", None) or _request_id(request.scope)
        status, body = style.body(error, request_id)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(status_code=status, content=body, headers=headers)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> JSONResponse:
        return render(request, error)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        kind, details = _validation_details(error)
        failure = DomainError("Request validation failed", details)
        failure.kind = kind
        return render(request, failure)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        failure = DomainError(str(error.detail))
        failure.kind = {404: "route_not_found", 405: "method_not_allowed"}.get(error.status_code, "invalid_input")
        return render(request, failure)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, error: Exception) -> JSONResponse:
        log_exception(api_name, "Unhandled error", path=request.url.path)
        failure = DomainError("An unexpected error occurred")
        failure.kind = "internal"
        return render(request, failure)

    settings = get_settings()
    wrapped: Any = PlatformMiddleware(
        app, api_name, style, rate_limit or _default_rate_limit, authenticate, client_request_id
    )
    if settings.cors_origins:
        wrapped = _cors(wrapped, settings.cors_origins)
    app.state.asgi = wrapped
    return app


def _cors(app: Any, origins: list[str]) -> Any:
    """CORS in the app rather than in API Gateway's ``CorsConfiguration`` (whose SAM transform
    cannot take the origins from a parameter): preflights reach the API's ``$default`` route and
    are answered here as API Gateway would, 204 with the CORS headers for an allowed origin and
    204 without them otherwise."""
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import Response

    class PreflightAs204(CORSMiddleware):
        def preflight_response(self, request_headers: Any) -> Response:
            answer = super().preflight_response(request_headers)
            if answer.status_code != 200:
                return Response(status_code=204)
            headers = {k: v for k, v in answer.headers.items() if k.lower() not in ("content-length", "content-type")}
            return Response(status_code=204, headers=headers)

    return PreflightAs204(
        app,
        allow_origins=origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID", "X-Request-Id"],
        expose_headers=["X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"],
        max_age=600,
    )


def lambda_handler(app: FastAPI) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """Mangum around the app, built once per function, with Powertools around Mangum."""
    from aws_lambda_powertools.logging import correlation_paths
    from mangum import Mangum

    service = app.state.api_name
    adapter = Mangum(app.state.asgi, lifespan="off")

    @logger(service).inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
    @metrics(service).log_metrics
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return adapter(event, context)

    return handler
