"""The local runtime: template.yaml -> moto resources -> the events AWS sends -> in-process handlers.

Every request takes the path it takes in AWS: the route is looked up in the template's HttpApi
events, an HTTP API v2 (payload 2.0) event is built (``local.http_api``), the handler the template
names is imported from its CodeUri and invoked on a warm instance of the function with that event
and a Lambda context (``local.instances``), and Mangum hands it to FastAPI. Requests that arrive
at once run at once, each instance with its own environment, caches and log keys
(``local.isolation``), while each AWS call is atomic against moto's state (``local.moto_fixes``).

Event sources run as AWS runs them: SQS queues and event source mappings (``local.queues``), S3
notifications (``local.buckets``), schedules (``local.schedules``), DynamoDB Streams
(``local.streams``), asynchronous invocations with retries and destinations
(``local.async_invoke``), all timed by the runtime's clock (``local.clock``). Step Functions
(``local.state_machines``) and WebSocket APIs (``local.websocket_api``) plug in through botocore
hooks (``local.hooks``). docs/local-runtime.md lists what is supported and how it differs from AWS.
"""

import logging
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from local import clock as clocks
from local import destinations, hooks, isolation, provision, state_machines
from local.async_invoke import AsyncInvoker
from local.buckets import BucketNotifications
from local.functions import FUNCTION, FunctionSpec, LambdaContext, alias_lookup, function_spec
from local.http_api import HttpApiHelpers, Route, http_api_event, lambda_proxy_response, load_routes
from local.instances import FunctionPool, Handlers
from local.queues import QueueSources
from local.schedules import Scheduler
from local.stacks import Resource, load_tree
from local.streams import StreamSources
from local.template import REGION, layer_arn
from local.websocket_api import WebSocketGateway

__all__ = ["DEFAULT_PORTS", "LOCAL_ENVIRONMENT", "ROOT", "LambdaContext", "LocalRuntime", "Route", "http_api_event"]
__all__ += ["lambda_proxy_response"]

# Project code imported before a runtime starts (tests import it at collection) gets per-instance
# caches too: see local.isolation.
isolation.install()

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


class LocalRuntime(state_machines.ExecutionHelpers, HttpApiHelpers):
    def __init__(
        self,
        root: Path = ROOT,
        parameter_overrides: dict[str, str] | None = None,
        host: str = "127.0.0.1",
        states_time_scale: float | None = None,
        clock: str | None = None,
        max_instances: int | None = None,
    ):
        """``states_time_scale`` scales Wait states and Retry intervals (0: instant, 1: real time);
        None reads LOCAL_STATES_TIME_SCALE (default 1). It applies to the whole process.

        ``clock`` is ``"real"`` (``make dev``) or ``"manual"`` (tests: schedules and redeliveries
        happen only on ``runtime.clock.advance``); None joins the clock of a runtime already
        running in this process, else real. ``max_instances`` caps the warm instances per function
        (``ReservedConcurrentExecutions`` caps it lower)."""
        self.root = root
        self.host = host
        self.tree = load_tree(root / "template.yaml")
        self.template = self.tree.stacks[0].template
        self.resolver = self.tree.stacks[0].resolver
        self.parameter_overrides = dict(parameter_overrides or {})
        self.states_time_scale = states_time_scale
        self.clock_mode = clock
        self.max_instances = max_instances or int(os.environ.get("LOCAL_MAX_INSTANCES", "32"))
        self.ports: dict[str, int] = {}
        self.functions: dict[str, FunctionSpec] = {}
        self.function_ids_by_name: dict[str, str] = {}
        self.state_machines: dict[str, str] = {}
        self.routes: list[Route] = []
        self.pools: dict[str, FunctionPool] = {}
        self._layers_by_arn: dict[str, Path] = {}
        self._handlers = Handlers()
        self._outside_states: dict[str, isolation.InstanceState] = {}
        self.websockets = WebSocketGateway(self)
        self.async_invocations = AsyncInvoker(self)
        self.queues = QueueSources(self)
        self.buckets = BucketNotifications(self)
        self.schedules = Scheduler(self)
        self.streams = StreamSources(self)
        self.clock: clocks.Clock = clocks.Clock(manual=clock == "manual")
        self.log = logging.getLogger("local.runtime")
        self._mock: Any = None
        self.started = False

    # -- the template tree ----------------------------------------------------------------------

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
        """What ``Ref`` gives for a resource (a table's name, a queue's URL, a secret's ARN...)."""
        resource = self.resource(name)
        return resource.stack.resolver.physical_ids[resource.logical_id]

    def arn(self, name: str) -> str:
        resource = self.resource(name)
        return str(resource.stack.resolver.get_att(resource.logical_id, "Arn"))

    def attribute(self, name: str, attribute: str) -> Any:
        """What ``!GetAtt name.attribute`` gives (``QueueUrl``, ``StreamArn``...)."""
        resource = self.resource(name)
        return resource.stack.resolver.get_att(resource.logical_id, attribute)

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> "LocalRuntime":
        """Start moto (nesting inside a runtime already running in this process, whose AWS state
        and clock it then shares: give the templates distinct resource names) and create the
        resources."""
        os.environ.update(LOCAL_ENVIRONMENT)
        for layer in self._layer_paths():
            self._add_path(layer)  # the runtime itself uses the shared layer (`make dev` has no pytest pythonpath)
        from moto import mock_aws

        self._mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
        self._mock.start()
        hooks.ACTIVE_RUNTIMES.append(self)
        hooks.install()
        self.clock = clocks.acquire(self.clock_mode)
        self.clock.add_settler(self.drain)
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
        provision.create_tables(self.resources("AWS::DynamoDB::Table"))
        provision.create_keys(self.resources("AWS::KMS::Key"))
        provision.create_secrets(self.resources("AWS::SecretsManager::Secret"))
        provision.create_topics(self.resources("AWS::SNS::Topic"))
        provision.create_queues(self.resources("AWS::SQS::Queue"))
        provision.create_buckets(self.resources("AWS::S3::Bucket"))
        provision.create_schedule_groups(self.resources("AWS::Scheduler::ScheduleGroup"))
        self._name_functions()
        provision.name_state_machines(self.resources("AWS::Serverless::StateMachine"))
        self.state_machines = provision.create_state_machines(self.resources("AWS::Serverless::StateMachine"))
        self._load_functions()
        self.routes = load_routes(self)
        self.websockets.load()
        for source in (self.queues, self.buckets, self.schedules, self.streams):
            source.load()
        self.started = True
        return self

    def stop(self) -> None:
        for source in (self.schedules, self.streams, self.queues, self.buckets):
            source.stop()
        self.websockets.stop()
        self.clock.remove_settler(self.drain)
        clocks.release(self.clock)
        for pool in self.pools.values():
            pool.retire()
        if self in hooks.ACTIVE_RUNTIMES:
            hooks.ACTIVE_RUNTIMES.remove(self)
        if self._mock is not None:
            self._mock.stop()
        self.started = False

    def reconfigure(self, **parameter_overrides: str) -> None:
        """Change root template parameters (as ``sam deploy --parameter-overrides`` would); nested
        applications see the change through the parameters the root passes them. Warm instances
        are replaced, as after a deployment."""
        self.parameter_overrides.update(parameter_overrides)
        self.resolver.parameters = self.resolver.parameter_values(self.parameter_overrides)
        self._load_functions()

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

    def _name_functions(self) -> None:
        """A function's name is its FunctionName, else its key (its ARN ends with it)."""
        for function in self.resources(FUNCTION).values():
            resolver = function.stack.resolver
            name = str(resolver.resolve(function.properties.get("FunctionName") or function.physical_name))
            resolver.physical_ids[function.logical_id] = name
            resolver.aliases = alias_lookup(function.stack)
            self.function_ids_by_name[name] = function.key

    def _load_functions(self) -> None:
        functions = self.resources(FUNCTION)
        specs = {
            key: function_spec(key, function, self._local_value, self._layers_by_arn)
            for key, function in functions.items()
        }
        every_variable = {name for spec in specs.values() for name in spec.environment}
        for key, spec in specs.items():
            for layer in spec.layers:
                self._add_path(layer)
            if self.functions.get(key) != spec and key in self.pools:
                self.pools.pop(key).retire()
            self.functions[key] = spec
            if key not in self.pools:
                self.pools[key] = FunctionPool(self, spec, self.max_instances, every_variable)
            self._outside_states.pop(key, None)

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

    @staticmethod
    def _add_path(path: Path) -> None:
        resolved = str(path.resolve())
        if resolved not in sys.path:
            sys.path.insert(0, resolved)

    # -- invocation -----------------------------------------------------------------------------

    def handler(self, function_id: str) -> Callable:
        """The function's handler, imported (once per process) with the function's environment."""
        state = isolation.current() or self._outside_state(function_id)
        return self._handlers.get(self.functions[function_id], state)

    def invoke(self, function_id: str, event: Any, qualifier: str | None = None) -> Any:
        """Invoke a function synchronously as Lambda would (on a warm instance, or a new one when
        all are busy); returns what the handler returned or raises what it raised. Safe from any
        thread, handlers included."""
        return self.pools[function_id].invoke(event, qualifier)

    def invoke_async(self, function_id: str, event: Any, qualifier: str | None = None) -> str:
        """Invoke as ``InvocationType="Event"`` does: queued, retried, then sent to the function's
        failure destination (see ``local.async_invoke``). Returns the request id."""
        return self.async_invocations.invoke(function_id, event, qualifier)

    def invoke_for_service(self, function_id: str, event: Any, wait: bool = True) -> Any:
        """Kept for callers of the earlier API: ``invoke`` (wait) or ``invoke_async``."""
        return self.invoke(function_id, event) if wait else self.invoke_async(function_id, event)

    @contextmanager
    def function_environment(self, function_id: str) -> Iterator[None]:
        """Run code outside a handler (a test calling shared code) as if it ran in one instance of
        the function: its environment variables and its own caches."""
        with isolation.running_as(self._outside_state(function_id)):
            yield

    def _outside_state(self, function_id: str) -> isolation.InstanceState:
        state = self._outside_states.get(function_id)
        if state is None:
            state = self._outside_states[function_id] = isolation.InstanceState(
                function_id, self.pools[function_id].environment()
            )
        return state

    def send_to(self, target_arn: str, payload: Any, attributes: dict[str, str] | None = None) -> None:
        """Deliver a payload to a destination ARN: SQS queue, SNS topic, function or event bus."""
        destinations.send(target_arn, payload, attributes)

    # -- waiting for event sources --------------------------------------------------------------

    def busy(self) -> list[str]:
        """What is still working at the current moment of the clock (empty when settled)."""
        reasons = []
        if not self.async_invocations.idle:
            reasons.append("asynchronous invocations are running")
        for source in (self.queues, self.streams):
            reasons.extend(source.busy())
        return reasons

    def drain(self, timeout: float = 30.0) -> None:
        """Wait until every event source has done what it can at the current moment of the clock:
        queued asynchronous invocations finished (retries wait for the clock), queues hold no
        deliverable message and no batch in flight, stream consumers caught up. Raises
        TimeoutError naming what is still busy."""
        deadline = time.monotonic() + timeout
        quiet = 0
        while quiet < 2:
            quiet = quiet + 1 if not self.busy() else 0
            if quiet < 2:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"still busy after {timeout}s: {'; '.join(self.busy()) or 'settling'}")
                time.sleep(0.002)
