"""Reading an agent's runtime configuration (``PUT /agents/{id}/config``) and a session's
overrides (``POST /sessions``, the live ``config_update`` message) the same way.

Decisions the spec left open (the README's "configuration errors" row):

* not an object, or a known option of the wrong type (``"yes"``, ``1`` or ``"false"`` for a
  boolean, ``"5"`` for a number): 400 ``INVALID_CONFIGURATION``; nothing is converted;
* a known option outside the spec's range or enum: 422 ``INVALID_CONFIGURATION``;
* more than 16 KiB (serialised as UTF-8 JSON): 400 ``INVALID_CONFIGURATION``;
* unknown options are kept, within bounds the OpenAPI document states (``models/configuration.py``): JSON
  values nested at most 3 levels below the option, strings up to 1,000 characters, numbers 0 or
  between 1e-9 and 1e15 in magnitude, lists and objects of up to 20 entries with keys of 1-100
  characters, 50 options at most. Beyond them, and anything DynamoDB could not store anyway
  (``shared.storable``: an empty key, ``1e200``, ``1e-200``, ``10**40``), is a 400
  ``INVALID_CONFIGURATION`` naming the place; nothing is written.
"""

import json
from typing import Any

from pydantic import ValidationError

from jiga_store.models.configuration import (
    EXTRA_DEPTH,
    EXTRA_ENTRIES,
    EXTRA_KEY,
    EXTRA_NUMBER_MAX,
    EXTRA_NUMBER_MIN,
    EXTRA_STRING,
    MAX_OPTIONS,
    AgentConfiguration,
    ConfigurationOptions,
)
from shared.errors import InvalidInput, Unprocessable
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
        raise InvalidInput(f"{field} must be at most 16 KiB", {"field": field}, code=CODE)
    problem = storable_problem(raw, path=field)
    if problem is not None:
        where, why = problem
        raise InvalidInput(f"{where}: {why}", {"field": where, "reason": why}, code=CODE)
    if len(raw) > MAX_OPTIONS:
        raise InvalidInput(f"{field} has more than {MAX_OPTIONS} options", {"field": field}, code=CODE)
    try:
        options = model.model_validate(raw)
    except ValidationError as error:
        details = [
            {"field": ".".join((field, *(str(part) for part in item["loc"]))), "message": item["msg"]}
            for item in error.errors(include_url=False)
        ]
        if all(item["type"] in RANGE_ERRORS for item in error.errors()):
            raise Unprocessable("Configuration validation failed", details, code=CODE) from error
        raise InvalidInput("Invalid configuration", details, code=CODE) from error
    for name, value in (options.model_extra or {}).items():
        problem = extra_problem(value, f"{field}.{name}", EXTRA_DEPTH)
        if problem is None and len(name) > EXTRA_KEY:
            problem = (f"{field}.{name[:EXTRA_KEY]}...", f"option names have at most {EXTRA_KEY} characters")
        if problem is not None:
            where, why = problem
            raise InvalidInput(f"{where}: {why}", {"field": where, "reason": why}, code=CODE)
    return options


def extra_problem(value: Any, where: str, depth: int) -> tuple[str, str] | None:
    """Why an unknown option's value is outside the documented bounds, or None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return None if len(value) <= EXTRA_STRING else (where, f"strings have at most {EXTRA_STRING} characters")
    if isinstance(value, int | float):
        if value == 0 or EXTRA_NUMBER_MIN <= abs(value) <= EXTRA_NUMBER_MAX:
            return None
        return where, f"numbers are 0 or between {EXTRA_NUMBER_MIN:g} and {EXTRA_NUMBER_MAX:g} in magnitude"
    if not isinstance(value, list | dict):
        return where, "not a JSON value"
    if depth == 0:
        return where, f"unknown options nest at most {EXTRA_DEPTH} levels"
    if len(value) > EXTRA_ENTRIES:
        return where, f"lists and objects have at most {EXTRA_ENTRIES} entries"
    if isinstance(value, list):
        items = [(f"{where}[{index}]", item) for index, item in enumerate(value)]
    else:
        for key in value:
            if not 1 <= len(key) <= EXTRA_KEY:
                return where, f"keys have 1-{EXTRA_KEY} characters"
        items = [(f"{where}.{key}", item) for key, item in value.items()]
    for place, item in items:
        problem = extra_problem(item, place, depth - 1)
        if problem is not None:
            return problem
    return None


def options_to_store(options: ConfigurationOptions) -> dict[str, Any]:
    """The options as stored and answered: what was given, unknown keys included."""
    return options.model_dump(mode="json", exclude_none=True)
