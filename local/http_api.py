"""HTTP APIs as API Gateway serves them: routes from the template's ``HttpApi`` events, payload
format 2.0 events, CORS preflight, and the function's response turned back into HTTP.

``RuntimeTransport`` lets an httpx client send requests through this routing without a socket.
"""

import base64
import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import httpx

from local.template import ACCOUNT_ID


@dataclass
class Route:
    api_id: str
    method: str
    path: str
    function_id: str
    pattern: re.Pattern
    specificity: tuple[int, int]

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if self.method not in ("ANY", method):
            return None
        found = self.pattern.fullmatch(path)
        return found.groupdict() if found else None


def _route_pattern(path: str) -> tuple[re.Pattern, tuple[int, int]]:
    """A route's path as a regex, and how specific it is: literal segments beat parameters, which
    beat greedy ``{proxy+}``; ``$default`` takes what no other route of the API takes."""
    if path == "$default":
        return re.compile(".*"), (-2, 0)
    parts = []
    literal = 0
    greedy = 0
    for segment in path.strip("/").split("/"):
        match = re.fullmatch(r"\{([A-Za-z0-9_]+)(\+?)\}", segment)
        if match and match.group(2):
            parts.append(f"(?P<{match.group(1)}>.+)")
            greedy = 1
        elif match:
            parts.append(f"(?P<{match.group(1)}>[^/]+)")
        else:
            parts.append(re.escape(segment))
            literal += 1
    return re.compile("/" + "/".join(parts)), (-greedy, literal)


def load_routes(runtime: Any) -> list[Route]:
    """Every ``HttpApi`` event of every function, most specific path first (as API Gateway matches)."""
    routes = []
    for key, function in runtime.resources("AWS::Serverless::Function").items():
        for event in function.properties.get("Events", {}).values():
            if event["Type"] != "HttpApi":
                continue
            properties = event["Properties"]
            api_id = runtime.tree.in_stack(function.stack, properties["ApiId"]["Ref"]).key
            path = properties["Path"]
            pattern, specificity = _route_pattern(path)
            method = properties.get("Method", "ANY").upper()
            routes.append(Route(api_id, method, path, key, pattern, specificity))
    routes.sort(key=lambda route: route.specificity, reverse=True)
    return routes


def cors_preflight(cors: dict[str, Any], method: str, headers: list[tuple[str, str]]) -> tuple | None:
    """API Gateway's answer to a CORS preflight, or None when the request is not one."""
    lowered = {name.lower(): value for name, value in headers}
    if method.upper() != "OPTIONS" or "access-control-request-method" not in lowered:
        return None
    if not cors:
        return None  # API Gateway routes the preflight like any request (to $default, if any)
    origin = lowered.get("origin", "")
    allowed = cors.get("AllowOrigins", [])
    if origin not in allowed and "*" not in allowed:
        return 204, [], b""
    return (
        204,
        [
            ("access-control-allow-origin", origin),
            ("access-control-allow-methods", ",".join(cors.get("AllowMethods", []))),
            ("access-control-allow-headers", ",".join(cors.get("AllowHeaders", []))),
            ("access-control-max-age", str(cors.get("MaxAge", 0))),
        ],
        b"",
    )


def http_api_event(
    api_id: str,
    route: Route,
    path_parameters: dict[str, str],
    method: str,
    raw_path: str,
    raw_query: str,
    headers: list[tuple[str, str]],
    body: bytes,
    source_ip: str,
    port: int | None,
) -> dict[str, Any]:
    """An API Gateway HTTP API payload-format-2.0 event, as API Gateway builds it."""
    merged: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        lowered = name.lower()
        if lowered == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        merged[lowered] = f"{merged[lowered]},{value}" if lowered in merged else value
    query: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    now = datetime.now(UTC)
    route_key = "$default" if route.path == "$default" else f"{route.method} {route.path}"
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": raw_query,
        "headers": merged,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": api_id.lower(),
            "domainName": f"127.0.0.1:{port}" if port else "localhost",
            "domainPrefix": api_id.lower(),
            "http": {
                "method": method.upper(),
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": merged.get("user-agent", ""),
            },
            "requestId": f"{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:4]}=",
            "routeKey": route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if path_parameters:
        event["pathParameters"] = path_parameters
    if body:
        try:
            event["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            event["body"] = base64.b64encode(body).decode()
            event["isBase64Encoded"] = True
    return event


def lambda_proxy_response(response: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    """Turn a payload-2.0 Lambda response into status, headers and body, as API Gateway does."""
    if not isinstance(response, dict) or "statusCode" not in response:
        body = response if isinstance(response, str) else json.dumps(response)
        return 200, [("content-type", "application/json")], body.encode()
    headers = [(name, str(value)) for name, value in (response.get("headers") or {}).items()]
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers.extend((name, str(value)) for value in values)
    headers.extend(("set-cookie", cookie) for cookie in response.get("cookies") or [])
    raw = response.get("body") or ""
    body = base64.b64decode(raw) if response.get("isBase64Encoded") else raw.encode()
    return int(response["statusCode"]), headers, body


class RuntimeTransport(httpx.BaseTransport):
    """httpx transport that sends requests through the runtime instead of a socket."""

    def __init__(self, runtime: Any, api_id: str):
        self.runtime = runtime
        self.api_id = api_id

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        status, headers, body = self.runtime.handle_http(
            self.api_id,
            request.method,
            request.url.path,
            request.url.query.decode(),
            list(request.headers.multi_items()),
            request.read(),
        )
        return httpx.Response(status, headers=headers, content=body, request=request)


class HttpApiHelpers:
    """API Gateway's side of the HTTP APIs (mixed into LocalRuntime)."""

    routes: list[Route]
    ports: dict[str, int]
    log: Any
    resource: Any
    invoke: Any
    base_url: Any

    def find_route(self, api_id: str, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            if route.api_id != api_id:
                continue
            params = route.match(method, path)
            if params is not None:
                return route, params
        return None

    def handle_http(
        self,
        api_id: str,
        method: str,
        raw_path: str,
        raw_query: str,
        headers: list[tuple[str, str]],
        body: bytes,
        source_ip: str = "127.0.0.1",
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """One HTTP request through API Gateway's routing to the function the template names."""
        if method.upper() == "OPTIONS":
            cors = self.resource(api_id).resolved().get("CorsConfiguration") or {}
            preflight = cors_preflight(cors, method, headers)
            if preflight is not None:
                return preflight
        found = self.find_route(api_id, method.upper(), raw_path)
        if found is None:
            return 404, [("content-type", "application/json")], b'{"message":"Not Found"}'
        route, path_parameters = found
        event = http_api_event(
            api_id,
            route,
            path_parameters,
            method,
            raw_path,
            raw_query,
            headers,
            body,
            source_ip,
            self.ports.get(api_id),
        )
        try:
            response = self.invoke(route.function_id, event)
        except Exception:  # API Gateway answers a function error with a bare 500
            self.log.exception("%s failed on %s %s", route.function_id, method, raw_path)
            return 500, [("content-type", "application/json")], b'{"message":"Internal Server Error"}'
        return lambda_proxy_response(response)

    def client(self, api_id: str) -> httpx.Client:
        """An httpx client whose requests go through this runtime's template routing."""
        return httpx.Client(transport=RuntimeTransport(self, api_id), base_url=self.base_url(api_id))
