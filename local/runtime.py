"""The local runtime: template.yaml -> moto resources -> API Gateway events -> in-process handlers.

Every request takes the path it takes in AWS: the route is looked up in the template's HttpApi
events, an HTTP API v2 (payload 2.0) event is built, the handler the template names is imported
from its CodeUri and invoked with that event and a Lambda context, and Mangum hands it to FastAPI.

Invocations run one at a time on a dedicated worker thread, like one warm Lambda instance: that
keeps moto's in-memory state consistent and gives Mangum the event loop it expects.
"""

import base64
import importlib
import json
import os
import re
import secrets
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx

from local.template import ACCOUNT_ID, REGION, Resolver, load_template

ROOT = Path(__file__).resolve().parent.parent
# Fixed, documented ports: an API keeps its port whatever else the template gains.
DEFAULT_PORTS = {
    "JigaHttpApi": 3001,
    "RealEstateHttpApi": 3002,
    "LoquaHttpApi": 3003,
    "CosmicHttpApi": 3004,
    "BlueMarbleHttpApi": 3005,
    "JigaWebSocketApi": 3101,
    "CosmicWebSocketApi": 3104,
}
LOCAL_ENVIRONMENT = {
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_DEV": "false",
}


@dataclass
class FunctionSpec:
    logical_id: str
    code_uri: Path
    handler: str
    environment: dict[str, str]
    timeout: int
    memory: int


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


@dataclass
class LambdaContext:
    function_name: str
    memory_limit_in_mb: int
    timeout_seconds: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return "local"

    def get_remaining_time_in_millis(self) -> int:
        return max(int((self.timeout_seconds - (time.monotonic() - self.started)) * 1000), 0)


def _route_pattern(path: str) -> tuple[re.Pattern, tuple[int, int]]:
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


class LocalRuntime:
    def __init__(self, root: Path = ROOT, parameter_overrides: dict[str, str] | None = None, host: str = "127.0.0.1"):
        self.root = root
        self.host = host
        self.template = load_template(root / "template.yaml")
        self.resolver = Resolver(self.template)
        self.parameter_overrides = dict(parameter_overrides or {})
        self.ports: dict[str, int] = {}
        self.functions: dict[str, FunctionSpec] = {}
        self.routes: list[Route] = []
        self._handlers: dict[str, Callable] = {}
        self._mock: Any = None
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lambda", initializer=_new_event_loop)
        self._worker_thread: threading.Thread | None = None
        self.started = False

    # -- lifecycle --------------------------------------------------------------------------

    def resources(self, kind: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.template["Resources"].items() if v["Type"] == kind}

    def start(self) -> "LocalRuntime":
        os.environ.update(LOCAL_ENVIRONMENT)
        from moto import mock_aws

        self._mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
        self._mock.start()
        from shared import aws

        aws.reset_clients()
        self._assign_ports()
        self.resolver.parameters = self.resolver.parameter_values(self.parameter_overrides)
        self._create_tables()
        self._create_secrets()
        self._load_functions()
        self._load_routes()
        self._worker_thread = self._worker.submit(threading.current_thread).result()
        self.started = True
        return self

    def stop(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)
        if self._mock is not None:
            self._mock.stop()
        self.started = False

    def reconfigure(self, **parameter_overrides: str) -> None:
        """Change template parameters (as ``sam deploy --parameter-overrides`` would)."""
        self.parameter_overrides.update(parameter_overrides)
        self.resolver.parameters = self.resolver.parameter_values(self.parameter_overrides)
        self._load_functions()
        from shared.settings import get_settings

        get_settings.cache_clear()

    def _assign_ports(self) -> None:
        apis = list(self.resources("AWS::Serverless::HttpApi")) + list(self.resources("AWS::Serverless::Api"))
        next_free = 3010
        for api_id in apis + [
            k for k, v in self.template["Resources"].items() if v["Type"] == "AWS::ApiGatewayV2::Api"
        ]:
            if api_id in DEFAULT_PORTS:
                self.ports[api_id] = DEFAULT_PORTS[api_id]
            else:
                self.ports[api_id] = next_free
                next_free += 1

    def http_api_ids(self) -> list[str]:
        return list(self.resources("AWS::Serverless::HttpApi"))

    def base_url(self, api_id: str) -> str:
        return f"http://{self.host}:{self.ports[api_id]}"

    def _create_tables(self) -> None:
        from shared import aws

        client = aws.dynamodb()
        for logical_id, resource in self.resources("AWS::DynamoDB::Table").items():
            properties = self.resolver.resolve(resource["Properties"])
            request = {
                key: properties[key]
                for key in (
                    "AttributeDefinitions",
                    "KeySchema",
                    "GlobalSecondaryIndexes",
                    "LocalSecondaryIndexes",
                    "BillingMode",
                    "StreamSpecification",
                )
                if key in properties
            }
            client.create_table(TableName=logical_id, **request)
            if "TimeToLiveSpecification" in properties:
                client.update_time_to_live(
                    TableName=logical_id, TimeToLiveSpecification=properties["TimeToLiveSpecification"]
                )
            self.resolver.physical_ids[logical_id] = logical_id

    def _create_secrets(self) -> None:
        from shared import aws

        client = aws.client("secretsmanager")
        for logical_id, resource in self.resources("AWS::SecretsManager::Secret").items():
            properties = self.resolver.resolve(resource["Properties"])
            value = properties.get("SecretString") or secrets.token_urlsafe(48)
            created = client.create_secret(Name=properties.get("Name", logical_id), SecretString=value)
            self.resolver.physical_ids[logical_id] = created["ARN"]
            self.resolver.arns[logical_id] = created["ARN"]

    def _load_functions(self) -> None:
        globals_ = self.template.get("Globals", {}).get("Function", {})
        global_env = globals_.get("Environment", {}).get("Variables", {})
        for logical_id, resource in self.resources("AWS::Serverless::Function").items():
            properties = resource["Properties"]
            variables = {**global_env, **properties.get("Environment", {}).get("Variables", {})}
            environment = {name: self._local_value(self.resolver.resolve(value)) for name, value in variables.items()}
            self.functions[logical_id] = FunctionSpec(
                logical_id=logical_id,
                code_uri=(self.root / properties["CodeUri"]).resolve(),
                handler=properties["Handler"],
                environment=environment,
                timeout=int(properties.get("Timeout", globals_.get("Timeout", 3))),
                memory=int(properties.get("MemorySize", globals_.get("MemorySize", 128))),
            )
        for layer in self.resources("AWS::Serverless::LayerVersion").values():
            self._add_path(self.root / layer["Properties"]["ContentUri"])

    def _local_value(self, value: Any) -> str:
        """Point execute-api URLs the template builds at the local ports instead."""
        text = "" if value is None else str(value)
        for api_id, port in self.ports.items():
            text = re.sub(rf"https://{api_id}\.execute-api\.[^/\s,]+", f"http://{self.host}:{port}", text)
        return text

    def _load_routes(self) -> None:
        for logical_id, resource in self.resources("AWS::Serverless::Function").items():
            for event in resource["Properties"].get("Events", {}).values():
                if event["Type"] != "HttpApi":
                    continue
                properties = event["Properties"]
                api_id = properties["ApiId"]["Ref"]
                path = properties["Path"]
                pattern, specificity = _route_pattern(path)
                method = properties.get("Method", "ANY").upper()
                self.routes.append(Route(api_id, method, path, logical_id, pattern, specificity))
        self.routes.sort(key=lambda route: route.specificity, reverse=True)

    @staticmethod
    def _add_path(path: Path) -> None:
        resolved = str(path.resolve())
        if resolved not in sys.path:
            sys.path.insert(0, resolved)

    # -- invocation ---------------------------------------------------------------------------

    def handler(self, function_id: str) -> Callable:
        if function_id not in self._handlers:
            spec = self.functions[function_id]
            self._add_path(spec.code_uri)
            module_name, attribute = spec.handler.rsplit(".", 1)
            self._handlers[function_id] = getattr(importlib.import_module(module_name), attribute)
        return self._handlers[function_id]

    def invoke(self, function_id: str, event: dict[str, Any]) -> Any:
        """Invoke a function as Lambda would; safe to call from any thread."""
        if threading.current_thread() is self._worker_thread:
            return self._invoke_here(function_id, event)
        return self._worker.submit(self._invoke_here, function_id, event).result()

    def _invoke_here(self, function_id: str, event: dict[str, Any]) -> Any:
        spec = self.functions[function_id]
        os.environ.update(spec.environment)
        context = LambdaContext(spec.logical_id, spec.memory, spec.timeout)
        return self.handler(function_id)(event, context)

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
        preflight = self._cors_preflight(api_id, method, headers)
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
        response = self.invoke(route.function_id, event)
        return lambda_proxy_response(response)

    def _cors_preflight(self, api_id: str, method: str, headers: list[tuple[str, str]]) -> tuple | None:
        lowered = {name.lower(): value for name, value in headers}
        if method.upper() != "OPTIONS" or "access-control-request-method" not in lowered:
            return None
        cors = self.resolver.resolve(
            self.template["Resources"][api_id].get("Properties", {}).get("CorsConfiguration") or {}
        )
        origin = lowered.get("origin", "")
        allowed = cors.get("AllowOrigins", [])
        if not cors or (origin not in allowed and "*" not in allowed):
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

    def client(self, api_id: str) -> httpx.Client:
        """An httpx client whose requests go through this runtime's template routing."""
        return httpx.Client(transport=RuntimeTransport(self, api_id), base_url=self.base_url(api_id))


def _new_event_loop() -> None:
    import asyncio

    asyncio.set_event_loop(asyncio.new_event_loop())


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
    route_key = f"{route.method} {route.path}"
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

    def __init__(self, runtime: LocalRuntime, api_id: str):
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
