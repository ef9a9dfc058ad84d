"""The project's own cfn-lint rules, run by the gate on the transformed CloudFormation.

cfn-lint loads every `CloudFormationLintRule` subclass this module exposes
(`Rules.create_from_module("gate.rules")`). Ids E9100-E9199 are ours (cfn-lint's own rules stop
well below E9000, and E9000-E9099 are the gate's checks outside cfn-lint). A new rule is a class
in one of these modules, imported here, with an id, a message that says what to change, a
docstring that says why, and a case in tests/fixtures/gate/broken (see docs/deploy-gate.md).
"""

from gate.rules.alarms import AlarmActionRule, FunctionAlarmRule, HttpApiServerErrorAlarmRule
from gate.rules.aliases import AliasInvocationRule
from gate.rules.async_paths import AsyncDeadLetterRule, DeadLetterAlarmRule, StateMachineAlarmRule
from gate.rules.iam import BroadManagedPolicyRule, WildcardActionRule, WildcardResourceRule
from gate.rules.log_groups import LambdaLogGroupRule

__all__ = [
    "AlarmActionRule",
    "AliasInvocationRule",
    "AsyncDeadLetterRule",
    "BroadManagedPolicyRule",
    "DeadLetterAlarmRule",
    "FunctionAlarmRule",
    "HttpApiServerErrorAlarmRule",
    "LambdaLogGroupRule",
    "StateMachineAlarmRule",
    "WildcardActionRule",
    "WildcardResourceRule",
]
