"""`sam package` and the SAM transform, offline.

`sam deploy` packages the template (local paths become S3 locations, nested application
templates are uploaded and their `Location` becomes an S3 URL) and CloudFormation then runs the
`AWS::Serverless-2016-10-31` transform, whose code is the `aws-sam-translator` package. The gate
does the same on this machine:

- `package()` swaps each local path for a placeholder S3 location, as `sam package` would, and
  remembers the local state machine definitions so that the lint copy can carry them inline.
- `sam_transform()` runs the translator with the policy map bundled in the translator (no IAM
  call), a fixed region and no credentials.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import yaml
from samtranslator.internal.managed_policies import get_bundled_managed_policy_map
from samtranslator.model.exceptions import ExceptionWithMessage
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
PLACEHOLDER_BUCKET = "deploy-gate-placeholder"

# (resource type, property, form) for every property `sam package` uploads that the gate meets in
# practice. "uri" properties become s3://bucket/key strings, "url" ones an https URL, and
# "s3code"/"s3location" the Bucket/Key objects that CloudFormation resources take.
_PACKAGED_PROPERTIES: tuple[tuple[str, str, str], ...] = (
    ("AWS::Serverless::Function", "CodeUri", "uri"),
    ("AWS::Serverless::LayerVersion", "ContentUri", "uri"),
    ("AWS::Serverless::StateMachine", "DefinitionUri", "uri"),
    ("AWS::Serverless::Api", "DefinitionUri", "uri"),
    ("AWS::Serverless::HttpApi", "DefinitionUri", "uri"),
    ("AWS::Serverless::GraphQLApi", "SchemaUri", "uri"),
    ("AWS::Serverless::Application", "Location", "url"),
    ("AWS::CloudFormation::Stack", "TemplateURL", "url"),
    ("AWS::Lambda::Function", "Code", "s3code"),
    ("AWS::Lambda::LayerVersion", "Content", "s3code"),
    ("AWS::StepFunctions::StateMachine", "DefinitionS3Location", "s3location"),
    ("AWS::ApiGateway::RestApi", "BodyS3Location", "s3location"),
    ("AWS::ApiGatewayV2::Api", "BodyS3Location", "s3location"),
)
_GLOBALS_PACKAGED = (("Function", "CodeUri"), ("Api", "DefinitionUri"), ("HttpApi", "DefinitionUri"))
# State machine definitions the lint copy carries inline, by the resource type they end up on.
_DEFINITION_SOURCES = {
    ("AWS::Serverless::StateMachine", "DefinitionUri"),
    ("AWS::StepFunctions::StateMachine", "DefinitionS3Location"),
}


class TransformFailed(Exception):
    """The SAM translator refused the template: CloudFormation would refuse it the same way."""


@dataclass
class Packaged:
    template: dict[str, Any]
    # logical id -> local Amazon States Language file of a state machine, for the lint copy
    definitions: dict[str, Path] = field(default_factory=dict)


def is_local_path(value: Any) -> bool:
    """A string that `sam package` would upload: not already an S3 or HTTP(S) location."""
    return isinstance(value, str) and bool(value) and not value.startswith(("s3://", "https://", "http://"))


def _placeholder(form: str, key: str) -> Any:
    if form == "uri":
        return f"s3://{PLACEHOLDER_BUCKET}/{key}"
    if form == "url":
        return f"https://{PLACEHOLDER_BUCKET}.s3.amazonaws.com/{key}.template"
    if form == "s3code":
        return {"S3Bucket": PLACEHOLDER_BUCKET, "S3Key": key}
    return {"Bucket": PLACEHOLDER_BUCKET, "Key": key}


def package(source: dict[str, Any], template_dir: Path) -> Packaged:
    """A copy of source with local artifact paths replaced by placeholder S3 locations."""
    template = copy.deepcopy(source)
    packaged = Packaged(template)
    for section, prop in _GLOBALS_PACKAGED:
        settings = (template.get("Globals") or {}).get(section)
        if isinstance(settings, dict) and is_local_path(settings.get(prop)):
            settings[prop] = _placeholder("uri", f"Globals/{section}/{prop}")
    for logical_id, resource in (template.get("Resources") or {}).items():
        if not isinstance(resource, dict) or not isinstance(resource.get("Properties"), dict):
            continue
        properties = resource["Properties"]
        for resource_type, prop, form in _PACKAGED_PROPERTIES:
            if resource.get("Type") != resource_type or not is_local_path(properties.get(prop)):
                continue
            if (resource_type, prop) in _DEFINITION_SOURCES:
                packaged.definitions[logical_id] = (template_dir / properties[prop]).resolve()
            properties[prop] = _placeholder(form, f"{logical_id}/{properties[prop]}")
    return packaged


def has_sam_transform(template: dict[str, Any]) -> bool:
    declared = template.get("Transform")
    names = declared if isinstance(declared, list) else [declared]
    return SAM_TRANSFORM in names


def other_transforms(template: dict[str, Any]) -> list[str]:
    declared = template.get("Transform")
    names = declared if isinstance(declared, list) else [declared] if declared else []
    return [str(name) for name in names if name != SAM_TRANSFORM]


def sam_transform(template: dict[str, Any], parameter_values: dict[str, Any], region: str) -> dict[str, Any]:
    """The CloudFormation template the SAM transform produces from template (which it does not change)."""
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name=region))
    bundled_policies = get_bundled_managed_policy_map("aws") or {}
    try:
        return translator.translate(
            copy.deepcopy(template),
            parameter_values=dict(parameter_values),
            get_managed_policy_map=lambda: bundled_policies,
        )
    except ExceptionWithMessage as error:
        causes = getattr(error, "causes", None) or [error]
        raise TransformFailed("; ".join(str(getattr(cause, "message", cause)) for cause in causes)) from error
    finally:
        translator.metrics.publish()  # a no-op publisher; unpublished metrics are logged as a warning


def with_inline_definitions(template: dict[str, Any], definitions: dict[str, Path]) -> dict[str, Any]:
    """A copy of a transformed template whose state machines carry their local definitions inline.

    CloudFormation receives `DefinitionS3Location` (the file is uploaded); the lint copy swaps it
    for the same JSON as `Definition`, so that cfn-lint validates the Amazon States Language and
    the alias rule can see how each substitution is used. Dependencies and counts are unchanged:
    references live in `DefinitionSubstitutions`, which stays as it is.
    """
    copied = copy.deepcopy(template)
    for logical_id, path in definitions.items():
        resource = copied.get("Resources", {}).get(logical_id)
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::StepFunctions::StateMachine":
            continue
        properties = resource.get("Properties", {})
        if "DefinitionS3Location" not in properties:
            continue
        try:
            definition = read_definition(path)
        except (OSError, ValueError, yaml.YAMLError):
            continue  # reported by definition_errors()
        del properties["DefinitionS3Location"]
        properties["Definition"] = definition
    return copied


def read_definition(path: Path) -> Any:
    """An Amazon States Language file, JSON or YAML (Step Functions accepts both from S3)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        return yaml.safe_load(text)
    return json.loads(text)


def definition_errors(definitions: dict[str, Path]) -> dict[str, str]:
    """logical id -> why its local state machine definition cannot be read (sam package would fail too)."""
    errors: dict[str, str] = {}
    for logical_id, path in definitions.items():
        try:
            read_definition(path)
        except OSError as error:
            errors[logical_id] = f"state machine definition {path.name} cannot be read: {error.strerror}"
        except (ValueError, yaml.YAMLError) as error:
            errors[logical_id] = f"state machine definition {path.name} cannot be parsed: {error}"
    return errors
