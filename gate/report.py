"""What the gate found, and how it is printed.

A finding prints as `<template>:<logical id>: <rule id> <message>`, with optional indented detail
lines under it (the references that close a dependency cycle). Errors fail the gate; warnings
are printed and do not (see docs/deploy-gate.md for which checks warn).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

# CloudFormation's hard limit is 500 resources per stack; the gate warns well before it.
RESOURCE_LIMIT = 500
RESOURCE_WARNING = 400


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    template: str
    logical_id: str
    rule_id: str
    message: str
    level: Level = Level.ERROR
    details: tuple[str, ...] = ()

    def line(self) -> str:
        return f"{self.template}:{self.logical_id}: {self.rule_id} {self.message}"


@dataclass
class StackResult:
    """One template as CloudFormation would receive it: the root stack or a nested application."""

    name: str  # "root", or the chain of nesting logical ids: "root/JigaApi"
    template: str  # display path of its template file
    resource_count: int | None = None  # None when the template could not be transformed


@dataclass
class Report:
    stacks: list[StackResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.level is Level.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.level is Level.WARNING]

    @property
    def passed(self) -> bool:
        return not self.errors

    def render(self) -> str:
        lines = ["Stacks (resources after the SAM transform; CloudFormation allows 500 a stack):"]
        width = max((len(stack.name) for stack in self.stacks), default=4)
        for stack in self.stacks:
            count = "-" if stack.resource_count is None else str(stack.resource_count)
            lines.append(f"  {stack.name:<{width}}  {count:>4}  {stack.template}")
        for title, findings in (("Failures:", self.errors), ("Warnings (do not fail the gate):", self.warnings)):
            if not findings:
                continue
            lines.append("")
            lines.append(title)
            for finding in findings:
                lines.append(finding.line())
                lines.extend(f"    {detail}" for detail in finding.details)
        lines.append("")
        verdict = "PASSED" if self.passed else "FAILED"
        lines.append(
            f"Deployability gate {verdict}: {len(self.stacks)} stack(s), "
            f"{len(self.errors)} failure(s), {len(self.warnings)} warning(s)."
        )
        return "\n".join(lines)
