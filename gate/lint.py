"""cfn-lint on the transformed CloudFormation, with the project's rules added (gate.rules).

Levels: cfn-lint errors (E) fail the gate, because they are what CloudFormation or the service
would refuse; warnings (W) are printed and do not fail it, because many of them are about the
SAM-generated part of the template (which nobody can edit) or are advice rather than refusals;
`python -m gate --strict` fails on them too. Informational (I) rules are not run.

E3004 (cfn-lint's circular dependency rule) is dropped for the resources that E9000 already
reports with the full path; it still fails the gate for any cycle the gate's own walk missed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cfnlint.config import ConfigMixIn
from cfnlint.decode import decode_str
from cfnlint.runner import Runner

from gate.report import Level

CUSTOM_RULES_MODULE = "gate.rules"
CONFIG_FILE = Path(__file__).with_name("cfnlintrc.yaml")  # not ~/.cfnlintrc: the verdict is the same everywhere
MAX_MESSAGE = 300  # some cfn-lint messages list every allowed value (all IAM service prefixes)


@dataclass(frozen=True)
class LintMatch:
    rule_id: str
    level: Level
    logical_id: str
    message: str


class Linter:
    """One cfn-lint runner (rules loaded once) for every template of a gate run."""

    def __init__(self, region: str) -> None:
        config = ConfigMixIn(regions=[region], append_rules=[CUSTOM_RULES_MODULE], config_file=str(CONFIG_FILE))
        self._runner = Runner(config)

    def lint(self, template: dict[str, Any]) -> list[LintMatch]:
        decoded, errors = decode_str(json.dumps(template))
        matches = errors or list(self._runner.validate_template(decoded))
        results: list[LintMatch] = []
        for match in matches:
            severity = match.rule.severity
            if severity not in ("error", "warning"):
                continue
            path = list(getattr(match, "path", None) or [])
            if len(path) >= 2 and path[0] == "Resources":
                logical_id = str(path[1])
            elif path:
                logical_id = ".".join(str(part) for part in path[:2])
            else:
                logical_id = "-"
            results.append(
                LintMatch(
                    match.rule.id,
                    Level.ERROR if severity == "error" else Level.WARNING,
                    logical_id,
                    match.message if len(match.message) <= MAX_MESSAGE else match.message[:MAX_MESSAGE] + " ...",
                )
            )
        return results
