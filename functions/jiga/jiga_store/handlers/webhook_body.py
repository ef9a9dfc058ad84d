"""The body of a signed webhook, parsed only after its signature was checked."""

import json
from typing import Any

from shared.errors import InvalidInput
from shared.storable import json_body_problem


def parse_json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object; anything else (not JSON, too deep to parse safely) is a 400."""
    problem = json_body_problem(body)
    if problem is not None:
        raise InvalidInput(problem)
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise InvalidInput("The webhook body is not JSON") from error
    if not isinstance(payload, dict):
        raise InvalidInput("The webhook body must be a JSON object")
    return payload
