"""Plain-dict <-> DynamoDB attribute-value conversion for the low-level client.

The low-level client is used everywhere (not the resource API) because TransactWriteItems and
condition failures are first-class there and it imports faster.
"""

from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _to_dynamo_value(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _to_dynamo_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_to_dynamo_value(v) for v in value]
    return value


def _from_dynamo_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo_value(v) for v in value]
    if isinstance(value, set):
        return sorted(_from_dynamo_value(v) for v in value)
    return value


def to_item(data: dict[str, Any]) -> dict[str, Any]:
    """Serialise a dict, dropping None values (DynamoDB has no use for them)."""
    return {k: _serializer.serialize(_to_dynamo_value(v)) for k, v in data.items() if v is not None}


def to_value(value: Any) -> dict[str, Any]:
    return _serializer.serialize(_to_dynamo_value(value))


def from_item(item: dict[str, Any] | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {k: _from_dynamo_value(_deserializer.deserialize(v)) for k, v in item.items()}


def cancellation_codes(error: Exception) -> list[str]:
    """The per-item reasons of a TransactionCanceledException, in request order."""
    reasons = getattr(error, "response", {}).get("CancellationReasons", [])
    return [reason.get("Code", "None") for reason in reasons]
