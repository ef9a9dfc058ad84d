"""The deployability gate: proof, on this machine and offline, that `sam deploy` would accept every template.

`python -m gate` (or `make gate`) starts from `template.yaml`, follows every nested application
whose `Location` is a local template, packages each as `sam package` would, runs the SAM
transform (`aws-sam-translator`, the code CloudFormation runs for `AWS::Serverless-2016-10-31`)
and then checks the CloudFormation that would be deployed:

- E9000 circular dependencies between resources (gate.cycles)
- E9001 / W9001 resources per stack against CloudFormation's 500 (gate.core)
- E9002 parameters and outputs between a parent and a nested template (gate.stacks)
- E9003 templates that cannot be loaded, packaged or transformed (gate.stacks, gate.transform)
- cfn-lint's own rules, errors failing and warnings printed (gate.lint)
- the project's rules, as cfn-lint rules E91xx (gate.rules)

docs/deploy-gate.md says what each rule checks and why, and how to add one.
"""

from gate.core import run

__all__ = ["run"]
