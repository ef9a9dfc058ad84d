"""Reading CloudFormation intrinsic functions without evaluating them.

Every check of the gate asks the same few questions of a property value: which resources does
it reference (for the dependency graph), what does it look like as a string with `${Id}` and
`${Id.Attr}` placeholders (to recognise `/aws/lambda/${Function}`), and which alternatives can it
take under `Fn::If`. The answers follow CloudFormation's semantics:

- `Ref X` and `Fn::GetAtt [X, Attr]` (or `"X.Attr"`) reference X; so do `${X}` and `${X.Attr}` in
  `Fn::Sub`, except names bound by the `Fn::Sub` variable map and `${!Literal}` escapes.
- Both branches of `Fn::If` count as references: CloudFormation orders resources by every
  reference it can see, whatever the condition evaluates to.
- Pseudo parameters (`AWS::Region`) and template parameters are not resources; callers filter by
  the resource names they know.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

NO_VALUE = {"Ref": "AWS::NoValue"}

# ${Name} or ${Name.Attr}; ${!Literal} is an escape and never a reference.
_SUB_PLACEHOLDER = re.compile(r"\$\{([^!}][^}]*)\}")


@dataclass(frozen=True)
class Reference:
    """One reference to a template name: `Ref Name` (attribute None) or `GetAtt Name.Attribute`."""

    name: str
    attribute: str | None
    path: tuple[str | int, ...]


def intrinsic(value: Any) -> tuple[str, Any] | None:
    """The (function name, argument) of a one-key intrinsic mapping such as `{"Ref": "X"}`, else None."""
    if isinstance(value, dict) and len(value) == 1:
        key, argument = next(iter(value.items()))
        if key == "Ref" or key == "Condition" or key.startswith("Fn::"):
            return key, argument
    return None


def getatt_target(argument: Any) -> tuple[str, str] | None:
    """(resource, attribute) of an `Fn::GetAtt` argument in list or dotted-string form."""
    if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str):
        attribute = argument[1] if isinstance(argument[1], str) else "?"
        return argument[0], attribute
    if isinstance(argument, str) and "." in argument:
        name, attribute = argument.split(".", 1)
        return name, attribute
    return None


def sub_parts(argument: Any) -> tuple[str, dict[str, Any]] | None:
    """The template string and variable map of an `Fn::Sub` argument (string or [string, map])."""
    if isinstance(argument, str):
        return argument, {}
    if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str):
        variables = argument[1] if isinstance(argument[1], dict) else {}
        return argument[0], variables
    return None


def sub_placeholders(text: str) -> Iterator[re.Match[str]]:
    """Every `${Name}` / `${Name.Attr}` placeholder of an `Fn::Sub` string (escapes excluded)."""
    return _SUB_PLACEHOLDER.finditer(text)


def references(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[Reference]:
    """Every Ref / GetAtt / Sub placeholder reference inside value, with the path where it occurs."""
    call = intrinsic(value)
    if call is not None:
        function, argument = call
        if function == "Ref":
            if isinstance(argument, str):
                yield Reference(argument, None, path)
            return
        if function == "Fn::GetAtt":
            target = getatt_target(argument)
            if target is not None:
                yield Reference(target[0], target[1], path)
            else:
                yield from references(argument, (*path, function))
            return
        if function == "Fn::Sub":
            parts = sub_parts(argument)
            if parts is not None:
                text, variables = parts
                for match in sub_placeholders(text):
                    name, _, attribute = match.group(1).partition(".")
                    if name not in variables:
                        yield Reference(name, attribute or None, path)
                for key, bound in variables.items():
                    yield from references(bound, (*path, function, key))
            return
    if isinstance(value, dict):
        for key, item in value.items():
            yield from references(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from references(item, (*path, index))


def branches(value: Any) -> list[Any]:
    """The values `value` can take under every `Fn::If` outcome; absent (None) and `AWS::NoValue` dropped."""
    call = intrinsic(value)
    if call is not None and call[0] == "Fn::If":
        argument = call[1]
        if isinstance(argument, list) and len(argument) == 3:
            return branches(argument[1]) + branches(argument[2])
        return [value]
    if value is None or value == NO_VALUE:
        return []
    return [value]


def has_no_value_branch(value: Any) -> bool:
    """True when some `Fn::If` outcome of value is `AWS::NoValue` (the property is then absent)."""
    call = intrinsic(value)
    if call is not None and call[0] == "Fn::If":
        argument = call[1]
        if isinstance(argument, list) and len(argument) == 3:
            return has_no_value_branch(argument[1]) or has_no_value_branch(argument[2])
        return False
    return value == NO_VALUE


def as_list(value: Any) -> list[Any]:
    """A list property as a list of concrete items: `Fn::If` alternatives expanded, single items wrapped."""
    items: list[Any] = []
    for alternative in branches(value):
        if isinstance(alternative, list):
            for item in alternative:
                items.extend(branches(item))
        else:
            items.append(alternative)
    return items


def render(value: Any) -> str | None:
    """value as a string with `${Name}` / `${Name.Attr}` placeholders, or None when it is not string-like.

    `Ref X` renders `${X}`, `GetAtt X.A` renders `${X.A}`, `Fn::Sub` variables are inlined and
    `Fn::Join` is joined, so `!Sub "/aws/lambda/${Fn}"` and `!Join ["", ["/aws/lambda/", !Ref Fn]]`
    both render `/aws/lambda/${Fn}`.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    call = intrinsic(value)
    if call is None:
        return None
    function, argument = call
    if function == "Ref" and isinstance(argument, str):
        return "${" + argument + "}"
    if function == "Fn::GetAtt":
        target = getatt_target(argument)
        return "${" + target[0] + "." + target[1] + "}" if target else None
    if function == "Fn::Sub":
        parts = sub_parts(argument)
        if parts is None:
            return None
        text, variables = parts
        rendered_variables = {name: render(bound) for name, bound in variables.items()}
        if any(item is None for item in rendered_variables.values()):
            return None

        def substitute(match: re.Match[str]) -> str:
            bound = rendered_variables.get(match.group(1))
            return bound if bound is not None else match.group(0)

        return _SUB_PLACEHOLDER.sub(substitute, text)
    if function == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:
        delimiter, items = argument
        if not isinstance(delimiter, str) or not isinstance(items, list):
            return None
        rendered_items = [render(item) for item in items]
        if any(item is None for item in rendered_items):
            return None
        return delimiter.join(item for item in rendered_items if item is not None)
    return None


def single_reference(value: Any) -> Reference | None:
    """The one resource a value denotes when it is exactly a reference (`Ref X`, `GetAtt X.A`, `"${X.A}"`)."""
    rendered = render(value)
    if rendered is None:
        return None
    match = _SUB_PLACEHOLDER.fullmatch(rendered)
    if match is None:
        return None
    name, _, attribute = match.group(1).partition(".")
    return Reference(name, attribute or None, ())


def dotted(path: tuple[str | int, ...]) -> str:
    """A property path for messages: `Properties.Environment.Variables.X`, list indexes as `[0]`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text
