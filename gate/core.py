"""The gate's run: every template, packaged and transformed, then walked, counted and linted."""

from __future__ import annotations

from pathlib import Path

from gate.cycles import find_cycles
from gate.lint import Linter
from gate.report import RESOURCE_LIMIT, RESOURCE_WARNING, Finding, Level, Report, StackResult
from gate.stacks import discover
from gate.transform import (
    TransformFailed,
    definition_errors,
    has_sam_transform,
    other_transforms,
    package,
    sam_transform,
    with_inline_definitions,
)

DEFAULT_REGION = "us-east-1"  # samconfig.toml deploys every environment there


def resource_count_findings(template: str, count: int) -> list[Finding]:
    """E9001 above CloudFormation's 500 resources a stack; W9001 (not failing) above 400."""
    if count > RESOURCE_LIMIT:
        return [Finding(template, "-", "E9001", f"{count} resources after the transform; CloudFormation allows 500")]
    if count > RESOURCE_WARNING:
        return [
            Finding(
                template,
                "-",
                "W9001",
                f"{count} resources after the transform, close to CloudFormation's {RESOURCE_LIMIT}: "
                "split this stack before it grows further",
                Level.WARNING,
            )
        ]
    return []


def run(root: Path, region: str = DEFAULT_REGION, strict: bool = False) -> Report:
    """Check the template at root and every local nested template it reaches.

    strict: cfn-lint warnings fail the gate too.
    """
    report = Report()
    templates, findings = discover(root)
    report.findings.extend(findings)
    if not templates:
        return report
    linter = Linter(region)  # loads cfn-lint's rules once for every template
    for template in templates:
        stack = StackResult(template.name, template.display)
        report.stacks.append(stack)
        here = template.display

        def fail(logical_id: str, rule_id: str, message: str, *, details: tuple[str, ...] = (), here=here) -> None:
            report.findings.append(Finding(here, logical_id, rule_id, message, details=details))

        unsupported = other_transforms(template.source)
        if unsupported:
            fail("-", "E9003", f"transform {', '.join(unsupported)} is not supported by the gate")
            continue
        packaged = package(template.source, template.path.parent)
        for logical_id, problem in definition_errors(packaged.definitions).items():
            fail(logical_id, "E9003", problem)
        if has_sam_transform(template.source):
            try:
                transformed = sam_transform(packaged.template, template.parameter_values, region)
            except TransformFailed as error:
                fail("-", "E9003", f"the SAM transform fails (so would CloudFormation's): {error}")
                continue
        else:
            transformed = packaged.template

        count = len(transformed.get("Resources") or {})
        stack.resource_count = count
        report.findings.extend(resource_count_findings(here, count))

        authored = list((template.source.get("Resources") or {}).keys())
        cycles, truncated = find_cycles(transformed, authored)
        in_cycles: set[str] = set()
        for cycle in cycles:
            in_cycles.update(cycle.resources)
            path = " -> ".join((*cycle.resources, cycle.anchor))
            fail(cycle.anchor, "E9000", f"circular dependency: {path}", details=cycle.hops)
        if truncated:
            fail("-", "E9000", "more circular dependencies than listed here; fix these and run the gate again")

        for match in sorted(
            linter.lint(with_inline_definitions(transformed, packaged.definitions)),
            key=lambda item: (item.rule_id, item.logical_id),
        ):
            if match.rule_id == "E3004" and match.logical_id in in_cycles:
                continue  # E9000 reports this cycle with its path
            if match.rule_id == "E3010" and count > RESOURCE_LIMIT:
                continue  # E9001 reports the count
            level = Level.ERROR if strict else match.level
            report.findings.append(Finding(here, match.logical_id, match.rule_id, match.message, level))

    report.findings = list(dict.fromkeys(report.findings))  # one template nested twice reports once
    return report
