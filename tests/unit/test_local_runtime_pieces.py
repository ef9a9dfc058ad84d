"""The local runtime's pure pieces: SAM substitutions, Lambda URLs, WebSocket route selection."""

import pytest

from local.state_machines import definition_text, invoked_function_name
from local.websocket_api import select_route_key


def test_definition_substitutions_replace_every_placeholder(tmp_path):
    (tmp_path / "flow.asl.json").write_text('{"Resource": "${Fn}", "Table": "${Table}"}')

    text = definition_text(
        tmp_path, "Flow", {"DefinitionUri": "flow.asl.json", "DefinitionSubstitutions": {"Fn": "arn:f", "Table": "T"}}
    )

    assert text == '{"Resource": "arn:f", "Table": "T"}'


def test_a_placeholder_without_a_substitution_fails_at_start_not_mid_execution(tmp_path):
    (tmp_path / "flow.asl.json").write_text('{"Resource": "${Missing}"}')

    with pytest.raises(ValueError, match="Missing"):
        definition_text(tmp_path, "Flow", {"DefinitionUri": "flow.asl.json"})


@pytest.mark.parametrize(
    "reference",
    [
        "Settle",
        "Settle:live",
        "123456789012:function:Settle",
        "arn:aws:lambda:us-east-1:123456789012:function:Settle",
        "arn:aws:lambda:us-east-1:123456789012:function:Settle:live",
    ],
)
def test_every_form_of_function_name_in_an_invoke_url(reference):
    from urllib.parse import quote

    url = f"https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/{quote(reference, safe='')}/invocations"

    assert invoked_function_name(url) == "Settle"


@pytest.mark.parametrize(
    ("expression", "body", "expected"),
    [
        ("$request.body.action", '{"action": "join"}', "join"),
        ("$request.body.type", '{"type": "move", "action": "join"}', "move"),
        ("$request.body.meta.kind", '{"meta": {"kind": "ping"}}', "ping"),
        ("$request.body.action", '{"other": 1}', None),
        ("$request.body.action", "not json", None),
    ],
)
def test_route_selection_reads_the_message_body(expression, body, expected):
    assert select_route_key(expression, body) == expected
