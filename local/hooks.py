"""botocore hooks on boto3's default session: the AWS calls the runtime answers itself.

* ``lambda.Invoke`` of a template function (by name, ARN or qualified ARN such as
  ``...:function:Name:live``) runs its in-process handler: synchronously (``RequestResponse``), or
  queued with Lambda's retries and destinations (``Event``). Any caller: a Step Functions task, a
  handler, a test. Unknown functions fall through to moto.
* ``states.StartExecution`` without a ``name`` gets a UUID, as in AWS (moto needs one).
* ``apigatewaymanagementapi`` calls to a local WebSocket API are answered by its gateway.

The hooks serve every runtime running in the process (``ACTIVE_RUNTIMES``).
"""

import json
import uuid
from typing import Any

from local import moto_fixes, state_machines
from local.functions import parse_function_reference

ACTIVE_RUNTIMES: list[Any] = []


def owner_of_function(reference: str) -> tuple[Any, str, str | None] | None:
    """(runtime, function key, qualifier) of a function name or ARN, if a running runtime has it."""
    name, qualifier = parse_function_reference(reference)
    for runtime in reversed(ACTIVE_RUNTIMES):
        if name in runtime.function_ids_by_name:
            return runtime, runtime.function_ids_by_name[name], qualifier
    return None


def aws_response(request: Any, status: int, headers: dict[str, str], body: bytes) -> Any:
    from botocore.awsrequest import AWSResponse
    from moto.core.botocore_stubber import MockRawResponse

    return AWSResponse(request.url, status, headers, MockRawResponse(body))


def _lambda_invoke_hook(request: Any, **_: Any) -> Any:
    owner = owner_of_function(state_machines.invoked_function_reference(request.url))
    if owner is None:
        return None
    runtime, function_id, qualifier = owner
    invocation_type = request.headers.get("X-Amz-Invocation-Type", b"RequestResponse")
    invocation_type = invocation_type.decode() if isinstance(invocation_type, bytes) else invocation_type
    if invocation_type == "DryRun":
        return aws_response(request, 204, {}, b"")
    if invocation_type == "Event":
        try:
            payload = json.loads(request.body or b"{}")
        except ValueError:
            headers = {"x-amzn-ErrorType": "InvalidRequestContentException"}
            return aws_response(request, 400, headers, b'{"message":"Could not parse request body into json"}')
        request_id = runtime.invoke_async(function_id, payload, qualifier=qualifier)
        return aws_response(request, 202, {"x-amzn-RequestId": request_id}, b"")
    status, headers, body = state_machines.lambda_invoke_response(
        lambda event: runtime.invoke(function_id, event, qualifier=qualifier), request.body
    )
    return aws_response(request, status, headers, body)


def _name_execution(params: dict[str, Any], **_: Any) -> None:
    """AWS names an unnamed execution with a UUID; moto needs the name given."""
    params.setdefault("name", str(uuid.uuid4()))


def _management_api_hook(request: Any, **_: Any) -> Any:
    body = request.body.encode() if isinstance(request.body, str) else request.body
    for runtime in reversed(ACTIVE_RUNTIMES):
        answer = runtime.websockets.management_response(request.method, request.url, body)
        if answer is not None:
            return aws_response(request, *answer)
    return None


def install() -> None:
    """Register the hooks on boto3's default session (moto resets it when it starts), before any
    client is made: clients copy the session's handlers when they are created."""
    import boto3

    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    events = boto3.DEFAULT_SESSION.events
    events.register("before-send.lambda.Invoke", _lambda_invoke_hook, unique_id="local-lambda-invoke")
    events.register("before-parameter-build.sfn.StartExecution", _name_execution, unique_id="local-sfn-name")
    events.register("before-send.apigatewaymanagementapi", _management_api_hook, unique_id="local-connections")
    moto_fixes.apply()
