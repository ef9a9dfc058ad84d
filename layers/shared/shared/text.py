"""Strings that are trimmed before their length is checked, described truthfully in OpenAPI.

A client's ``"  FPS "`` is read as ``"FPS"``, and its length rules apply to what is left. JSON
Schema's ``minLength``/``maxLength`` would describe the raw string instead, so a fuzzer working
from the document sends ``" "`` for a one-character minimum and is refused. ``trimmed`` gives the
document a pattern that holds exactly for the strings the server accepts: optional whitespace, a
non-space character, up to the allowed length of anything ending in a non-space character, and
optional whitespace.
"""

from typing import Annotated, Any

from pydantic import StringConstraints, WithJsonSchema

# What pydantic's strip_whitespace removes (Rust's White_Space), spelled out: Python's \s also
# matches U+001C-U+001F, and a fuzzer's \s (hypothesis) leaves out U+0085 and others, so a
# pattern written with \s and \S says something else than the server does.
WHITESPACE = r"\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SPACE, _NOT_SPACE = f"[{WHITESPACE}]", f"[^{WHITESPACE}]"


def trimmed_pattern(min_length: int = 1, max_length: int | None = None) -> str:
    if min_length < 1:
        raise ValueError("a trimmed string has at least one character")
    most = "" if max_length is None else str(max_length - 2)
    if min_length == 1:
        middle = rf"(?:[\s\S]{{0,{most}}}{_NOT_SPACE})?" if max_length is not None else rf"(?:[\s\S]*{_NOT_SPACE})?"
    else:
        middle = rf"[\s\S]{{{min_length - 2},{most}}}{_NOT_SPACE}"
    return rf"^{_SPACE}*{_NOT_SPACE}{middle}{_SPACE}*$"


def trimmed(min_length: int = 1, max_length: int | None = None, **constraints: Any) -> Any:
    """A ``str`` type: surrounding whitespace removed, then ``min_length``..``max_length`` apply."""
    schema: dict[str, Any] = {"type": "string", "pattern": trimmed_pattern(min_length, max_length)}
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length, **constraints),
        WithJsonSchema(schema),
    ]
