"""The local runtime: template.yaml -> moto resources -> API Gateway events -> in-process handlers.

Every request takes the path it takes in AWS: the route is looked up in the template's HttpApi
events, an HTTP API v2 (payload 2.0) event is built, the handler the template names is imported
from its CodeUri and invoked with that event and a Lambda context, and Mangum hands it to FastAPI.

Invocations run one at a time on a dedicated worker thread, like one warm Lambda instance: that
keeps moto's in-memory state consistent and gives Mangum the event loop it expects. A handler that
calls another function (``lambda.invoke``) waits while the callee runs on a fresh thread, so one
handler runs at a time even then. Each invocation sees its own function's environment variables
(see ``_apply_environment``).

Step Functions (local/state_machines.py) and WebSocket APIs (local/websocket_api.py) plug in
through botocore ``before-send`` handlers on boto3's default session, registered at start: the
Lambda tasks of executions, pushes through the ``@connections`` API and Step Functions calls made
by handlers all reach this runtime without leaving the process. docs/local-runtime.md lists what
is supported and how it differs from AWS.
"""

import asyncio
import base64
import importlib
import json
import logging
import os
import re
import secrets
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx

from local import moto_fixes, state_machines
from local.stacks import Resource, Stack, load_tree
from local.template import ACCOUNT_ID, REGION, layer_arn, state_machine_arn
from local.websocket_api import WebSocketGateway

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
_LOCAL_SCHEME = {"https": "http", "wss": "ws"}
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
    name: str = ""
    layers: list[Path] = field(default_factory=list)


@dataclass
class _Job:
    """An invocation a Step Functions execution waits for. It is claimed exactly once: by the
    worker in turn, or earlier by a handler that waits on Step Functions (``_drain_jobs``)."""

    function_id: str
    event: Any
    future: Future = field(default_factory=Future)
    claimed: bool = False


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


class LocalRuntime:
    def __init__(
        self,
        root: Path = ROOT,
        parameter_overrides: dict[str, str] | None = None,
        host: str = "127.0.0.1",
        states_time_scale: float | None = None,
    ):
        """``states_time_scale`` scales Wait states and Retry intervals (0: instant, 1: real time);
        None reads LOCAL_STATES_TIME_SCALE (default 1). It applies to the whole process."""
        self.root = root
        self.host = host
        self.tree = load_tree(root / "template.yaml")
        self.template = self.tree.stacks[0].template
        self.resolver = self.tree.stacks[0].resolver
        self.parameter_overrides = dict(parameter_overrides or {})
        self.states_time_scale = states_time_scale
        self.ports: dict[str, int] = {}
        self.functions: dict[str, FunctionSpec] = {}
        self.function_ids_by_name: dict[str, str] = {}
        self.state_machines: dict[str, str] = {}
        self.routes: list[Route] = []
        self._layers_by_arn: dict[str, Path] = {}
        self.websockets = WebSocketGateway(self)
        self.log = logging.getLogger("local.runtime")
        self._handlers: dict[str, Callable] = {}
        self._mock: Any = None
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lambda", initializer=_new_event_loop)
        self._jobs: list[_Job] = []
        self._jobs_lock = threading.Lock()
        self.started = False

    # -- lifecycle --------------------------------------------------------------------------

    def resources(self, *kinds: str) -> dict[str, Resource]:
        """The included resources of these types in every stack of the tree, by key."""
        return {
            key: resource
            for key, resource in self.tree.of_type(*kinds).items()
            if resource.stack.included(resource.definition)
        }

    def resource(self, name: str) -> Resource:
        """A resource by key or by a logical id that is unique across the stacks."""
        return self.tree.find(name)

    def physical_id(self, name: str) -> str:
        """What ``Ref`` gives for a resource (a table's name, a secret's ARN...)."""
        resource = self.resource(name)
        return resource.stack.resolver.physical_ids[resource.logical_id]

    def arn(self, name: str) -> str:
        resource = self.resource(name)
        return str(resource.stack.resolver.get_att(resource.logical_id, "Arn"))

    def start(self) -> "LocalRuntime":
        """Start moto (nesting inside a runtime already running in this process, whose AWS state
        it then shares: give the templates distinct resource names) and create the resources."""
        os.environ.update(LOCAL_ENVIRONMENT)
        for layer in self._layer_paths():
            self._add_path(layer)  # the runtime itself uses the shared layer (`make dev` has no pytest pythonpath)
        from moto import mock_aws

        self._mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
        self._mock.start()
        _ACTIVE_RUNTIMES.append(self)
        _install_boto_hooks()
        logging.getLogger("moto.stepfunctions.parser").setLevel(logging.CRITICAL)
        scale = self.states_time_scale
        if scale is None and os.environ.get(state_machines.TIME_SCALE_VARIABLE):
            scale = float(os.environ[state_machines.TIME_SCALE_VARIABLE])
        state_machines.set_time_scale(state_machines.time_scale() if scale is None else scale)
        from shared import aws

        aws.reset_clients()
        self.resolver.parameters = self.resolver.parameter_values(self.parameter_overrides)
        self._assign_ports()
        self._name_layers()
        self._create_tables()
        self._create_keys()
        self._create_secrets()
        self._name_functions()
        self._create_state_machines()
        self._load_functions()
        self._load_routes()
        self.websockets.load()
        self.started = True
        return self

    def stop(self) -> None:
        self.websockets.stop()
        self._worker.shutdown(wait=True, cancel_futures=True)
        while (job := self._claim()) is not None:
            job.future.set_exception(RuntimeError("the local runtime stopped"))
        if self in _ACTIVE_RUNTIMES:
            _ACTIVE_RUNTIMES.remove(self)
        if self._mock is not None:
            self._mock.stop()
        self.started = False

    def reconfigure(self, **parameter_overrides: str) -> None:
        """Change root template parameters (as ``sam deploy --parameter-overrides`` would); nested
        applications see the change through the parameters the root passes them."""
        self.parameter_overrides.update(parameter_overrides)
        self.resolver.parameters = self.resolver.parameter_values(self.parameter_overrides)
        self._load_functions()
        from shared.settings import get_settings

        get_settings.cache_clear()

    def _assign_ports(self) -> None:
        apis = self.resources("AWS::Serverless::HttpApi", "AWS::Serverless::Api")
        sockets = {key: api for key, api in self.resources("AWS::ApiGatewayV2::Api").items()}
        next_free = 3010
        for key, api in {**apis, **sockets}.items():
            api.stack.resolver.physical_ids[api.logical_id] = api.physical_name
            if key in DEFAULT_PORTS:
                self.ports[key] = DEFAULT_PORTS[key]
            else:
                self.ports[key] = next_free
                next_free += 1

    def use_ports(self, ports: dict[str, int]) -> None:
        """Move APIs to other ports (servers bound to free ports) and re-point function environments."""
        self.ports.update(ports)
        self._load_functions()

    def http_api_ids(self) -> list[str]:
        return list(self.resources("AWS::Serverless::HttpApi"))

    def base_url(self, api_id: str) -> str:
        return f"http://{self.host}:{self.ports[api_id]}"

    def public_base_url(self, api_id: str) -> str:
        """The base URL a client of the API's spec starts from: the server plus the base path the
        API declares in its template (``Metadata: {BasePath: /api/v1}`` on the HttpApi), if any."""
        base_path = str((self.resource(api_id).definition.get("Metadata") or {}).get("BasePath", "")).rstrip("/")
        return self.base_url(api_id) + base_path

    def _name_layers(self) -> None:
        for layer in self.resources("AWS::Serverless::LayerVersion").values():
            arn = layer_arn(layer.physical_name)
            layer.stack.resolver.physical_ids[layer.logical_id] = arn
            self._layers_by_arn[arn] = layer.path(layer.properties["ContentUri"])

    def _create_tables(self) -> None:
        from shared import aws

        client = aws.dynamodb()
        for table in self.resources("AWS::DynamoDB::Table").values():
            properties = table.resolved()
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
            name = str(properties.get("TableName") or table.physical_name)
            if "StreamSpecification" in request:  # CloudFormation's has no StreamEnabled; the API needs it
                request["StreamSpecification"] = {"StreamEnabled": True, **request["StreamSpecification"]}
            client.create_table(TableName=name, **request)
            if "TimeToLiveSpecification" in properties:
                client.update_time_to_live(
                    TableName=name, TimeToLiveSpecification=properties["TimeToLiveSpecification"]
                )
            table.stack.resolver.physical_ids[table.logical_id] = name

    def _create_keys(self) -> None:
        """KMS keys (asymmetric signing keys for RS256 tokens among them), as moto keys."""
        from shared import aws

        for key in self.resources("AWS::KMS::Key").values():
            properties = key.resolved()
            created = aws.client("kms").create_key(
                KeySpec=properties.get("KeySpec", "SYMMETRIC_DEFAULT"),
                KeyUsage=properties.get("KeyUsage", "ENCRYPT_DECRYPT"),
                Description=str(properties.get("Description", key.key)),
            )["KeyMetadata"]
            key.stack.resolver.physical_ids[key.logical_id] = created["KeyId"]
            key.stack.resolver.arns[key.logical_id] = created["Arn"]

    def _create_secrets(self) -> None:
        from shared import aws

        client = aws.client("secretsmanager")
        for secret in self.resources("AWS::SecretsManager::Secret").values():
            properties = secret.resolved()
            value = properties.get("SecretString") or secrets.token_urlsafe(48)
            created = client.create_secret(Name=properties.get("Name", secret.physical_name), SecretString=value)
            secret.stack.resolver.physical_ids[secret.logical_id] = created["ARN"]
            secret.stack.resolver.arns[secret.logical_id] = created["ARN"]

    def _name_functions(self) -> None:
        """A function's name is its FunctionName, else its key (its ARN ends with it)."""
        for function in self.resources("AWS::Serverless::Function").values():
            resolver = function.stack.resolver
            name = str(resolver.resolve(function.properties.get("FunctionName") or function.physical_name))
            resolver.physical_ids[function.logical_id] = name
            resolver.aliases = _alias_lookup(function.stack)
            self.function_ids_by_name[name] = function.key

    def _create_state_machines(self) -> None:
        from shared import aws

        machines = self.resources("AWS::Serverless::StateMachine")
        for machine in machines.values():
            properties = machine.resolved()
            name = str(properties.get("Name") or machine.physical_name)
            resolver = machine.stack.resolver
            resolver.physical_ids[machine.logical_id] = resolver.arns[machine.logical_id] = state_machine_arn(name)
        for key, machine in machines.items():
            properties = {"Name": machine.physical_name, **machine.resolved()}
            self.state_machines[key] = state_machines.create_state_machine(
                aws.client("stepfunctions"), machine.stack.directory, key, properties
            )

    def _load_functions(self) -> None:
        for key, function in self.resources("AWS::Serverless::Function").items():
            globals_ = function.stack.globals()
            properties = function.properties
            resolve = function.stack.resolver.resolve
            variables = {
                **globals_.get("Environment", {}).get("Variables", {}),
                **properties.get("Environment", {}).get("Variables", {}),
            }
            environment = {name: self._local_value(resolve(value)) for name, value in variables.items()}
            layers = [
                self._layers_by_arn[str(arn)]
                for arn in resolve([*globals_.get("Layers", []), *properties.get("Layers", [])])
                if str(arn) in self._layers_by_arn
            ]
            self.functions[key] = FunctionSpec(
                logical_id=key,
                code_uri=function.path(properties["CodeUri"]),
                handler=properties["Handler"],
                environment=environment,
                timeout=int(properties.get("Timeout", globals_.get("Timeout", 3))),
                memory=int(properties.get("MemorySize", globals_.get("MemorySize", 128))),
                name=str(function.stack.resolver.ref(function.logical_id)),
                layers=layers,
            )
            for layer in layers:
                self._add_path(layer)

    def _layer_paths(self) -> list[Path]:
        return [
            layer.path(layer.properties["ContentUri"])
            for layer in self.resources("AWS::Serverless::LayerVersion").values()
        ]

    def _local_value(self, value: Any) -> str:
        """Point execute-api URLs the template builds (https:// and wss://) at the local ports instead."""
        text = "" if value is None else str(value)
        for api_id, port in self.ports.items():
            physical = re.escape(self.resource(api_id).physical_name)
            pattern = rf"(https|wss)://{physical}\.execute-api\.[^/\s,]+"
            text = re.sub(pattern, lambda found, port=port: f"{_LOCAL_SCHEME[found[1]]}://{self.host}:{port}", text)
        return text

    def _load_routes(self) -> None:
        self.routes = []
        for key, function in self.resources("AWS::Serverless::Function").items():
            for event in function.properties.get("Events", {}).values():
                if event["Type"] != "HttpApi":
                    continue
                properties = event["Properties"]
                api_id = self.tree.in_stack(function.stack, properties["ApiId"]["Ref"]).key
                path = properties["Path"]
                pattern, specificity = _route_pattern(path)
                method = properties.get("Method", "ANY").upper()
                self.routes.append(Route(api_id, method, path, key, pattern, specificity))
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

    def invoke(self, function_id: str, event: Any) -> Any:
        """Invoke a function as Lambda would; safe to call from any thread, handlers included."""
        if _running_function() is not None:
            return self._invoke_nested(function_id, event)
        return self._worker.submit(self._invoke_here, function_id, event).result()

    def invoke_for_service(self, function_id: str, event: Any, wait: bool = True) -> Any:
        """Invoke on behalf of an AWS service call (Step Functions task, ``lambda.invoke``).

        From a handler, a synchronous call runs nested (the caller waits); anything else queues for
        the worker. ``wait=False`` is the asynchronous ``Event`` invocation type."""
        if wait and _running_function() is not None:
            return self._invoke_nested(function_id, event)
        job = _Job(function_id, event)
        with self._jobs_lock:
            self._jobs.append(job)
        self._worker.submit(self._run_job, job)
        return job.future.result() if wait else None

    def _claim(self, job: _Job | None = None) -> _Job | None:
        with self._jobs_lock:
            candidates = [job] if job is not None else self._jobs[:1]
            for candidate in candidates:
                if not candidate.claimed:
                    candidate.claimed = True
                    self._jobs.remove(candidate)
                    return candidate
        return None

    def _run_job(self, job: _Job) -> None:
        if self._claim(job) is not None:
            self._complete(job, self._invoke_here)

    def _drain_jobs(self) -> None:
        """Run the queued service invocations now, nested, while the calling handler waits.

        Called when a handler makes a Step Functions call: a handler that polls an execution it
        started would otherwise hold the worker that the execution's Lambda tasks are queued on."""
        while (job := self._claim()) is not None:
            self._complete(job, self._invoke_nested)

    @staticmethod
    def _complete(job: _Job, invoke: Callable[[str, Any], Any]) -> None:
        try:
            job.future.set_result(invoke(job.function_id, job.event))
        except BaseException as error:
            job.future.set_exception(error)

    @contextmanager
    def function_environment(self, function_id: str) -> Iterator[None]:
        """Run code outside a handler (a test calling shared code) with a function's environment.

        Without it, such code sees the environment of whichever function ran last."""
        previous = _applied_spec
        _apply_environment(self.functions[function_id])
        try:
            yield
        finally:
            if previous is not None:
                _apply_environment(previous)

    def _invoke_nested(self, function_id: str, event: Any) -> Any:
        caller = _running_function()
        try:
            return _on_fresh_thread(self._invoke_here, function_id, event)
        finally:
            if caller is not None:
                _apply_environment(caller)

    def _invoke_here(self, function_id: str, event: Any) -> Any:
        spec = self.functions[function_id]
        previous = _running_function()
        _apply_environment(spec)
        _THREAD_STATE.function = spec
        try:
            context = LambdaContext(spec.name or spec.logical_id, spec.memory, spec.timeout)
            return self.handler(function_id)(event, context)
        finally:
            _THREAD_STATE.function = previous

    # -- Step Functions -----------------------------------------------------------------------

    def state_machine_arn(self, logical_id: str) -> str:
        return self.state_machines[logical_id]

    def start_execution(self, logical_id: str, payload: Any = None, name: str | None = None) -> str:
        """Start an execution of a template state machine; returns its ARN."""
        from shared import aws

        started = aws.client("stepfunctions").start_execution(
            stateMachineArn=self.state_machines[logical_id],
            name=name or str(uuid.uuid4()),
            input=json.dumps({} if payload is None else payload),
        )
        return started["executionArn"]

    def wait_for_execution(self, execution_arn: str, timeout: float = 30.0) -> dict[str, Any]:
        """Wait until an execution stops; returns ``{status, output, error, cause}`` (output parsed)."""
        from shared import aws

        client = aws.client("stepfunctions")
        deadline = time.monotonic() + timeout
        while True:
            described = client.describe_execution(executionArn=execution_arn)
            if described["status"] != "RUNNING":
                output = described.get("output")
                return {
                    "status": described["status"],
                    "output": json.loads(output) if output else None,
                    "error": described.get("error"),
                    "cause": described.get("cause"),
                }
            if time.monotonic() > deadline:
                raise TimeoutError(f"{execution_arn} is still RUNNING after {timeout}s")
            time.sleep(0.005)

    def wait_for_state(self, execution_arn: str, state_name: str, timeout: float = 30.0) -> None:
        """Wait until an execution has entered ``state_name`` and, if that state is a
        ``.waitForTaskToken`` task, has handed its token out (its Lambda returned)."""
        from shared import aws

        client = aws.client("stepfunctions")
        definition = json.loads(client.describe_state_machine_for_execution(executionArn=execution_arn)["definition"])
        state = _find_state(definition, state_name)
        callback = str(state.get("Resource", "")).endswith(".waitForTaskToken")
        deadline = time.monotonic() + timeout
        while True:
            status = client.describe_execution(executionArn=execution_arn)["status"]
            events = client.get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]
            entered = [
                event["id"]
                for event in events
                if event["type"].endswith("StateEntered") and event["stateEnteredEventDetails"]["name"] == state_name
            ]
            if entered and (
                not callback or any(e["type"] == "TaskSubmitted" and e["id"] > entered[-1] for e in events)
            ):
                return
            if status != "RUNNING":
                raise RuntimeError(f"{execution_arn} ended {status} without waiting in {state_name}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{execution_arn} did not reach {state_name} in {timeout}s")
            time.sleep(0.005)

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
        cors = self.resource(api_id).resolved().get("CorsConfiguration") or {}
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

    def client(self, api_id: str) -> httpx.Client:
        """An httpx client whose requests go through this runtime's template routing."""
        return httpx.Client(transport=RuntimeTransport(self, api_id), base_url=self.base_url(api_id))


def _alias_lookup(stack: Stack) -> Callable[[str], str | None]:
    """SAM's ``!Ref Function.Alias``: the function's AutoPublishAlias (its own, else Globals')."""

    def alias(logical_id: str) -> str | None:
        resource = stack.template.get("Resources", {}).get(logical_id) or {}
        if resource.get("Type") != "AWS::Serverless::Function":
            return None
        value = (resource.get("Properties") or {}).get("AutoPublishAlias") or stack.globals().get("AutoPublishAlias")
        return str(stack.resolver.resolve(value)) if value else None

    return alias


def _new_event_loop() -> None:
    asyncio.set_event_loop(asyncio.new_event_loop())


def _find_state(definition: dict[str, Any], name: str) -> dict[str, Any]:
    """A state by name anywhere in a definition (Parallel branches and Map processors included)."""
    states = definition.get("States", {})
    if name in states:
        return states[name]
    for state in states.values():
        nested = [*state.get("Branches", []), state.get("ItemProcessor") or state.get("Iterator") or {}]
        for branch in nested:
            try:
                return _find_state(branch, name)
            except KeyError:
                continue
    raise KeyError(f"No state {name}")


def _on_fresh_thread(function: Callable[..., Any], *args: Any) -> Any:
    """Run on a new thread with its own event loop while the caller waits (a nested invocation)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            outcome["value"] = function(*args)
        except BaseException as error:
            outcome["error"] = error
        finally:
            asyncio.set_event_loop(None)
            loop.close()

    thread = threading.Thread(target=run, name="lambda-nested", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


# -- what every runtime in this process shares ------------------------------------------------------

_ACTIVE_RUNTIMES: list[LocalRuntime] = []
_THREAD_STATE = threading.local()
_ENVIRONMENT_LOCK = threading.Lock()
_applied_spec: FunctionSpec | None = None
_original_values: dict[str, str | None] = {}


def _running_function() -> FunctionSpec | None:
    """The function whose handler is running on this thread, if any."""
    return getattr(_THREAD_STATE, "function", None)


def _apply_environment(spec: FunctionSpec) -> None:
    """Give the process this function's environment, as its own Lambda sandbox would have.

    Variables another function set and this one does not are put back as they were, and settings
    getters cached with functools (``get_*settings`` in the function's code and layers) are cleared
    so they read this function's values. Functions with the same variables switch for free."""
    global _applied_spec
    with _ENVIRONMENT_LOCK:
        applied = _applied_spec.environment if _applied_spec is not None else {}
        _applied_spec = spec
        if applied == spec.environment:
            return
        for name in applied.keys() - spec.environment.keys():
            original = _original_values.get(name)
            if original is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = original
        for name, value in spec.environment.items():
            _original_values.setdefault(name, os.environ.get(name))
            os.environ[name] = value
        _clear_settings_caches([spec.code_uri, *spec.layers])


def _clear_settings_caches(roots: list[Path]) -> None:
    prefixes = tuple(str(root) for root in roots)
    for module in list(sys.modules.values()):
        if not str(getattr(module, "__file__", None) or "").startswith(prefixes):
            continue
        for name, value in list(vars(module).items()):
            if name.startswith("get_") and name.endswith("settings") and hasattr(value, "cache_clear"):
                value.cache_clear()


def _owner_of_function(name: str) -> tuple[LocalRuntime, str] | None:
    for runtime in reversed(_ACTIVE_RUNTIMES):
        if name in runtime.function_ids_by_name:
            return runtime, runtime.function_ids_by_name[name]
    return None


def _aws_response(request: Any, status: int, headers: dict[str, str], body: bytes) -> Any:
    from botocore.awsrequest import AWSResponse
    from moto.core.botocore_stubber import MockRawResponse

    return AWSResponse(request.url, status, headers, MockRawResponse(body))


def _lambda_invoke_hook(request: Any, **_: Any) -> Any:
    """``lambda.Invoke`` of a template function runs its in-process handler (any caller: a Step
    Functions task, a handler, a test). Unknown functions fall through to moto."""
    owner = _owner_of_function(state_machines.invoked_function_name(request.url))
    if owner is None:
        return None
    runtime, function_id = owner
    invocation_type = request.headers.get("X-Amz-Invocation-Type", b"RequestResponse")
    invocation_type = invocation_type.decode() if isinstance(invocation_type, bytes) else invocation_type
    if invocation_type == "DryRun":
        return _aws_response(request, 204, {}, b"")
    if invocation_type == "Event":
        runtime.invoke_for_service(function_id, json.loads(request.body or b"{}"), wait=False)
        return _aws_response(request, 202, {}, b"")
    status, headers, body = state_machines.lambda_invoke_response(
        lambda event: runtime.invoke_for_service(function_id, event), request.body
    )
    return _aws_response(request, status, headers, body)


def _step_functions_call_hook(**_: Any) -> None:
    """A handler calling Step Functions lets queued execution tasks run first (see ``_drain_jobs``)."""
    if _running_function() is not None:
        for runtime in list(_ACTIVE_RUNTIMES):
            runtime._drain_jobs()


def _name_execution(params: dict[str, Any], **_: Any) -> None:
    """AWS names an unnamed execution with a UUID; moto needs the name given."""
    params.setdefault("name", str(uuid.uuid4()))


def _management_api_hook(request: Any, **_: Any) -> Any:
    body = request.body.encode() if isinstance(request.body, str) else request.body
    for runtime in reversed(_ACTIVE_RUNTIMES):
        answer = runtime.websockets.management_response(request.method, request.url, body)
        if answer is not None:
            return _aws_response(request, *answer)
    return None


def _install_boto_hooks() -> None:
    """Register the hooks on boto3's default session (moto resets it when it starts), before any
    client is made: clients copy the session's handlers when they are created."""
    import boto3

    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    events = boto3.DEFAULT_SESSION.events
    events.register("before-send.lambda.Invoke", _lambda_invoke_hook, unique_id="local-lambda-invoke")
    events.register("before-send.sfn", _step_functions_call_hook, unique_id="local-sfn-calls")
    events.register("before-parameter-build.sfn.StartExecution", _name_execution, unique_id="local-sfn-name")
    events.register("before-send.apigatewaymanagementapi", _management_api_hook, unique_id="local-connections")
    moto_fixes.apply()


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
