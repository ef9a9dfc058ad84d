"""`python -m gate [template.yaml]`: exit 0 when sam deploy would accept every template, 1 when not."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from gate.core import DEFAULT_REGION, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gate",
        description="Deployability gate: SAM-transform the template and its local nested templates, "
        "then fail on circular dependencies, cfn-lint errors and the project's rules.",
    )
    parser.add_argument("template", nargs="?", default="template.yaml", type=Path)
    parser.add_argument("--region", default=DEFAULT_REGION, help=f"region to transform and lint for ({DEFAULT_REGION})")
    parser.add_argument("--strict", action="store_true", help="cfn-lint warnings fail the gate too")
    arguments = parser.parse_args(argv)
    # The translator and cfn-lint log their own progress at INFO; the report says what matters.
    logging.basicConfig(level=logging.WARNING)
    report = run(arguments.template, region=arguments.region, strict=arguments.strict)
    print(report.render())
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
