"""The template tree: the root template and every nested application it names, as ``sam build``
and ``sam deploy`` see it.

Each template is a ``Stack`` with its own resolver, directory (``CodeUri``, ``ContentUri`` and
``DefinitionUri`` are relative to the template that names them), ``Globals`` and parameters. An
``AWS::Serverless::Application`` whose ``Location`` is a local path is loaded as a child stack; its
``Parameters`` are resolved by the parent, and the parent reads the child's ``Outputs`` with
``!GetAtt App.Outputs.Name``.

Resources are addressed by a *key*: the logical id where it is unique across the whole tree (so
``JigaTable`` names the JIGA table wherever it lives), else the stack path and the logical id
(``CosmicApp/Table``). Physical names are the key with ``/`` turned into ``-``: two stacks can
use the same logical id without their local tables, functions or queues colliding.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local.template import STACK_NAME, Resolver, load_template

APPLICATION = "AWS::Serverless::Application"


@dataclass
class Stack:
    path: tuple[str, ...]  # () for the root; ("JigaApp",) for the application JigaApp of the root
    directory: Path
    template: dict[str, Any]
    resolver: Resolver

    @property
    def name(self) -> str:
        return "/".join(self.path) or "root"

    def globals(self, kind: str = "Function") -> dict[str, Any]:
        return self.template.get("Globals", {}).get(kind, {})

    def included(self, resource: dict[str, Any]) -> bool:
        """False for a resource whose ``Condition`` is false (CloudFormation does not create it)."""
        condition = resource.get("Condition")
        return condition is None or self.resolver.condition(condition)


@dataclass
class Resource:
    key: str
    logical_id: str
    type: str
    definition: dict[str, Any]
    stack: Stack

    @property
    def properties(self) -> dict[str, Any]:
        """The properties as written (unresolved)."""
        return self.definition.get("Properties") or {}

    def resolved(self) -> dict[str, Any]:
        return self.stack.resolver.resolve(self.properties)

    @property
    def physical_name(self) -> str:
        return self.key.replace("/", "-")

    def path(self, relative: str) -> Path:
        """A path the resource names (CodeUri, DefinitionUri...), relative to its template."""
        return (self.stack.directory / relative).resolve()


@dataclass
class TemplateTree:
    stacks: list[Stack]
    resources: dict[str, Resource] = field(default_factory=dict)

    def of_type(self, *kinds: str) -> dict[str, Resource]:
        return {key: resource for key, resource in self.resources.items() if resource.type in kinds}

    def find(self, name: str) -> Resource:
        """A resource by key (``JigaTable``, ``CosmicApp/Table``) or by a logical id that is unique."""
        if name in self.resources:
            return self.resources[name]
        matches = [resource for resource in self.resources.values() if resource.logical_id == name]
        if len(matches) == 1:
            return matches[0]
        if matches:
            keys = ", ".join(resource.key for resource in matches)
            raise KeyError(f"{name} is in several stacks; name one of {keys}")
        raise KeyError(f"No resource {name} in the template tree")

    def in_stack(self, stack: Stack, logical_id: str) -> Resource:
        """The resource a template names by logical id, seen from that template."""
        for resource in self.resources.values():
            if resource.stack is stack and resource.logical_id == logical_id:
                return resource
        raise KeyError(f"No resource {logical_id} in stack {stack.name}")


def load_tree(root_template: Path) -> TemplateTree:
    stacks: list[Stack] = []

    def load(path: Stack | None, template_path: Path, stack_path: tuple[str, ...], given: dict[str, Any]) -> Stack:
        template = load_template(template_path)
        stack_name = "-".join((STACK_NAME, *stack_path))
        resolver = Resolver(template, stack_name=stack_name)
        if path is not None:
            resolver.parent = path.resolver
            resolver.given_parameters = given
            path.resolver.children[stack_path[-1]] = resolver
        stack = Stack(stack_path, template_path.parent.resolve(), template, resolver)
        stacks.append(stack)
        for logical_id, resource in template.get("Resources", {}).items():
            if resource["Type"] != APPLICATION:
                continue
            properties = resource.get("Properties", {})
            location = properties.get("Location")
            if not isinstance(location, str) or "://" in location:
                raise NotImplementedError(f"{logical_id}: only applications with a local template Location run locally")
            load(stack, stack.directory / location, (*stack_path, logical_id), properties.get("Parameters") or {})
        return stack

    load(None, root_template, (), {})
    counts = Counter(logical_id for stack in stacks for logical_id in stack.template.get("Resources", {}))
    tree = TemplateTree(stacks)
    for stack in stacks:
        for logical_id, definition in stack.template.get("Resources", {}).items():
            key = logical_id if counts[logical_id] <= 1 else "/".join((*stack.path, logical_id))
            tree.resources[key] = Resource(key, logical_id, definition["Type"], definition, stack)
    return tree
