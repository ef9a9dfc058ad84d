"""The deployability gate (gate/): a broken nested template fails on every rule, a good one passes.

The fixtures live in tests/fixtures/gate: `broken/` breaks each rule once (the comment above each
resource names the rule), `good/` is a small root + nested API that does everything right.
"""

from pathlib import Path

import pytest

from gate import run
from gate.__main__ import main
from gate.core import resource_count_findings
from gate.cycles import find_cycles
from gate.intrinsics import references, render
from gate.report import Level

FIXTURES = Path(__file__).parents[1] / "fixtures" / "gate"
REPOSITORY = Path(__file__).parents[2]
ROOT = "broken/template.yaml"
CHILD = "orders/template.yaml"

# (template, logical id, rule id) of every failure the broken fixture must produce, and no other.
BROKEN_FAILURES = {
    (ROOT, "OrdersApi", "E9002"),  # passes Colour, omits OrdersTableName, reads Outputs.MissingUrl
    (ROOT, "MissingApi", "E9003"),
    (ROOT, "OperatorRole", "E9130"),
    (CHILD, "OrdersFunction", "E9000"),
    (CHILD, "OrdersTable", "E3030"),  # cfn-lint: not a billing mode...
    (CHILD, "OrdersTable", "E3639"),  # ...so cfn-lint wants ProvisionedThroughput
    (CHILD, "OrdersFunction", "E9101"),
    (CHILD, "WorkerFunctionLogGroup", "E9101"),
    (CHILD, "WorkerFunctionWork", "E9110"),
    (CHILD, "WorkerFunctionNightly", "E9110"),
    (CHILD, "WorkerFunction", "E9110"),
    (CHILD, "CleanupSchedule", "E9110"),
    (CHILD, "OrderPlacedRule", "E9110"),
    (CHILD, "RetryDeadLetterQueue", "E9111"),
    (CHILD, "FulfilmentStateMachine", "E9112"),
    (CHILD, "WorkerErrorsAlarm", "E9120"),
    (CHILD, "OrdersFunction", "E9113"),  # no alarm at all
    (CHILD, "SocketFunction", "E9113"),
    (CHILD, "WorkerFunction", "E9113"),  # its errors are alarmed, its throttles are not
    (CHILD, "OrdersHttpApi", "E9114"),
    (CHILD, "OrdersFunctionRole", "E9131"),
    (CHILD, "OrdersFunctionRole", "E9132"),
    (CHILD, "FulfilmentStateMachine", "E9140"),
    (CHILD, "OrderPlacedRule", "E9140"),
    (CHILD, "RetryMapping", "E9140"),
    (CHILD, "SocketIntegration", "E9140"),
    (CHILD, "SocketPermission", "E9140"),
}


def _key(finding):
    template = ROOT if finding.template.endswith(ROOT) else CHILD if finding.template.endswith(CHILD) else "?"
    return template, finding.logical_id, finding.rule_id


@pytest.fixture(scope="module")
def broken():
    return run(FIXTURES / "broken" / "template.yaml")


@pytest.fixture(scope="module")
def good():
    return run(FIXTURES / "good" / "template.yaml")


def test_the_broken_fixture_fails_on_every_rule_and_nothing_else(broken):
    # Given a root and a nested template that each break some rules
    # When the gate runs
    # Then it fails, and reports each violation by rule id and logical id
    assert not broken.passed
    assert {_key(finding) for finding in broken.errors} == BROKEN_FAILURES


@pytest.mark.parametrize(("template", "logical_id", "rule_id"), sorted(BROKEN_FAILURES))
def test_each_violation_is_reported(broken, template, logical_id, rule_id):
    assert (template, logical_id, rule_id) in {_key(finding) for finding in broken.errors}


def test_the_cycle_through_globals_is_printed_with_the_reference_that_closes_it(broken):
    [cycle] = [finding for finding in broken.errors if finding.rule_id == "E9000"]
    assert cycle.message == (
        "circular dependency: OrdersFunction -> OrdersHttpApi -> OrdersFunctionAliaslive -> OrdersFunction"
    )
    assert "OrdersFunction -> OrdersHttpApi: Properties.Environment.Variables.PUBLIC_BASE_URL" in cycle.details


def test_nested_stack_interface_mistakes_are_named(broken):
    messages = [finding.message for finding in broken.errors if finding.rule_id == "E9002"]
    assert any("passes parameter Colour" in message for message in messages)
    assert any("does not pass parameter OrdersTableName" in message for message in messages)
    assert any("reads output MissingUrl" in message for message in messages)


def test_iam_findings_name_the_action_and_its_resource_types(broken):
    [wildcard_resource] = [finding for finding in broken.errors if finding.rule_id == "E9131"]
    assert "dynamodb:GetItem (table)" in wildcard_resource.message
    actions = [finding.message for finding in broken.errors if finding.rule_id == "E9130"]
    assert any('action "*"' in message for message in actions)
    assert any('action "s3:*"' in message for message in actions)


def test_each_failure_prints_as_template_logical_id_rule_and_message(broken):
    printed = broken.render()
    assert "broken/orders/template.yaml:RetryMapping: E9140 RetryMapping invokes WorkerFunction without" in printed
    assert "root/OrdersApi" in printed
    assert printed.splitlines()[-1].startswith("Deployability gate FAILED")


def test_the_good_fixture_passes_and_prints_resources_per_stack(good, capsys):
    assert good.passed, good.render()
    assert [(stack.name, stack.resource_count) for stack in good.stacks] == [("root", 2), ("root/ShopApi", 27)]

    assert main([str(FIXTURES / "good" / "template.yaml")]) == 0
    printed = capsys.readouterr().out
    assert "root/ShopApi    27  " in printed and "good/shop/template.yaml" in printed
    assert "Deployability gate PASSED" in printed


@pytest.mark.parametrize(
    ("count", "expected"),
    [(400, []), (401, [("W9001", Level.WARNING)]), (500, [("W9001", Level.WARNING)]), (501, [("E9001", Level.ERROR)])],
)
def test_resource_count_warns_above_400_and_fails_above_500(count, expected):
    findings = resource_count_findings("template.yaml", count)
    assert [(finding.rule_id, finding.level) for finding in findings] == expected


def test_a_template_the_sam_transform_refuses_fails_the_gate(tmp_path):
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  NoCode:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties: {Runtime: python3.13, Handler: app.handler}\n"
    )
    report = run(tmp_path / "template.yaml")
    assert [(finding.rule_id, "SAM transform" in finding.message) for finding in report.errors] == [("E9003", True)]


def test_references_follow_sub_placeholders_but_not_bound_names_or_escapes():
    value = {"Fn::Sub": ["${Api}/${Bound}/${!Literal}/${Fn.Arn}", {"Bound": {"Ref": "Table"}}]}
    assert {(ref.name, ref.attribute) for ref in references(value)} == {
        ("Api", None),
        ("Fn", "Arn"),
        ("Table", None),
    }
    assert render({"Fn::Join": ["", ["/aws/lambda/", {"Ref": "Fn"}]]}) == "/aws/lambda/${Fn}"


def test_both_branches_of_fn_if_count_as_dependencies():
    template = {
        "Resources": {
            "A": {"Type": "T", "Properties": {"X": {"Fn::If": ["C", {"Ref": "AWS::NoValue"}, {"Ref": "B"}]}}},
            "B": {"Type": "T", "DependsOn": "A"},
        }
    }
    [cycle], truncated = find_cycles(template, ["A", "B"])
    assert cycle.resources == ("A", "B") and not truncated


def test_the_project_template_passes_the_gate():
    report = run(REPOSITORY / "template.yaml")
    assert report.passed, report.render()
