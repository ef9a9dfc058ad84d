"""E9130, E9131: least privilege in identity policies (no wildcard action, no `*` resource that could be narrower)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from cfnlint.data import AdditionalSpecs
from cfnlint.helpers import load_resource
from cfnlint.rules import CloudFormationLintRule, RuleMatch

from gate.intrinsics import as_list, branches, render
from gate.rules.lookup import resources

# Identity policies: where a policy document hangs on each resource type.
_POLICY_LISTS = ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group")  # Properties.Policies[].PolicyDocument
_POLICY_DOCUMENTS = (
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::RolePolicy",
    "AWS::IAM::UserPolicy",
    "AWS::IAM::GroupPolicy",
)  # Properties.PolicyDocument

# Actions that cfn-lint's IAM data lists with a resource type, but that are scoped by a condition
# key in practice and take "*" as their resource. Keep this list short and say why for each entry.
WILDCARD_RESOURCE_ALLOWED = {
    # The "dataset" resource type is optional; metrics are scoped with the cloudwatch:namespace
    # condition key, and the documented policy for PutMetricData uses "Resource": "*".
    "cloudwatch:putmetricdata",
}


# AWS managed policies that grant whole services (`service:*`) or everything.
BROAD_MANAGED_POLICY = re.compile(r":iam::aws:policy/(?:.*/)?(\w*FullAccess\w*|AdministratorAccess|PowerUserAccess)$")


@cache
def _service_map() -> dict[str, Any]:
    """cfn-lint's bundled copy of the IAM service authorization reference (services, actions, resource types)."""
    return load_resource(AdditionalSpecs, "Policies.json")


def resource_types(action: str) -> tuple[set[str], list[str]]:
    """(resource types the matching actions support, matching actions); unknown actions match nothing.

    Patterns such as `dynamodb:Get*` are expanded against the data.
    """
    service, _, name = action.lower().partition(":")
    actions = ((_service_map().get(service) or {}).get("Actions")) or {}
    matched = [candidate for candidate in actions if fnmatch.fnmatchcase(candidate, name)]
    supported: set[str] = set()
    for candidate in matched:
        if f"{service}:{candidate}" in WILDCARD_RESOURCE_ALLOWED:
            continue
        supported.update((actions[candidate] or {}).get("Resources") or [])
    return supported, matched


def _statements(document: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    for alternative in branches(document):
        if not isinstance(alternative, dict):
            continue
        for index, statement in enumerate(as_list(alternative.get("Statement"))):
            if isinstance(statement, dict):
                yield index, statement


def _documents(resource_type: str, properties: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    if resource_type in _POLICY_DOCUMENTS:
        yield str(properties.get("PolicyName") or "PolicyDocument"), properties.get("PolicyDocument")
        return
    for policy in as_list(properties.get("Policies")):
        if isinstance(policy, dict):
            yield str(policy.get("PolicyName") or "?"), policy.get("PolicyDocument")


def _allow_statements(template: dict[str, Any]) -> Iterator[tuple[str, str, int, dict[str, Any]]]:
    for logical_id, resource, properties in resources(template, *_POLICY_LISTS, *_POLICY_DOCUMENTS):
        for policy_name, document in _documents(resource["Type"], properties):
            for index, statement in _statements(document):
                if statement.get("Effect") == "Allow":
                    yield logical_id, policy_name, index, statement


def _strings(value: Any) -> list[str]:
    return [item for item in as_list(value) if isinstance(item, str)]


class WildcardActionRule(CloudFormationLintRule):
    """No Allow statement grants `Action: "*"`, `service:*`, or uses `NotAction`.

    A wildcard action grants every present and future action of a service (deleting tables,
    changing policies), far beyond what a function uses; list the actions instead. Patterns
    narrower than a whole service (`dynamodb:Get*`) are accepted.
    """

    id = "E9130"
    shortdesc = "No wildcard IAM action"
    description = "Allow statements list actions; no '*', 'service:*' or NotAction"
    source_url = "docs/deploy-gate.md#e9130"
    tags = ["deploy-gate", "iam"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches: list[RuleMatch] = []
        for logical_id, policy_name, index, statement in _allow_statements(cfn.template):
            where = f"{logical_id} policy {policy_name} statement {index}"
            if "NotAction" in statement:
                matches.append(RuleMatch(["Resources", logical_id], f"{where} allows NotAction (everything else)"))
            for action in _strings(statement.get("Action")):
                if action == "*" or action.endswith(":*"):
                    matches.append(
                        RuleMatch(["Resources", logical_id], f'{where} allows action "{action}"; list the actions used')
                    )
        return matches


class WildcardResourceRule(CloudFormationLintRule):
    """No Allow statement grants `Resource: "*"` (or `NotResource`) to an action that can name its resources.

    Whether an action can be scoped to a resource comes from cfn-lint's bundled IAM data
    (`cfnlint/data/AdditionalSpecs/Policies.json`, generated from the service authorization
    reference). Actions without resource types there (`states:SendTaskSuccess`,
    `xray:PutTraceSegments`, `logs:CreateLogDelivery`) are accepted with `*`, as are the few in
    `WILDCARD_RESOURCE_ALLOWED`. An action the data does not know is reported: the gate cannot
    tell whether `*` is needed.
    """

    id = "E9131"
    shortdesc = "No wildcard IAM resource where a narrower one exists"
    description = 'Resource "*" only for actions that do not support resource-level permissions'
    source_url = "docs/deploy-gate.md#e9131"
    tags = ["deploy-gate", "iam"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches: list[RuleMatch] = []
        for logical_id, policy_name, index, statement in _allow_statements(cfn.template):
            where = f"{logical_id} policy {policy_name} statement {index}"
            if "NotResource" in statement:
                matches.append(
                    RuleMatch(["Resources", logical_id], f"{where} allows NotResource (every other resource)")
                )
                continue
            if "*" not in _strings(statement.get("Resource")):
                continue
            scoped: list[str] = []
            unknown: list[str] = []
            for action in _strings(statement.get("Action")):
                if action == "*" or action.endswith(":*"):
                    continue  # E9130 reports it
                supported, matched = resource_types(action)
                if not matched:
                    unknown.append(action)
                elif supported:
                    scoped.append(f"{action} ({', '.join(sorted(supported))})")
            if scoped:
                matches.append(
                    RuleMatch(
                        ["Resources", logical_id],
                        f'{where} grants {"; ".join(scoped)} on Resource "*"; name the resources instead',
                    )
                )
            if unknown:
                matches.append(
                    RuleMatch(
                        ["Resources", logical_id],
                        f'{where} grants {", ".join(unknown)} on Resource "*", and cfn-lint\'s IAM data does not '
                        "know these actions, so the gate cannot tell whether a narrower resource exists",
                    )
                )
        return matches


class BroadManagedPolicyRule(CloudFormationLintRule):
    """No role, user or group attaches an AWS managed policy that grants whole services.

    `...FullAccess`, `AdministratorAccess` and `PowerUserAccess` are `service:*` (or `*`) under
    another name; E9130 cannot see inside them, so they are refused by name. SAM's own
    `AWSLambdaBasicExecutionRole` and `AWSXrayWriteOnlyAccess` are narrow and pass.
    """

    id = "E9132"
    shortdesc = "No broad AWS managed policy"
    description = "No FullAccess, AdministratorAccess or PowerUserAccess managed policy"
    source_url = "docs/deploy-gate.md#e9132"
    tags = ["deploy-gate", "iam"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches: list[RuleMatch] = []
        for logical_id, _, properties in resources(cfn.template, *_POLICY_LISTS):
            for arn in as_list(properties.get("ManagedPolicyArns")):
                rendered = render(arn)
                found = BROAD_MANAGED_POLICY.search(rendered or "")
                if found:
                    matches.append(
                        RuleMatch(
                            ["Resources", logical_id],
                            f"{logical_id} attaches the AWS managed policy {found.group(1)}, which grants whole "
                            "services; write a statement with the actions and resources used",
                        )
                    )
        return matches
