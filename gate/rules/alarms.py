"""E9120: every alarm notifies someone."""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from gate.intrinsics import as_list, branches, has_no_value_branch, intrinsic
from gate.rules.lookup import resources, watched_metrics


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


def _watched_by_metric(template: dict[str, Any], namespace: str, metric_name: str) -> set[str]:
    return {
        name
        for item in watched_metrics(template)
        if item.namespace == namespace and item.metric_name == metric_name
        for name in item.resources
    }


class FunctionAlarmRule(CloudFormationLintRule):
    """Every `AWS::Lambda::Function` has an alarm on its `Errors` and one on its `Throttles`.

    A function that fails or is throttled fails its callers (an HTTP 5xx, a message retried into a
    dead-letter queue, a step of a saga); the alarm is how an operator hears of it before users
    do. An alarm counts for a function when its metric is `AWS/Lambda` `Errors` (or `Throttles`)
    with a dimension whose value references the function (`FunctionName: !Ref Fn`); metric-math
    alarms count when one of their metrics does. E9120 checks that each alarm has an action.
    """

    id = "E9113"
    shortdesc = "Lambda function errors and throttles are alarmed"
    description = "Every Lambda function has an AWS/Lambda Errors alarm and a Throttles alarm"
    source_url = "docs/deploy-gate.md#e9113"
    tags = ["deploy-gate", "lambda", "alarms"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        template = cfn.template
        errors = _watched_by_metric(template, "AWS/Lambda", "Errors")
        throttles = _watched_by_metric(template, "AWS/Lambda", "Throttles")
        matches: list[RuleMatch] = []
        for function_id, _, _properties in resources(template, "AWS::Lambda::Function"):
            missing = [
                name for name, watched in (("Errors", errors), ("Throttles", throttles)) if function_id not in watched
            ]
            if missing:
                matches.append(
                    RuleMatch(
                        ["Resources", function_id],
                        f"function {function_id} has no alarm on AWS/Lambda {' and '.join(missing)}"
                        f" (add an alarm with Dimensions [{{Name: FunctionName, Value: !Ref {function_id}}}])",
                    )
                )
        return matches


class HttpApiServerErrorAlarmRule(CloudFormationLintRule):
    """Every HTTP API (`AWS::ApiGatewayV2::Api` with `ProtocolType: HTTP`) has an alarm on its `5xx`.

    Function alarms miss what fails before or around a function (integration timeouts, a
    function that answers 500 without raising); the API's own 5xx count is what users see. The
    alarm's metric is `AWS/ApiGateway` `5xx` (or `5XXError`) with an `ApiId` dimension that
    references the API.
    """

    id = "E9114"
    shortdesc = "HTTP API server errors are alarmed"
    description = "Every HTTP API has an AWS/ApiGateway 5xx alarm"
    source_url = "docs/deploy-gate.md#e9114"
    tags = ["deploy-gate", "apigateway", "alarms"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        template = cfn.template
        watched = _watched_by_metric(template, "AWS/ApiGateway", "5xx") | _watched_by_metric(
            template, "AWS/ApiGateway", "5XXError"
        )
        matches: list[RuleMatch] = []
        for api_id, _, properties in resources(template, "AWS::ApiGatewayV2::Api"):
            if properties.get("ProtocolType", "HTTP") == "HTTP" and api_id not in watched:
                matches.append(
                    RuleMatch(
                        ["Resources", api_id],
                        f"HTTP API {api_id} has no alarm on AWS/ApiGateway 5xx"
                        f" (add one with Dimensions [{{Name: ApiId, Value: !Ref {api_id}}}])",
                    )
                )
        return matches
