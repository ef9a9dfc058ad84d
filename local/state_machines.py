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
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

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
