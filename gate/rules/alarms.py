"""E9120: every alarm notifies someone."""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from gate.intrinsics import as_list, branches, has_no_value_branch, intrinsic
from gate.rules.lookup import resources


class AlarmActionRule(CloudFormationLintRule):
    """Every `AWS::CloudWatch::Alarm` and `CompositeAlarm` has at least one `AlarmActions` entry.

    An alarm without an action changes colour in a console nobody watches. The entry must be there
    in every `Fn::If` outcome (an alarm that pages only in prod is an alarm without an action in
    the other stages), and `ActionsEnabled` must not be false.
    """

    id = "E9120"
    shortdesc = "Alarm has an action"
    description = "Every CloudWatch alarm has at least one AlarmActions entry in every condition"
    source_url = "docs/deploy-gate.md#e9120"
    tags = ["deploy-gate", "cloudwatch", "alarms"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches: list[RuleMatch] = []
        for alarm_id, _, properties in resources(
            cfn.template, "AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm"
        ):
            actions = properties.get("AlarmActions")
            outcomes = branches(actions)
            if actions is None or has_no_value_branch(actions) or any(_is_empty(outcome) for outcome in outcomes):
                matches.append(
                    RuleMatch(
                        ["Resources", alarm_id],
                        f"alarm {alarm_id} has no AlarmActions (in every condition): nobody is told when it fires",
                    )
                )
            elif properties.get("ActionsEnabled") in (False, "false", "False"):
                matches.append(RuleMatch(["Resources", alarm_id], f"alarm {alarm_id} sets ActionsEnabled to false"))
        return matches


def _is_empty(outcome: Any) -> bool:
    if isinstance(outcome, list):
        return not as_list(outcome)
    # A single intrinsic that yields a list (Fn::Split, a CommaDelimitedList parameter) may be empty
    # only at deploy time; the gate accepts it.
    return intrinsic(outcome) is None and not outcome
