"""Finding every template `sam deploy` would send: the root and its local nested applications.

A nested `AWS::Serverless::Application` (or `AWS::CloudFormation::Stack`) whose `Location`
(`TemplateURL`) is a local path is packaged by `sam package` and deployed as its own stack, so it
is checked as its own template, recursively. The path is relative to the template that names it.
Applications from the Serverless Application Repository or an S3 URL are not ours to check.

The interface between a parent and a child is checked here too (rule E9002), because
CloudFormation refuses it at deploy time: a parameter the parent passes that the child does not
declare, a child parameter without a default that the parent does not pass, and an output the
parent reads (`!GetAtt App.Outputs.Name`) that the child does not declare.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cfnlint.decode import decode

from gate.intrinsics import references
from gate.report import Finding
from gate.transform import is_local_path

NESTED_TYPES = {"AWS::Serverless::Application": "Location", "AWS::CloudFormation::Stack": "TemplateURL"}


@dataclass
class TemplateFile:
    path: Path
    display: str  # the path as printed: relative to the working directory when it can be
    name: str  # stack name: "root" or "root/<LogicalId>/..."
    source: dict[str, Any]
    parameter_values: dict[str, Any] = field(default_factory=dict)  # literal values the parent passes


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """The template as plain JSON-like data (intrinsic YAML tags such as !Sub decoded), or why not."""
    if not path.is_file():
        return None, f"template file {display_path(path)} does not exist"
    template, matches = decode(str(path))
    if matches:
        return None, "; ".join(f"line {match.linenumber}: {match.message}" for match in matches)
    if not isinstance(template, dict):
        return None, "the template is not a mapping"
    # cfn-lint's loader returns str/dict subclasses that carry line marks; plain data is what the
    # translator and the checks expect.
    return json.loads(json.dumps(template, default=str)), None


def discover(root: Path) -> tuple[list[TemplateFile], list[Finding]]:
    """Every local template reachable from root, parents before children, and the E9002/E9003 findings."""
    templates: list[TemplateFile] = []
    findings: list[Finding] = []
    root_display = display_path(root)
    source, error = load(root)
    if source is None:
        findings.append(Finding(root_display, "-", "E9003", f"cannot load the template: {error}"))
        return templates, findings
    _visit(TemplateFile(root.resolve(), root_display, "root", source), (), templates, findings)
    return templates, findings


def _visit(
    template: TemplateFile,
    ancestry: tuple[Path, ...],
    templates: list[TemplateFile],
    findings: list[Finding],
) -> None:
    templates.append(template)
    ancestry = (*ancestry, template.path)
    for logical_id, resource in (template.source.get("Resources") or {}).items():
        if not isinstance(resource, dict) or resource.get("Type") not in NESTED_TYPES:
            continue
        properties = resource.get("Properties") or {}
        location = properties.get(NESTED_TYPES[resource["Type"]])
        if not is_local_path(location):
            continue
        child_path = (template.path.parent / location).resolve()
        if child_path in ancestry:
            findings.append(
                Finding(template.display, logical_id, "E9003", f"nests {location}, which nests this template again")
            )
            continue
        child_source, error = load(child_path)
        if child_source is None:
            findings.append(Finding(template.display, logical_id, "E9003", f"nested template {location}: {error}"))
            continue
        passed = properties.get("Parameters") if isinstance(properties.get("Parameters"), dict) else {}
        child = TemplateFile(
            child_path,
            display_path(child_path),
            f"{template.name}/{logical_id}",
            child_source,
            {name: value for name, value in passed.items() if isinstance(value, str | int | float)},
        )
        findings.extend(_interface_findings(template, logical_id, passed, child))
        _visit(child, ancestry, templates, findings)


def _interface_findings(
    parent: TemplateFile, logical_id: str, passed: dict[str, Any], child: TemplateFile
) -> list[Finding]:
    findings: list[Finding] = []
    declared = child.source.get("Parameters") or {}
    for name in passed:
        if name not in declared:
            findings.append(
                Finding(
                    parent.display,
                    logical_id,
                    "E9002",
                    f"passes parameter {name}, which {child.display} does not declare",
                )
            )
    for name, spec in declared.items():
        if name not in passed and not (isinstance(spec, dict) and "Default" in spec):
            findings.append(
                Finding(
                    parent.display,
                    logical_id,
                    "E9002",
                    f"does not pass parameter {name}, which {child.display} declares without a Default",
                )
            )
    outputs = child.source.get("Outputs") or {}
    read: set[str] = set()
    for section in ("Resources", "Outputs", "Conditions"):
        for reference in references(parent.source.get(section) or {}):
            if reference.name == logical_id and (reference.attribute or "").startswith("Outputs."):
                read.add(reference.attribute.removeprefix("Outputs."))
    for name in sorted(read - set(outputs)):
        findings.append(
            Finding(
                parent.display,
                logical_id,
                "E9002",
                f"the parent reads output {name} (GetAtt {logical_id}.Outputs.{name}), "
                f"which {child.display} does not declare",
            )
        )
    return findings
