"""Operator commands run against a deployed stack with the operator's AWS credentials."""
