"""Whole numbers as JSON writes them: ``5.0`` is the integer 5.

JSON has one number type, and JSON Schema counts ``5.0`` as an integer, so a client (or a fuzzer
working from the OpenAPI document) may send it where an integer is due. Strict pydantic models
refuse a float for an ``int`` field; ``WholeNumbers`` reads every integral float of a request body
(nested ones too) as the integer it is before the fields are validated. ``2.5`` stays a float and
an integer field still refuses it, as it refuses ``"5"`` and ``true``.

    class SpecModel(WholeNumbers):
        model_config = ConfigDict(extra="forbid", strict=True)
"""

from typing import Any

from pydantic import BaseModel, model_validator

_LARGEST = 2**63  # past it a float has long lost the integer it was written as


def whole_numbers(value: Any) -> Any:
    """``value`` with each integral float (in dicts and lists too) replaced by its ``int``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < _LARGEST:
        return int(value)
    if isinstance(value, dict):
        return {key: whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [whole_numbers(item) for item in value]
    return value


class WholeNumbers(BaseModel):
    """A request body base: integral floats read as integers (see the module docstring)."""

    @model_validator(mode="before")
    @classmethod
    def _read_whole_numbers(cls, data: Any) -> Any:
        return whole_numbers(data)
