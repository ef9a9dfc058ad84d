"""An agent's runtime configuration and a session's overrides, and the document's schema of both
(read by ``logic/configuration.py``)."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from jiga_store.models.common import WHOLE, SpecModel


class TeamMessaging(SpecModel):
    enabled: bool
    propagation_mode: Literal["real_time", "broadcast", "targeted"]


class ConfigurationOptions(BaseModel):
    """The runtime options of an agent, each optional (a session's overrides); unknown keys are
    kept ("... other configuration options") once they pass ``check_storable``.

    Strict, like the spec bodies: ``"yes"``, ``1`` or ``"false"`` for a boolean and ``"5"`` for a
    number are wrong types (400), never converted; an int is a number (``5`` for ``target_fps``)."""

    model_config = ConfigDict(extra="allow", strict=True)

    high_speed_vision: bool | None = None
    high_speed_mode: Literal["ultra_fast", "balanced", "quality_focused"] | None = None
    target_fps: float | None = Field(default=None, ge=1.0, le=10.0)
    analysis_interval: float | None = Field(default=None, ge=0.1, le=2.0)
    max_concurrent_analyses: Annotated[int, Field(ge=1, le=20), WHOLE] | None = None
    voice_enabled: bool | None = None
    selected_voice_name: str | None = Field(default=None, min_length=1, max_length=64)
    team_messaging: TeamMessaging | None = None


class AgentConfiguration(ConfigurationOptions):
    """``PUT /agents/{id}/config``: the spec makes ``high_speed_vision`` the one required option."""

    high_speed_vision: bool


# Unknown options ("... other configuration options") hold JSON values within these bounds,
# which the document states and logic/configuration.py enforces: strings up to 1,000 characters,
# booleans, null, numbers 0 or between 1e-9 and 1e15 in magnitude, lists and objects of up to 20
# entries with keys of 1-100 characters, nested at most 3 levels below the option.
EXTRA_DEPTH = 3
EXTRA_ENTRIES = 20
EXTRA_STRING = 1000
EXTRA_KEY = 100
EXTRA_NUMBER_MIN, EXTRA_NUMBER_MAX = 1e-9, 1e15
MAX_OPTIONS = 50


def extra_value_schema(depth: int = EXTRA_DEPTH) -> dict[str, Any]:
    """The JSON schema of an unknown option's value, ``depth`` levels of lists and objects deep."""
    choices: list[dict[str, Any]] = [
        {"type": "string", "maxLength": EXTRA_STRING},
        {"type": "boolean"},
        {"type": "null"},
        {"const": 0},
        {"type": "number", "minimum": EXTRA_NUMBER_MIN, "maximum": EXTRA_NUMBER_MAX},
        {"type": "number", "minimum": -EXTRA_NUMBER_MAX, "maximum": -EXTRA_NUMBER_MIN},
    ]
    if depth > 0:
        inner = extra_value_schema(depth - 1)
        choices += [
            {"type": "array", "maxItems": EXTRA_ENTRIES, "items": inner},
            {
                "type": "object",
                "maxProperties": EXTRA_ENTRIES,
                "propertyNames": {"minLength": 1, "maxLength": EXTRA_KEY},
                "additionalProperties": inner,
            },
        ]
    return {"anyOf": choices}


def _inline_refs(schema: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _inline_refs(definitions[schema["$ref"].rsplit("/", 1)[1]], definitions)
        return {key: _inline_refs(value, definitions) for key, value in schema.items() if key != "$defs"}
    if isinstance(schema, list):
        return [_inline_refs(item, definitions) for item in schema]
    return schema


def configuration_schema(required: bool) -> dict[str, Any]:
    """The document's schema of a configuration (an agent's when ``required``, else a session's
    overrides): the spec's options, typed, and unknown options within the bounds above."""
    model = AgentConfiguration if required else ConfigurationOptions
    raw = model.model_json_schema()
    schema = _inline_refs(raw, raw.get("$defs", {}))
    schema.pop("title", None)
    schema.update(
        additionalProperties=extra_value_schema(),
        propertyNames={"minLength": 1, "maxLength": EXTRA_KEY},
        maxProperties=MAX_OPTIONS,
    )
    return schema
