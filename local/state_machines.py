"""Step Functions locally: the template's state machines created in moto, executing the real ASL.

moto (``execute_state_machine``) interprets the definitions in a background thread per execution.
This module creates each ``AWS::Serverless::StateMachine`` from its ``DefinitionUri`` with SAM's
``DefinitionSubstitutions`` applied, routes the Lambda tasks of executions to the in-process
handlers (see ``lambda_invoke_response``), and gives Wait states and Retry intervals a time scale
so that a one-hour Wait does not hold a test for an hour.
"""

import json
import re
import time
import traceback
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml

from local.functions import parse_function_reference
from local.template import ACCOUNT_ID, state_machine_arn

TIME_SCALE_VARIABLE = "LOCAL_STATES_TIME_SCALE"
_time_scale = 1.0


# -- creation -------------------------------------------------------------------------------------


def state_machine_name(logical_id: str, properties: dict[str, Any]) -> str:
    return str(properties.get("Name") or logical_id)


def definition_text(root: Path, logical_id: str, properties: dict[str, Any]) -> str:
    """The definition as SAM deploys it: the file (or inline Definition) with substitutions applied."""
    if "DefinitionUri" in properties:
        uri = properties["DefinitionUri"]
        if not isinstance(uri, str):
            raise NotImplementedError(f"{logical_id}: only a local DefinitionUri path runs locally")
        path = root / uri
        text = path.read_text()
        if path.suffix in (".yaml", ".yml"):
            text = json.dumps(yaml.safe_load(text))
    elif "Definition" in properties:
        text = json.dumps(properties["Definition"])
    else:
        raise ValueError(f"{logical_id} has neither DefinitionUri nor Definition")
    substitutions = {name: str(value) for name, value in (properties.get("DefinitionSubstitutions") or {}).items()}
    missing = sorted({name for name in re.findall(r"\$\{([^}]+)\}", text) if name not in substitutions})
    if missing:
        raise ValueError(f"{logical_id}: DefinitionSubstitutions does not define {', '.join(missing)}")
    return re.sub(r"\$\{([^}]+)\}", lambda match: substitutions[match.group(1)], text)


def create_state_machine(client: Any, root: Path, logical_id: str, properties: dict[str, Any]) -> str:
    """Create one resolved state machine in moto and return its ARN."""
    name = state_machine_name(logical_id, properties)
    role = properties.get("Role") or f"arn:aws:iam::{ACCOUNT_ID}:role/{logical_id}Role"
    created = client.create_state_machine(
        name=name,
        definition=definition_text(root, logical_id, properties),
        roleArn=role,
        type=properties.get("Type", "STANDARD"),
    )
    arn = created["stateMachineArn"]
    assert arn == state_machine_arn(name)
    return arn


# -- Lambda tasks ---------------------------------------------------------------------------------


def invoked_function_reference(url: str) -> str:
    """The function a Lambda Invoke URL names, as ``name`` or ``name:qualifier`` (from a name, a
    partial or full ARN, qualified or with a ``Qualifier`` parameter)."""
    parts = urlsplit(url)
    reference = unquote(parts.path.split("/functions/", 1)[1].rsplit("/invocations", 1)[0])
    name, qualifier = parse_function_reference(reference)
    qualifier = dict(parse_qsl(parts.query)).get("Qualifier") or qualifier
    return f"{name}:{qualifier}" if qualifier else name


def invoked_function_name(url: str) -> str:
    """The function name in a Lambda Invoke URL (name, partial ARN or full ARN, maybe qualified)."""
    path = urlsplit(url).path
    reference = unquote(path.split("/functions/", 1)[1].rsplit("/invocations", 1)[0])
    if reference.startswith("arn:"):
        return reference.split(":")[6]
    if ":function:" in reference:
        return reference.split(":function:", 1)[1].split(":")[0]
    return reference.split(":")[0]


def lambda_invoke_response(invoke: Callable[[Any], Any], body: bytes | None) -> tuple[int, dict[str, str], bytes]:
    """Run a handler as Lambda's Invoke API would: 200 with the JSON result, or 200 with
    ``X-Amz-Function-Error: Unhandled`` and ``{errorType, errorMessage, stackTrace}`` when it raises,
    which Step Functions turns into an error named after the exception class (for Retry/Catch)."""
    headers = {"Content-Type": "application/json", "X-Amz-Executed-Version": "$LATEST"}
    try:
        event = json.loads(body) if body else {}
    except ValueError:
        return 400, {**headers, "x-amzn-ErrorType": "InvalidRequestContentException"}, b'{"message":"Invalid JSON"}'
    try:
        result = invoke(event)
    except Exception as error:
        payload = {
            "errorMessage": str(error),
            "errorType": type(error).__name__,
            "stackTrace": traceback.format_tb(error.__traceback__),
        }
        return 200, {**headers, "X-Amz-Function-Error": "Unhandled"}, json.dumps(payload).encode()
    try:
        return 200, headers, json.dumps(result).encode()
    except (TypeError, ValueError) as error:
        payload = {"errorMessage": f"Unable to marshal response: {error}", "errorType": "Runtime.MarshalError"}
        return 200, {**headers, "X-Amz-Function-Error": "Unhandled"}, json.dumps(payload).encode()


# -- time -----------------------------------------------------------------------------------------


def time_scale() -> float:
    return _time_scale


def set_time_scale(scale: float) -> None:
    """Scale every Wait state and Retry interval of every execution in this process.

    1 is real time, 0 makes them instant, 0.001 turns an hour into 3.6 seconds. Task timeouts
    (``TimeoutSeconds``, heartbeats) are deadlines, not delays, and are never scaled.
    """
    global _time_scale
    if scale < 0:
        raise ValueError("the time scale cannot be negative")
    _time_scale = float(scale)
    _patch_moto_waits()


class _ScaledSleep:
    """Stands in for the ``time`` module inside moto's retrier, whose only use of it is sleep."""

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        if seconds * _time_scale > 0:
            time.sleep(seconds * _time_scale)


def _patch_moto_waits() -> None:
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction

    if getattr(WaitFunction, "_local_time_scale", False):
        return

    def scaled_wait(self: Any, env: Any) -> None:
        # moto's own wait compares whole seconds and would spin on fractions; this waits on the
        # same event (pulsed when the execution stops) until the scaled deadline.
        deadline = time.monotonic() + max(self._get_wait_seconds(env=env), 0) * _time_scale
        while env.is_running() and (remaining := deadline - time.monotonic()) > 0:
            env.program_state_event.wait(remaining)

    WaitFunction._eval_body = scaled_wait
    WaitFunction._local_time_scale = True
    retrier_decl.time = _ScaledSleep()


# -- helpers for tests and tools --------------------------------------------------------------------


class ExecutionHelpers:
    """Start and follow executions of the template's state machines (mixed into LocalRuntime)."""

    state_machines: dict[str, str]

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
