"""E9101: every Lambda function has its own log group, with a retention."""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from gate.intrinsics import branches, has_no_value_branch, render
from gate.rules.lookup import resources


class LambdaLogGroupRule(CloudFormationLintRule):
    """Every `AWS::Lambda::Function` has an `AWS::Logs::LogGroup` named after it, with `RetentionInDays`.

    Lambda creates `/aws/lambda/<function name>` on first write when no stack owns it, and such a
    group keeps logs forever (cost, and personal data kept past its purpose) and outlives the stack.
    A log group counts for a function when its `LogGroupName` renders to `/aws/lambda/${Function}`
    (`!Sub "/aws/lambda/${Function}"` or the equivalent `!Join`), to `/aws/lambda/<FunctionName>`
    when the function sets `FunctionName`, or when the function's `LoggingConfig.LogGroup` names the
    group. `RetentionInDays` must be set in every `Fn::If` outcome.
    """

    id = "E9101"
    shortdesc = "Lambda function log group with retention"
    description = "Every Lambda function has a log group /aws/lambda/<function> with RetentionInDays"
    source_url = "docs/deploy-gate.md#e9101"
    tags = ["deploy-gate", "lambda", "logs"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        template = cfn.template
        groups_by_name: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for group_id, _, properties in resources(template, "AWS::Logs::LogGroup"):
            name = render(properties.get("LogGroupName"))
            if name is not None:
                groups_by_name.setdefault(name, []).append((group_id, properties))
                groups_by_name.setdefault("${" + group_id + "}", []).append((group_id, properties))
        matches: list[RuleMatch] = []
        for function_id, _, properties in resources(template, "AWS::Lambda::Function"):
            candidates = ["/aws/lambda/${" + function_id + "}"]
            explicit_name = render(properties.get("FunctionName"))
            if explicit_name is not None:
                candidates.append("/aws/lambda/" + explicit_name)
            logging_config = properties.get("LoggingConfig")
            if isinstance(logging_config, dict):
                custom_group = render(logging_config.get("LogGroup"))
                if custom_group is not None:
                    candidates.insert(0, custom_group)
            found = [group for candidate in candidates for group in groups_by_name.get(candidate, [])]
            if not found:
                matches.append(
                    RuleMatch(
                        ["Resources", function_id],
                        f"function {function_id} has no AWS::Logs::LogGroup named /aws/lambda/${{{function_id}}}"
                        " (Lambda would create one that keeps logs forever and outlives the stack)",
                    )
                )
                continue
            for group_id, group_properties in found:
                retention = group_properties.get("RetentionInDays")
                if retention is None or not branches(retention) or has_no_value_branch(retention):
                    matches.append(
                        RuleMatch(
                            ["Resources", group_id],
                            f"log group {group_id} of function {function_id} has no RetentionInDays"
                            " (in every condition), so it keeps logs forever",
                        )
                    )
        return matches
