"""Reading an agent's runtime configuration (``PUT /agents/{id}/config``) and a session's
overrides (``POST /sessions``, the live ``config_update`` message) the same way.

Decisions the spec left open (the README's "configuration errors" row):

* not an object, or a known option of the wrong type (``"yes"``, ``1`` or ``"false"`` for a
  boolean, ``"5"`` for a number): 400 ``INVALID_CONFIGURATION``; nothing is converted;
* a known option outside the spec's range or enum: 422 ``INVALID_CONFIGURATION``;
* more than 16 KiB: 413 ``INVALID_CONFIGURATION``;
* unknown options are kept, provided DynamoDB can store them (``shared.storable``): an empty key,
  nesting past DynamoDB's 32 levels, a number beyond its 38 digits or its range (``1e200``,
  ``1e-200``, ``10**40``) is a 400 ``INVALID_CONFIGURATION`` naming where, and nothing is written.
"""

import json
from typing import Any

from pydantic import ValidationError

from jiga_store.models.api import AgentConfiguration, ConfigurationOptions
from shared.errors import InvalidInput, PayloadTooLarge, Unprocessable
from shared.storable import storable_problem

MAX_CONFIGURATION_BYTES = 16 * 1024
CODE = "INVALID_CONFIGURATION"
# A value of the right type outside the spec's range or enum is a 422; any other problem a 400.
RANGE_ERRORS = {
    "greater_than_equal",
    "less_than_equal",
    "greater_than",
    "less_than",
    "literal_error",
    "string_too_short",
    "string_too_long",
}


def read_configuration(
    raw: Any, model: type[ConfigurationOptions] = AgentConfiguration, field: str = "configuration"
) -> ConfigurationOptions:
    """The configuration as ``model``, or the error the rules above name."""
    if not isinstance(raw, dict):
        raise InvalidInput(f"{field} must be an object", {"field": field}, code=CODE)
    if len(json.dumps(raw, ensure_ascii=False).encode()) > MAX_CONFIGURATION_BYTES:
        raise PayloadTooLarge(f"{field} must be at most 16 KiB", {"field": field}, code=CODE)
    problem = storable_problem(raw, path=field)
    if problem is not None:
        where, why = problem
        raise InvalidInput(f"{where}: {why}", {"field": where, "reason": why}, code=CODE)
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        details = [
            {"field": ".".join((field, *(str(part) for part in item["loc"]))), "message": item["msg"]}
            for item in error.errors(include_url=False)
        ]
        if all(item["type"] in RANGE_ERRORS for item in error.errors()):
            raise Unprocessable("Configuration validation failed", details, code=CODE) from error
        raise InvalidInput("Invalid configuration", details, code=CODE) from error


def options_to_store(options: ConfigurationOptions) -> dict[str, Any]:
    """The options as stored and answered: what was given, unknown keys included."""
    return options.model_dump(mode="json", exclude_none=True)
