"""JSON exactly as JavaScript's ``JSON.stringify(JSON.parse(body))`` writes it.

The spec's Express receiver verifies ``X-Signature`` over ``JSON.stringify(req.body)``: the body
it re-serialises, not the bytes that arrived. A signature therefore holds only if the body sent is
already what JavaScript writes back, byte for byte:

* no whitespace; non-ASCII characters as themselves; only ``"``, ``\\`` and control characters
  escaped (``\\n``, ``\\u001f``: lowercase hex), as both languages do;
* numbers as ECMAScript's Number::toString: ``7`` not ``7.0``, ``1e+21`` not ``1e21``,
  ``1e-7`` not ``1e-07``, ``0.000001``, ``-0`` as ``0``, and integers beyond 2^53 as the double
  JavaScript parses them to (``12345678901234567890`` -> ``12345678901234567000``);
* object keys in JavaScript's property order: integer-like keys (``"0"``, ``"42"``) first in
  ascending numeric order, then the others in insertion order.
"""

import json
from decimal import Decimal
from typing import Any

_STRING = json.JSONEncoder(ensure_ascii=False)
_MAX_ARRAY_INDEX = 2**32 - 2


def _array_index(key: str) -> int | None:
    if not key.isdigit() or not key.isascii() or (len(key) > 1 and key[0] == "0"):
        return None
    number = int(key)
    return number if number <= _MAX_ARRAY_INDEX else None


def js_number(value: int | float | Decimal) -> str:
    if isinstance(value, bool):
        raise TypeError("booleans are not numbers")
    if isinstance(value, int) and abs(value) < 2**53:
        return str(value)
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        return "null"
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    decimal = Decimal(repr(abs(number))).normalize()
    _, digit_tuple, exponent = decimal.as_tuple()
    digits = "".join(str(d) for d in digit_tuple)
    k = len(digits)
    n = k + int(exponent)
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        power = n - 1
        mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
        text = f"{mantissa}e{'+' if power >= 0 else '-'}{abs(power)}"
    return sign + text


def js_dumps(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _STRING.encode(value)
    if isinstance(value, int | float | Decimal):
        return js_number(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(js_dumps(item) for item in value) + "]"
    if isinstance(value, dict):
        indexed = sorted((index, key) for key in value if (index := _array_index(key)) is not None)
        ordered = [key for _, key in indexed] + [key for key in value if _array_index(key) is None]
        return "{" + ",".join(f"{_STRING.encode(key)}:{js_dumps(value[key])}" for key in ordered) + "}"
    raise TypeError(f"{type(value).__name__} is not JSON")
