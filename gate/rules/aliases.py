"""E9140: a function that has an alias is invoked through it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from gate.intrinsics import as_list, dotted, getatt_target, intrinsic, sub_parts, sub_placeholders
from gate.rules.lookup import resource_type, resources

# Where an invocation target is named, by resource type: property paths ("*" = every list item).
INVOCATION_PATHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "AWS::ApiGatewayV2::Integration": (("IntegrationUri",),),
    "AWS::ApiGatewayV2::Authorizer": (("AuthorizerUri",),),
    "AWS::ApiGatewayV2::Api": (("Body",), ("Target",)),
    "AWS::ApiGateway::Method": (("Integration", "Uri"),),
    "AWS::ApiGateway::Authorizer": (("AuthorizerUri",),),
    "AWS::ApiGateway::RestApi": (("Body",),),
    "AWS::Lambda::Permission": (("FunctionName",),),
    "AWS::Lambda::EventSourceMapping": (("FunctionName",),),
    "AWS::Events::Rule": (("Targets", "*", "Arn"),),
    "AWS::Scheduler::Schedule": (("Target", "Arn"),),
    "AWS::SNS::Subscription": (("Endpoint",),),
    "AWS::SNS::Topic": (("Subscription", "*", "Endpoint"),),
    "AWS::S3::Bucket": (("NotificationConfiguration", "LambdaConfigurations", "*", "Function"),),
    "AWS::Logs::SubscriptionFilter": (("DestinationArn",),),
    "AWS::StepFunctions::StateMachine": (("Definition",), ("DefinitionString",)),
}


def _at(value: Any, path: tuple[str, ...], trail: tuple[str | int, ...] = ()) -> Iterator[tuple[Any, tuple]]:
    if not path:
        yield value, trail
        return
    head, rest = path[0], path[1:]
    if head == "*":
        for index, item in enumerate(as_list(value)):
            yield from _at(item, rest, (*trail, index))
    elif isinstance(value, dict) and head in value:
        yield from _at(value[head], rest, (*trail, head))


def unqualified(value: Any, functions: set[str], path: tuple = ()) -> Iterator[tuple[str, tuple]]:
    """(function, path) for each place value names an aliased function without a qualifier.

    `Ref F` and `GetAtt F.Arn` are unqualified, as is `${F}` / `${F.Arn}` in `Fn::Sub` unless a
    `:qualifier` follows it; in `Fn::Join` a function followed by a `:`-prefixed part is qualified.
    """
    call = intrinsic(value)
    if call is not None:
        function, argument = call
        if function == "Ref" and argument in functions:
            yield argument, path
            return
        if function == "Fn::GetAtt":
            target = getatt_target(argument)
            if target is not None and target[0] in functions and target[1] == "Arn":
                yield target[0], path
            return
        if function == "Fn::Sub":
            parts = sub_parts(argument)
            if parts is not None:
                text, variables = parts
                for match in sub_placeholders(text):
                    name, _, attribute = match.group(1).partition(".")
                    bound = variables.get(match.group(1))
                    followed_by_qualifier = text[match.end() :].startswith(":")
                    if bound is not None:
                        if not followed_by_qualifier:
                            yield from unqualified(bound, functions, (*path, "Fn::Sub", match.group(1)))
                    elif name in functions and attribute in ("", "Arn") and not followed_by_qualifier:
                        yield name, path
            return
        if function == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:
            delimiter, items = argument
            if isinstance(items, list):
                for index, item in enumerate(items):
                    following = items[index + 1] if index + 1 < len(items) else None
                    qualified = (delimiter == ":" and following is not None) or (
                        delimiter == "" and isinstance(following, str) and following.startswith(":")
                    )
                    if not qualified:
                        yield from unqualified(item, functions, (*path, "Fn::Join", index))
            return
    if isinstance(value, dict):
        for key, item in value.items():
            yield from unqualified(item, functions, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from unqualified(item, functions, (*path, index))


def _strings(value: Any, path: tuple = ()) -> Iterator[tuple[str, tuple, Any]]:
    """(string, path, the mapping holding it) for every string value of a state machine definition."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                yield item, (*path, key), value
            else:
                yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def unqualified_substitution_uses(definition: Any, variable: str) -> list[tuple]:
    """Paths in an ASL definition where `${variable}` is used without a qualifier.

    `"${Var}:live"` is qualified, and so is `"FunctionName": "${Var}"` when the same mapping has
    a `Qualifier` (the `lambda:invoke` integration's parameters or JSONata arguments).
    """
    placeholder = re.compile(r"\$\{" + re.escape(variable) + r"\}")
    uses: list[tuple] = []
    for text, path, holder in _strings(definition):
        for match in placeholder.finditer(text):
            if text[match.end() :].startswith(":"):
                continue
            if path[-1] == "FunctionName" and ("Qualifier" in holder or "Qualifier.$" in holder):
                continue
            uses.append(path)
    return uses


class AliasInvocationRule(CloudFormationLintRule):
    """A function that has an alias is invoked through the alias, never as the bare function.

    With `AutoPublishAlias`, SnapStart, provisioned concurrency and the version a deployment
    shifts to all belong to the alias; a caller of the bare function runs `$LATEST` and skips them.
    Checked: API Gateway integrations, authorizers and bodies, Lambda permissions, event source
    mappings, EventBridge rule and Scheduler targets, SNS subscriptions, S3 notifications, log
    subscription filters, and state machines (inline definitions, and each
    `DefinitionSubstitutions` value as the definition uses it). `!Ref FunctionAliaslive` or
    `!Sub "${Function.Arn}:live"` pass; `!GetAtt Function.Arn` and `!Ref Function` do not.
    """

    id = "E9140"
    shortdesc = "Aliased function invoked through its alias"
    description = "Callers of a function with an alias name the alias (or Function.Arn:alias)"
    source_url = "docs/deploy-gate.md#e9140"
    tags = ["deploy-gate", "lambda", "alias"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        template = cfn.template
        aliases: dict[str, list[str]] = {}
        for alias_id, _, properties in resources(template, "AWS::Lambda::Alias"):
            target = properties.get("FunctionName")
            call = intrinsic(target)
            if call is not None and call[0] == "Ref" and resource_type(template, call[1]) == "AWS::Lambda::Function":
                aliases.setdefault(call[1], []).append(alias_id)
        if not aliases:
            return []
        functions = set(aliases)
        matches: list[RuleMatch] = []
        for logical_id, resource, properties in resources(template, *INVOCATION_PATHS):
            for path in INVOCATION_PATHS[resource["Type"]]:
                for value, trail in _at(properties, path):
                    for function, where in unqualified(value, functions):
                        matches.append(self._match(logical_id, function, aliases, (*trail, *where)))
            if resource["Type"] == "AWS::StepFunctions::StateMachine":
                matches.extend(self._substitutions(logical_id, properties, functions, aliases))
        return matches

    def _substitutions(
        self, logical_id: str, properties: dict[str, Any], functions: set[str], aliases: dict[str, list[str]]
    ) -> Iterator[RuleMatch]:
        substitutions = properties.get("DefinitionSubstitutions")
        if not isinstance(substitutions, dict):
            return
        definition = properties.get("Definition")
        for variable, value in substitutions.items():
            for function, _ in unqualified(value, functions):
                if isinstance(definition, dict):
                    uses = unqualified_substitution_uses(definition, variable)
                    if not uses:
                        continue
                    where = f"definition {dotted(uses[0])} uses ${{{variable}}}"
                else:
                    where = f"DefinitionSubstitutions.{variable}"
                yield self._match(logical_id, function, aliases, (), where)

    @staticmethod
    def _match(
        logical_id: str, function: str, aliases: dict[str, list[str]], path: tuple, where: str | None = None
    ) -> RuleMatch:
        alias = aliases[function][0]
        # AutoPublishAlias generates <Function>Alias<name>, which a SAM template names as !Ref <Function>.Alias
        by_reference = f"!Ref {function}.Alias" if alias.startswith(f"{function}Alias") else f"!Ref {alias}"
        return RuleMatch(
            ["Resources", logical_id],
            f"{logical_id} invokes {function} without its alias ({where or dotted(path)}); "
            f"invoke the alias: {by_reference}, or ${{{function}.Arn}}:<alias name>",
        )
