"""Stripe-style ``Idempotency-Key`` handling on top of Powertools Idempotency.

* the key (1-255 characters) is scoped to the API, the route and the caller;
* same key + same body replays the first response (with ``Idempotent-Replayed: true``);
* same key + a different body is rejected (422 ``IDEMPOTENCY_KEY_REUSED``);
* a request still in flight with that key gets 409 ``IDEMPOTENCY_KEY_IN_USE``;
* records live ``IDEMPOTENCY_TTL_SECONDS`` (24 h by default) in the idempotency table;
* nothing is recorded when validation fails (FastAPI validates before we get here) or when the
  operation raises a domain error: that request had no effect, so a retry is evaluated afresh.
"""

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from shared.errors import Conflict, InvalidInput, Unprocessable
from shared.settings import get_settings

IDEMPOTENCY_HEADER = "idempotency-key"
MAX_KEY_LENGTH = 255
Operation = Callable[[], tuple[int, Any]]


@lru_cache(maxsize=1)
def _persistence() -> Any:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    from shared import aws

    return DynamoDBPersistenceLayer(table_name=get_settings().idempotency_table, boto3_client=aws.dynamodb())


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters", code="INVALID_IDEMPOTENCY_KEY")
    return key


def respond_idempotently(request: Request, caller_id: str, payload: Any, operation: Operation) -> JSONResponse:
    """Run ``operation`` once per Idempotency-Key and answer with its (status, body)."""
    key = idempotency_key(request)
    if key is None:
        status, body = operation()
        return JSONResponse(status_code=status, content=body)

    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    config = IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="body",
        expires_after_seconds=get_settings().idempotency_ttl_seconds,
        response_hook=lambda response, _record: {**response, "replayed": True},
    )
    lambda_context = request.scope.get("aws.context")
    if lambda_context is not None and hasattr(lambda_context, "get_remaining_time_in_millis"):
        config.register_lambda_context(lambda_context)

    route = request.scope.get("route")
    route_path = getattr(route, "path", request.url.path)

    @idempotent_function(
        data_keyword_argument="request_data",
        persistence_store=_persistence(),
        config=config,
        key_prefix=request.app.state.api_name,
    )
    def run_once(request_data: dict[str, Any]) -> dict[str, Any]:
        status, body = operation()
        return {"status": status, "body": body}

    try:
        outcome = run_once(
            request_data={
                "key": f"{request.method} {route_path}|{caller_id}|{key}",
                "body": payload,
            }
        )
    except IdempotencyValidationError as error:
        raise Unprocessable(
            "This Idempotency-Key was already used with a different request body",
            code="IDEMPOTENCY_KEY_REUSED",
        ) from error
    except IdempotencyAlreadyInProgressError as error:
        raise Conflict(
            "A request with this Idempotency-Key is still being processed",
            code="IDEMPOTENCY_KEY_IN_USE",
        ) from error
    headers = {"Idempotent-Replayed": "true"} if outcome.get("replayed") else {}
    return JSONResponse(status_code=outcome["status"], content=outcome["body"], headers=headers)
