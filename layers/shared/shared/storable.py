"""What DynamoDB can store, checked before anything is written.

moto stores what DynamoDB refuses, so a value that passes locally can be a 500 in AWS (or, once
stored, make every later read fail). Every API runs free-form JSON it keeps (configurations,
metadata, settings) through ``check_storable`` and gets a 400 in its own envelope instead:

* numbers: DynamoDB keeps 38 significant digits between 1E-130 and 9.99...E+125; boto3 converts
  with that context and raises on anything it would have to round, so the same context decides
  here (``10**40`` is 41 digits, ``1e200`` overflows, ``1e-200`` underflows); NaN and infinities
  are not numbers at all;
* map keys must be non-empty strings;
* nesting: a document may be 32 levels deep; ``max_depth`` is what is left where the value lands;
* strings must be valid Unicode (a lone surrogate such as ``"\\ud800"`` cannot be encoded);
* size: the serialised value must fit ``max_bytes`` (an item is at most 400 KB in all).

``json_body_problem`` is the request-level part: the platform middleware refuses a JSON body with
``NaN``/``Infinity``, a lone surrogate anywhere (Python's ``json`` accepts both) or nesting deeper
than ``REQUEST_DEPTH`` (which would otherwise exhaust the parser's recursion) before any route sees it.
"""

import json
import re
from decimal import Decimal, InvalidOperation
from itertools import accumulate
from typing import Any

from boto3.dynamodb.types import DYNAMODB_CONTEXT

from shared.errors import InvalidInput

DOCUMENT_DEPTH = 32
ITEM_BYTES = 400 * 1024


def storable_problem(
    value: Any, *, max_depth: int = DOCUMENT_DEPTH - 1, max_bytes: int = 64 * 1024, path: str = ""
) -> tuple[str, str] | None:
    """The first reason DynamoDB would refuse ``value`` as ``(where, why)``, or None."""
    stack: list[tuple[Any, str, int]] = [(value, path, 0)]
    while stack:
        current, where, depth = stack.pop()
        if isinstance(current, dict | list) and depth >= max_depth:
            return where or "$", f"nested deeper than {max_depth} levels"
        if isinstance(current, dict):
            for key, item in current.items():
                if not isinstance(key, str) or not key:
                    return where or "$", "object keys must be non-empty strings"
                if (problem := _string_problem(key)) is not None:
                    return f"{where}.{key!r}", problem
                stack.append((item, f"{where}.{key}" if where else key, depth + 1))
        elif isinstance(current, list):
            stack.extend((item, f"{where}[{index}]", depth + 1) for index, item in enumerate(current))
        elif isinstance(current, str):
            if (problem := _string_problem(current)) is not None:
                return where or "$", problem
        elif isinstance(current, bool) or current is None:
            continue
        elif isinstance(current, int | float | Decimal):
            if (problem := _number_problem(current)) is not None:
                return where or "$", problem
        else:
            return where or "$", f"{type(current).__name__} values cannot be stored"
    try:
        size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode())
    except (TypeError, ValueError, UnicodeEncodeError):
        return path or "$", "not storable JSON"
    if size > max_bytes:
        return path or "$", f"larger than {max_bytes} bytes"
    return None


def check_storable(value: Any, field: str, *, max_depth: int = DOCUMENT_DEPTH - 1, max_bytes: int = 64 * 1024) -> None:
    """Raise a 400 (``InvalidInput``, in the caller's envelope) for a value DynamoDB would refuse."""
    problem = storable_problem(value, max_depth=max_depth, max_bytes=max_bytes, path=field)
    if problem is not None:
        where, why = problem
        raise InvalidInput(f"{where}: {why}", {"field": where, "reason": why})


def _string_problem(text: str) -> str | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "strings must be valid Unicode (no lone surrogates)"
    return None


# boto3's context (Emax=126, subnormals allowed) is looser than DynamoDB itself, which keeps
# magnitudes from 1E-130 to 9.99...E+125 only: 1e126 and 1e-131 pass boto3 and fail in AWS.
_LARGEST = Decimal("9.9999999999999999999999999999999999999E+125")
_SMALLEST = Decimal("1E-130")
_RANGE = "numbers must have at most 38 significant digits and lie between 1E-130 and 9.99E+125"


def _number_problem(number: int | float | Decimal) -> str | None:
    try:
        decimal = Decimal(str(number)) if isinstance(number, float) else Decimal(number)
        if not decimal.is_finite():
            return "numbers must be finite"
        DYNAMODB_CONTEXT.create_decimal(decimal)
    except (InvalidOperation, ValueError, ArithmeticError):
        return _RANGE
    if decimal and not _SMALLEST <= abs(decimal) <= _LARGEST:
        return _RANGE
    return None


_SUSPECT_TOKENS = (b"NaN", b"Infinity", b"\\ud", b"\\uD")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")
REQUEST_DEPTH = 64


def _nesting(body: bytes) -> int:
    brackets = _JSON_STRING.sub(b'""', body).translate(None, _NOT_BRACKETS)
    return max(accumulate(1 if byte in b"[{" else -1 for byte in brackets), default=0)


def json_body_problem(body: bytes) -> str | None:
    """Why a JSON request body must be refused before parsing, or None. Cheap for ordinary
    bodies: only one with many brackets is scanned, only one with a suspect token is parsed."""
    if body.count(b"[") + body.count(b"{") > REQUEST_DEPTH and _nesting(body) > REQUEST_DEPTH:
        return f"JSON nested deeper than {REQUEST_DEPTH} levels"
    if not any(token in body for token in _SUSPECT_TOKENS):
        return None

    def refuse_constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    try:
        parsed = json.loads(body, parse_constant=refuse_constant)
    except ValueError as error:
        if "is not a JSON number" in str(error):
            return "NaN and Infinity are not valid JSON numbers"
        return None  # malformed JSON: the route's own parsing answers it
    stack = [parsed]
    while stack:
        current = stack.pop()
        if isinstance(current, str) and _string_problem(current):
            return "strings must be valid Unicode (no lone surrogates)"
        if isinstance(current, dict):
            for key, item in current.items():
                if _string_problem(key):
                    return "strings must be valid Unicode (no lone surrogates)"
                stack.append(item)
        elif isinstance(current, list):
            stack.extend(current)
    return None
