"""Reads a SAM template and resolves the intrinsic functions the project uses.

Only what the template needs locally is supported (Ref, Sub, GetAtt, Join, If, Equals, Not, Select,
Split); an unsupported intrinsic raises, so the template cannot silently drift from what runs here.
A nested application's resolver takes its parameters from the parent's ``Parameters`` of that
application (resolved by the parent when asked, so they may name resources the parent created
after the child was loaded), and ``!GetAtt App.Outputs.X`` reads the child's outputs.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
STACK_NAME = "local"
FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{name}"


def state_machine_arn(name: str) -> str:
    return f"arn:aws:states:{REGION}:{ACCOUNT_ID}:stateMachine:{name}"


def layer_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:layer:{name}:1"


class _Loader(yaml.SafeLoader):
    pass


def _intrinsic(name: str):
    def construct(loader: yaml.Loader, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "Fn::GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {name: value}

    return construct


for _tag in ("Ref", "Condition"):
    _Loader.add_constructor(f"!{_tag}", _intrinsic(_tag))
for _tag in ("Sub", "GetAtt", "Join", "If", "Equals", "Select", "Split", "Not", "And", "Or", "FindInMap", "Base64"):
    _Loader.add_constructor(f"!{_tag}", _intrinsic(f"Fn::{_tag}"))


def load_template(path: Path) -> dict[str, Any]:
    with path.open() as handle:
        return yaml.load(handle, Loader=_Loader)  # noqa: S506 - SafeLoader subclass


@dataclass
class Resolver:
    """Resolves intrinsics against parameters and the physical ids the local runtime assigned."""

    template: dict[str, Any]
    parameters: dict[str, Any] = field(default_factory=dict)
    physical_ids: dict[str, str] = field(default_factory=dict)
    arns: dict[str, str] = field(default_factory=dict)
    # Other attributes the runtime knows once it created a resource (a queue's QueueUrl...)
    attributes: dict[str, dict[str, Any]] = field(default_factory=dict)
    stack_name: str = STACK_NAME
    # A nested application's parameters: the parent's (unresolved) ``Parameters`` of it, and the
    # parent resolver that resolves them.
    parent: "Resolver | None" = None
    given_parameters: dict[str, Any] = field(default_factory=dict)
    children: dict[str, "Resolver"] = field(default_factory=dict)
    # SAM's ``!Ref Function.Alias``: function logical id -> alias name (AutoPublishAlias)
    aliases: Callable[[str], str | None] = field(default=lambda _logical_id: None)

    def parameter_values(self, overrides: dict[str, str]) -> dict[str, Any]:
        return {
            name: _typed(spec, overrides.get(name, spec.get("Default")))
            for name, spec in self.template.get("Parameters", {}).items()
        }

    def parameter(self, name: str) -> Any:
        spec = self.template["Parameters"][name]
        if self.parent is not None and name in self.given_parameters:
            return _typed(spec, self.parent.resolve(self.given_parameters[name]))
        if name in self.parameters:
            return self.parameters[name]
        if "Default" not in spec:
            raise KeyError(f"Parameter {name} of {self.stack_name} has no value and no default")
        return _typed(spec, spec["Default"])

    def condition(self, name: str) -> bool:
        return bool(self.resolve(self.template["Conditions"][name]))

    def ref(self, name: str) -> Any:
        pseudo = {
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::StackName": self.stack_name,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::Partition": "aws",
            "AWS::NoValue": None,
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.template.get("Parameters", {}):
            return self.parameter(name)
        if name.endswith(".Alias") and (alias := self.aliases(name.removesuffix(".Alias"))):
            return f"{function_arn(str(self.ref(name.removesuffix('.Alias'))))}:{alias}"
        generated = re.fullmatch(r"(\w+)Alias(\w+)", name)  # SAM's <Function>Alias<alias> resource
        if generated and self.aliases(generated[1]) == generated[2]:
            return f"{function_arn(str(self.ref(generated[1])))}:{generated[2]}"
        if name in self.physical_ids:
            return self.physical_ids[name]
        if name in self.template.get("Resources", {}):
            return name
        raise KeyError(f"Unresolvable Ref {name}")

    def get_att(self, logical_id: str, attribute: str) -> Any:
        kind = self.template["Resources"][logical_id]["Type"]
        if attribute in self.attributes.get(logical_id, {}):
            return self.attributes[logical_id][attribute]
        if kind == "AWS::Serverless::Application" and attribute.startswith("Outputs."):
            child = self.children[logical_id]
            return child.resolve(child.template["Outputs"][attribute.removeprefix("Outputs.")]["Value"])
        if kind in FUNCTION_TYPES and attribute == "Arn":
            return function_arn(str(self.ref(logical_id)))
        if kind == "AWS::Serverless::StateMachine" and attribute == "Name":
            return self.arns[logical_id].rsplit(":", 1)[1]
        if kind == "AWS::ApiGatewayV2::Api" and attribute == "ApiEndpoint":
            protocol = self.template["Resources"][logical_id]["Properties"].get("ProtocolType", "HTTP")
            scheme = "wss" if protocol == "WEBSOCKET" else "https"
            return f"{scheme}://{self.ref(logical_id)}.execute-api.{REGION}.amazonaws.com"
        if kind == "AWS::ApiGatewayV2::Api" and attribute == "ApiId":
            return str(self.ref(logical_id))
        if attribute == "Arn":
            if logical_id in self.arns:
                return self.arns[logical_id]
            service = {"AWS::DynamoDB::Table": "dynamodb", "AWS::Logs::LogGroup": "logs"}.get(kind, "local")
            resource = {"AWS::DynamoDB::Table": f"table/{self.ref(logical_id)}"}.get(kind, logical_id)
            return f"arn:aws:{service}:{REGION}:{ACCOUNT_ID}:{resource}"
        return f"{logical_id}.{attribute}"

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) != 1:
            return {key: self.resolve(item) for key, item in value.items()}
        ((key, argument),) = value.items()
        if key == "Ref":
            return self.ref(argument)
        if key == "Condition":
            return self.condition(argument)
        if key == "Fn::GetAtt":
            return self.get_att(*argument)
        if key == "Fn::Sub":
            text, variables = (argument, {}) if isinstance(argument, str) else argument
            variables = {name: self.resolve(v) for name, v in variables.items()}

            def substitute(match: re.Match) -> str:
                name = match.group(1)
                if name in variables:
                    return str(variables[name])
                if "." in name and not name.startswith("AWS::") and not name.endswith(".Alias"):
                    return str(self.get_att(*name.split(".", 1)))
                return str(self.ref(name))

            return re.sub(r"\$\{([^}!]+)\}", substitute, text)
        if key == "Fn::Join":
            separator, items = argument
            return separator.join(str(item) for item in self.resolve(items))
        if key == "Fn::If":
            name, when_true, when_false = argument
            return self.resolve(when_true if self.condition(name) else when_false)
        if key == "Fn::Equals":
            left, right = self.resolve(argument)
            return str(left) == str(right)
        if key == "Fn::Not":
            return not self.resolve(argument[0])
        if key == "Fn::Select":
            index, items = self.resolve(argument)
            return items[int(index)]
        if key == "Fn::Split":
            separator, text = self.resolve(argument)
            return text.split(separator)
        if key.startswith("Fn::"):
            raise NotImplementedError(f"Local runtime does not resolve {key}")
        return {key: self.resolve(argument)}


def _typed(spec: dict[str, Any], raw: Any) -> Any:
    """A parameter value as CloudFormation hands it over (a CommaDelimitedList becomes a list)."""
    if spec.get("Type") == "CommaDelimitedList" and isinstance(raw, str):
        return [item.strip() for item in raw.split(",")]
    return raw
