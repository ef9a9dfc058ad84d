"""E9110, E9111, E9112: asynchronous paths keep what fails, and someone hears about it.

E9110: what counts as an asynchronous path, and what it needs (checked on the transformed template):

- SQS event source mapping: the source queue has a `RedrivePolicy` with a `deadLetterTargetArn`.
- Stream, Kafka or MQ event source mapping: `DestinationConfig.OnFailure.Destination`.
- EventBridge rule target (SAM `Schedule`, `EventBridgeRule` and `CloudWatchEvent` events become
  one): the target's `DeadLetterConfig.Arn`.
- EventBridge Scheduler schedule (SAM `ScheduleV2` becomes one): the target's `DeadLetterConfig.Arn`.
- A function invoked asynchronously (target of a rule or schedule, SNS subscription, S3
  notification, or a `Lambda::Permission` for an asynchronous service principal): the function's
  `DeadLetterConfig.TargetArn`, or an `EventInvokeConfig` for the invoked qualifier (the alias
  name, or `$LATEST` for the bare function) with `DestinationConfig.OnFailure`.

E9111: each dead-letter queue or failure destination is an SQS queue or SNS topic of the same stack
with an alarm on it (an alarm whose metric dimensions name it; E9120 then makes the alarm notify).
Other destination kinds (a Lambda function, an event bus) and destinations outside the stack are
reported: the gate cannot prove that anyone hears about them.

E9112: a state machine is asynchronous as a whole (Lambda tasks inside it are synchronous and
need no dead-letter queue: the state machine's Retry/Catch handles them), so each
`AWS::StepFunctions::StateMachine` has an alarm on its `ExecutionsFailed` metric.

Not covered (documented in docs/deploy-gate.md): SNS subscription redrive policies, EventBridge
Pipes, asynchronous invokes made from code (`InvocationType=Event`), CloudFormation custom
resources, and sources defined in another stack.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from gate.intrinsics import as_list, branches, has_no_value_branch, render, single_reference
from gate.rules.lookup import alarms_on, resource_type, resources, target_of, watched_metrics

# Services that invoke Lambda with InvocationType=Event (their permissions mark an asynchronous path).
ASYNC_PRINCIPALS = {
    "s3.amazonaws.com",
    "sns.amazonaws.com",
    "events.amazonaws.com",
    "logs.amazonaws.com",
    "iot.amazonaws.com",
    "ses.amazonaws.com",
    "codecommit.amazonaws.com",
    "config.amazonaws.com",
    "lambda.alarms.cloudwatch.amazonaws.com",
}
DESTINATION_TYPES = {"AWS::SQS::Queue", "AWS::SNS::Topic"}


@dataclass(frozen=True)
class Invoked:
    function: str
    qualifier: str | None  # alias name, "$LATEST" for the bare function, None when unknown


def invoked_function(template: dict[str, Any], value: Any) -> Invoked | None:
    """The function of this template (and qualifier) that an ARN or FunctionName value invokes."""
    rendered = render(value)
    reference = single_reference(value)
    if reference is None and rendered is not None and rendered.startswith("${"):
        # "${Function.Arn}:live" or "${Function}:live"
        head, _, qualifier = rendered.partition("}:")
        target = single_reference(head + "}")
        if target is not None and resource_type(template, target.name) == "AWS::Lambda::Function" and qualifier:
            return Invoked(target.name, qualifier)
        return None
    if reference is None:
        return None
    kind = resource_type(template, reference.name)
    if kind == "AWS::Lambda::Function":
        return Invoked(reference.name, "$LATEST")
    if kind == "AWS::Lambda::Alias":
        properties = (template["Resources"][reference.name].get("Properties")) or {}
        function = single_reference(properties.get("FunctionName"))
        if function is not None and resource_type(template, function.name) == "AWS::Lambda::Function":
            name = properties.get("Name")
            return Invoked(function.name, name if isinstance(name, str) else None)
    return None


def _present(value: Any) -> bool:
    """Set in every Fn::If outcome."""
    return value is not None and bool(branches(value)) and not has_no_value_branch(value)


def _redrive_target(queue_properties: dict[str, Any]) -> tuple[bool, Any]:
    """(has a RedrivePolicy with deadLetterTargetArn, that target value)."""
    policy = queue_properties.get("RedrivePolicy")
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return False, None
    if not isinstance(policy, dict) or not _present(policy.get("deadLetterTargetArn")):
        return False, None
    return True, policy["deadLetterTargetArn"]


def _on_failure(properties: dict[str, Any]) -> Any:
    destination_config = properties.get("DestinationConfig")
    if not isinstance(destination_config, dict):
        return None
    on_failure = destination_config.get("OnFailure")
    if not isinstance(on_failure, dict) or not _present(on_failure.get("Destination")):
        return None
    return on_failure["Destination"]


@dataclass(frozen=True)
class DeadLetter:
    """A place failures go, and the asynchronous path it serves."""

    source: str  # logical id of the path (queue, mapping, rule, schedule, function)
    value: Any  # the ARN value naming the destination


def async_inventory(template: dict[str, Any]) -> tuple[list[tuple[str, str]], list[DeadLetter]]:
    """(paths without a dead letter as (logical id, message), dead letters found) of a template."""
    missing: list[tuple[str, str]] = []
    dead_letters: list[DeadLetter] = []
    invoked: dict[Invoked, str] = {}  # asynchronous Lambda invocations -> what invokes them

    for mapping_id, _, properties in resources(template, "AWS::Lambda::EventSourceMapping"):
        source = target_of(template, properties.get("EventSourceArn"))
        on_failure = _on_failure(properties)
        if source is not None and resource_type(template, source) == "AWS::SQS::Queue":
            queue_properties = template["Resources"][source].get("Properties") or {}
            has_redrive, target = _redrive_target(queue_properties)
            if has_redrive:
                dead_letters.append(DeadLetter(source, target))
            else:
                missing.append(
                    (
                        mapping_id,
                        f"event source mapping {mapping_id} reads queue {source}, which has no RedrivePolicy "
                        "with a deadLetterTargetArn: a message that keeps failing is retried until it expires",
                    )
                )
        elif on_failure is not None:
            dead_letters.append(DeadLetter(mapping_id, on_failure))
        elif source is None:
            missing.append(
                (
                    mapping_id,
                    f"event source mapping {mapping_id} reads a source outside this stack and has no "
                    "DestinationConfig.OnFailure: the gate cannot see a dead-letter queue for it",
                )
            )
        else:
            missing.append(
                (
                    mapping_id,
                    f"event source mapping {mapping_id} (source {source}) has no DestinationConfig.OnFailure: "
                    "records that keep failing are dropped or block the shard",
                )
            )

    for rule_id, _, properties in resources(template, "AWS::Events::Rule"):
        for index, target in enumerate(as_list(properties.get("Targets"))):
            if not isinstance(target, dict):
                continue
            dead_letter = (target.get("DeadLetterConfig") or {}).get("Arn")
            if _present(dead_letter):
                dead_letters.append(DeadLetter(rule_id, dead_letter))
            else:
                missing.append((rule_id, f"rule {rule_id} target {target.get('Id', index)} has no DeadLetterConfig"))
            function = invoked_function(template, target.get("Arn"))
            if function is not None:
                invoked.setdefault(function, f"rule {rule_id}")

    for schedule_id, _, properties in resources(template, "AWS::Scheduler::Schedule"):
        target = properties.get("Target") if isinstance(properties.get("Target"), dict) else {}
        dead_letter = (target.get("DeadLetterConfig") or {}).get("Arn")
        if _present(dead_letter):
            dead_letters.append(DeadLetter(schedule_id, dead_letter))
        else:
            missing.append((schedule_id, f"schedule {schedule_id} target has no DeadLetterConfig"))
        function = invoked_function(template, target.get("Arn"))
        if function is not None:
            invoked.setdefault(function, f"schedule {schedule_id}")

    for subscription_id, _, properties in resources(template, "AWS::SNS::Subscription"):
        if properties.get("Protocol") == "lambda":
            function = invoked_function(template, properties.get("Endpoint"))
            if function is not None:
                invoked.setdefault(function, f"SNS subscription {subscription_id}")
    for topic_id, _, properties in resources(template, "AWS::SNS::Topic"):
        for subscription in as_list(properties.get("Subscription")):
            if isinstance(subscription, dict) and subscription.get("Protocol") == "lambda":
                function = invoked_function(template, subscription.get("Endpoint"))
                if function is not None:
                    invoked.setdefault(function, f"topic {topic_id}")
    for bucket_id, _, properties in resources(template, "AWS::S3::Bucket"):
        notifications = properties.get("NotificationConfiguration") or {}
        for configuration in as_list(notifications.get("LambdaConfigurations")):
            if isinstance(configuration, dict):
                function = invoked_function(template, configuration.get("Function"))
                if function is not None:
                    invoked.setdefault(function, f"bucket {bucket_id} notifications")
    for permission_id, _, properties in resources(template, "AWS::Lambda::Permission"):
        if properties.get("Principal") in ASYNC_PRINCIPALS:
            function = invoked_function(template, properties.get("FunctionName"))
            if function is not None:
                invoked.setdefault(function, f"{properties['Principal']} (permission {permission_id})")

    invoke_configs = [
        (config_id, invoked_function(template, properties.get("FunctionName")), properties)
        for config_id, _, properties in resources(template, "AWS::Lambda::EventInvokeConfig")
    ]
    for target, invoker in invoked.items():
        function_properties = template["Resources"][target.function].get("Properties") or {}
        function_dead_letter = (function_properties.get("DeadLetterConfig") or {}).get("TargetArn")
        if _present(function_dead_letter):
            dead_letters.append(DeadLetter(target.function, function_dead_letter))
            continue
        for config_id, config_target, config_properties in invoke_configs:
            if config_target is None or config_target.function != target.function:
                continue
            qualifier = config_properties.get("Qualifier")
            if target.qualifier is not None and qualifier != target.qualifier:
                continue
            on_failure = _on_failure(config_properties)
            if on_failure is not None:
                dead_letters.append(DeadLetter(config_id, on_failure))
                break
        else:
            qualifier = f" (qualifier {target.qualifier})" if target.qualifier else ""
            missing.append(
                (
                    target.function,
                    f"function {target.function}{qualifier} is invoked asynchronously by {invoker} but has "
                    "neither DeadLetterConfig nor an EventInvokeConfig with OnFailure for that qualifier: "
                    "an event that fails every retry is lost",
                )
            )
    return missing, dead_letters


class AsyncDeadLetterRule(CloudFormationLintRule):
    """Every asynchronous path has a dead-letter queue or an OnFailure destination (see the module docstring)."""

    id = "E9110"
    shortdesc = "Asynchronous path has a dead-letter queue or OnFailure destination"
    description = "SQS sources, rule and schedule targets and asynchronously invoked functions keep what fails"
    source_url = "docs/deploy-gate.md#e9110"
    tags = ["deploy-gate", "lambda", "sqs", "events", "scheduler"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        missing, _ = async_inventory(cfn.template)
        return [RuleMatch(["Resources", logical_id], message) for logical_id, message in missing]


class DeadLetterAlarmRule(CloudFormationLintRule):
    """Every dead-letter queue or failure destination is an SQS queue or SNS topic of the stack with an alarm on it."""

    id = "E9111"
    shortdesc = "Dead-letter queue has an alarm"
    description = "Each dead-letter queue / OnFailure destination has a CloudWatch alarm on it"
    source_url = "docs/deploy-gate.md#e9111"
    tags = ["deploy-gate", "sqs", "sns", "cloudwatch"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        template = cfn.template
        _, dead_letters = async_inventory(template)
        matches: list[RuleMatch] = []
        reported: set[str] = set()
        for dead_letter in dead_letters:
            for value in branches(dead_letter.value):
                destination = target_of(template, value)
                if destination is None:
                    matches.append(
                        RuleMatch(
                            ["Resources", dead_letter.source],
                            f"the dead-letter destination of {dead_letter.source} is outside this stack: "
                            "the gate cannot prove that it has an alarm",
                        )
                    )
                    continue
                if destination in reported:
                    continue
                reported.add(destination)
                kind = resource_type(template, destination)
                if kind not in DESTINATION_TYPES:
                    matches.append(
                        RuleMatch(
                            ["Resources", destination],
                            f"the failure destination of {dead_letter.source} is {destination} ({kind}); the gate "
                            "proves alarms on SQS queues and SNS topics only",
                        )
                    )
                elif not alarms_on(template, destination):
                    matches.append(
                        RuleMatch(
                            ["Resources", destination],
                            f"dead-letter {'queue' if kind == 'AWS::SQS::Queue' else 'topic'} {destination} "
                            f"(of {dead_letter.source}) has no CloudWatch alarm on it: failures pile up unseen",
                        )
                    )
        return matches


class StateMachineAlarmRule(CloudFormationLintRule):
    """Every `AWS::StepFunctions::StateMachine` has an alarm on its `ExecutionsFailed` metric.

    The Lambda tasks inside a state machine are invoked synchronously, so their failures surface
    as a failed execution; an alarm on `AWS/States` `ExecutionsFailed` with the state machine's
    ARN as the `StateMachineArn` dimension is what tells someone.
    """

    id = "E9112"
    shortdesc = "State machine failures alarm"
    description = "Each state machine has a CloudWatch alarm on ExecutionsFailed"
    source_url = "docs/deploy-gate.md#e9112"
    tags = ["deploy-gate", "stepfunctions", "cloudwatch"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        template = cfn.template
        watched = watched_metrics(template)
        matches: list[RuleMatch] = []
        for machine_id, _, _ in resources(template, "AWS::StepFunctions::StateMachine"):
            if not any(
                machine_id in item.resources and render(item.metric_name) == "ExecutionsFailed" for item in watched
            ):
                matches.append(
                    RuleMatch(
                        ["Resources", machine_id],
                        f"state machine {machine_id} has no alarm on ExecutionsFailed: a failed execution goes unseen",
                    )
                )
        return matches
