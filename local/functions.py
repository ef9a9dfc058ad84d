"""The template's functions as Lambda would run them: code, handler, environment, context.

``FunctionSpec`` is what one deployed version of a function is (CodeUri, Handler, Globals merged
with its own properties, the layers it names). ``lambda_environment`` adds the variables Lambda
itself sets. ``LambdaContext`` is the context object a handler receives.
"""

import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local.stacks import Resource, Stack
from local.template import ACCOUNT_ID, REGION, function_arn

FUNCTION = "AWS::Serverless::Function"
DEFAULT_MAX_INSTANCES = 32


@dataclass
class FunctionSpec:
    logical_id: str  # the function's key in the template tree
    code_uri: Path
    handler: str
    environment: dict[str, str]
    timeout: int
    memory: int
    name: str = ""
    layers: list[Path] = field(default_factory=list)
    reserved_concurrency: int | None = None
    event_invoke: dict[str, Any] = field(default_factory=dict)  # EventInvokeConfig as resolved
    dead_letter_queue: dict[str, Any] = field(default_factory=dict)  # DeadLetterQueue as resolved

    @property
    def arn(self) -> str:
        return function_arn(self.name or self.logical_id)

    def lambda_environment(self) -> dict[str, str]:
        """The function's variables and the ones Lambda sets in every sandbox."""
        name = self.name or self.logical_id
        return {
            **self.environment,
            "AWS_LAMBDA_FUNCTION_NAME": name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.memory),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": "local",
            "_HANDLER": self.handler,
        }


@dataclass
class LambdaContext:
    function_name: str
    memory_limit_in_mb: int
    timeout_seconds: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    started: float = field(default_factory=time.monotonic)
    qualifier: str | None = None

    @property
    def invoked_function_arn(self) -> str:
        arn = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.function_name}"
        return f"{arn}:{self.qualifier}" if self.qualifier else arn

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return "local"

    def get_remaining_time_in_millis(self) -> int:
        return max(int((self.timeout_seconds - (time.monotonic() - self.started)) * 1000), 0)


def function_spec(
    key: str, function: Resource, local_value: Callable[[Any], str], layers_by_arn: dict[str, Path]
) -> FunctionSpec:
    """One template function, Globals applied, its environment resolved for this machine."""
    globals_ = function.stack.globals()
    properties = function.properties
    resolve = function.stack.resolver.resolve
    variables = {
        **globals_.get("Environment", {}).get("Variables", {}),
        **properties.get("Environment", {}).get("Variables", {}),
    }
    layers = [
        layers_by_arn[str(arn)]
        for arn in resolve([*globals_.get("Layers", []), *properties.get("Layers", [])])
        if str(arn) in layers_by_arn
    ]
    reserved = resolve(properties.get("ReservedConcurrentExecutions", globals_.get("ReservedConcurrentExecutions")))
    return FunctionSpec(
        logical_id=key,
        code_uri=function.path(properties["CodeUri"]),
        handler=properties["Handler"],
        environment={name: local_value(resolve(value)) for name, value in variables.items()},
        timeout=int(resolve(properties.get("Timeout", globals_.get("Timeout", 3)))),
        memory=int(resolve(properties.get("MemorySize", globals_.get("MemorySize", 128)))),
        name=str(function.stack.resolver.ref(function.logical_id)),
        layers=layers,
        reserved_concurrency=int(reserved) if reserved not in (None, "") else None,
        event_invoke=resolve(properties.get("EventInvokeConfig", globals_.get("EventInvokeConfig"))) or {},
        dead_letter_queue=resolve(properties.get("DeadLetterQueue", globals_.get("DeadLetterQueue"))) or {},
    )


def alias_lookup(stack: Stack) -> Callable[[str], str | None]:
    """SAM's ``!Ref Function.Alias``: the function's AutoPublishAlias (its own, else Globals')."""

    def alias(logical_id: str) -> str | None:
        resource = stack.template.get("Resources", {}).get(logical_id) or {}
        if resource.get("Type") != FUNCTION:
            return None
        value = (resource.get("Properties") or {}).get("AutoPublishAlias") or stack.globals().get("AutoPublishAlias")
        return str(stack.resolver.resolve(value)) if value else None

    return alias


def parse_function_reference(reference: str) -> tuple[str, str | None]:
    """A function name, partial ARN or ARN (maybe qualified) -> (name, qualifier)."""
    if reference.startswith("arn:"):
        parts = reference.split(":")
        return parts[6], (parts[7] if len(parts) > 7 else None)
    if ":function:" in reference:  # 123456789012:function:Name[:qualifier]
        rest = reference.split(":function:", 1)[1].split(":")
        return rest[0], (rest[1] if len(rest) > 1 else None)
    name, _, qualifier = reference.partition(":")
    return name, qualifier or None


def is_function_arn(value: str) -> bool:
    return bool(re.match(r"arn:aws[\w-]*:lambda:[^:]*:\d+:function:", value))
