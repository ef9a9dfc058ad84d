"""S3 event notifications: objects put by code invoke the function the template names.

The notifications come from a function's SAM ``Events: {Type: S3, Properties: {Bucket, Events,
Filter}}`` (the bucket in the same template, as SAM requires) and from a bucket's own
``NotificationConfiguration`` (``LambdaConfigurations``, and ``QueueConfigurations``, which moto
delivers to the queue itself). They are set on the moto bucket, so moto decides which writes match
(event names such as ``s3:ObjectCreated:*``, ``prefix``/``suffix`` filters); the runtime then
invokes the function asynchronously, as S3 does, with S3's event (``Records[].s3.bucket``,
``.object.key`` URL-encoded, ``size``, ``eTag``, ``sequencer``; ``eventName`` such as
``ObjectCreated:Put``), with Lambda's retries and destinations (``local.async_invoke``).
"""

import itertools
from typing import Any
from urllib.parse import quote_plus, unquote_plus

from local.functions import FUNCTION
from local.hooks import owner_of_function
from local.provision import bucket_name

_sequencer = itertools.count(1)


def _filter_rules(filter_: dict[str, Any] | None) -> dict[str, Any]:
    rules = ((filter_ or {}).get("S3Key") or {}).get("Rules") or []
    return {"Key": {"FilterRules": [{"Name": rule["Name"], "Value": rule["Value"]} for rule in rules]}} if rules else {}


class BucketNotifications:
    def __init__(self, runtime: Any):
        self.runtime = runtime

    def load(self) -> None:
        _route_lambda_notifications()
        configurations: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for function in self.runtime.resources(FUNCTION).values():
            for name, event in (function.properties.get("Events") or {}).items():
                if event.get("Type") != "S3":
                    continue
                properties = event.get("Properties") or {}
                bucket = self.runtime.tree.in_stack(function.stack, properties["Bucket"]["Ref"])
                events = function.stack.resolver.resolve(properties["Events"])
                configuration = {
                    "Id": f"{function.logical_id}{name}",
                    "LambdaFunctionArn": str(function.stack.resolver.get_att(function.logical_id, "Arn")),
                    "Events": [events] if isinstance(events, str) else list(events),
                }
                filter_ = _filter_rules(function.stack.resolver.resolve(properties.get("Filter")))
                if filter_:
                    configuration["Filter"] = filter_
                configurations.setdefault(bucket.key, {}).setdefault("LambdaFunctionConfigurations", []).append(
                    configuration
                )
        for key, bucket in self.runtime.resources("AWS::S3::Bucket").items():
            own = bucket.resolved().get("NotificationConfiguration") or {}
            target = configurations.setdefault(key, {})
            for entry in own.get("LambdaConfigurations") or []:
                configuration = {"LambdaFunctionArn": entry["Function"], "Events": [entry["Event"]]}
                if _filter_rules(entry.get("Filter")):
                    configuration["Filter"] = _filter_rules(entry.get("Filter"))
                target.setdefault("LambdaFunctionConfigurations", []).append(configuration)
            for entry in own.get("QueueConfigurations") or []:
                configuration = {"QueueArn": entry["Queue"], "Events": [entry["Event"]]}
                if _filter_rules(entry.get("Filter")):
                    configuration["Filter"] = _filter_rules(entry.get("Filter"))
                target.setdefault("QueueConfigurations", []).append(configuration)
        from shared import aws

        for key, configuration in configurations.items():
            if configuration:
                aws.client("s3").put_bucket_notification_configuration(
                    Bucket=bucket_name(self.runtime.resource(key)), NotificationConfiguration=configuration
                )

    def stop(self) -> None:
        pass

    def busy(self) -> list[str]:
        return []


def s3_event(body: dict[str, Any]) -> dict[str, Any]:
    """moto's notification with the fields S3 also sends (identity, request ids, sequencer)."""
    for record in body.get("Records", []):
        record.setdefault("userIdentity", {"principalId": "AWS:LOCAL"})
        record.setdefault("requestParameters", {"sourceIPAddress": "127.0.0.1"})
        record.setdefault("responseElements", {"x-amz-request-id": "LOCAL", "x-amz-id-2": "LOCAL"})
        s3 = record.get("s3", {})
        s3.get("bucket", {}).setdefault("ownerIdentity", {"principalId": "LOCAL"})
        s3_object = s3.get("object", {})
        s3_object.setdefault("sequencer", f"{next(_sequencer):018X}")
        # S3 encodes the key as a form value but keeps its slashes ("docs/a b.txt" -> "docs/a+b.txt")
        s3_object["key"] = quote_plus(unquote_plus(s3_object.get("key", "")), safe="/")
    return body


def _route_lambda_notifications() -> None:
    """moto invokes notified functions in its own Lambda backend; invoke the template's instead."""
    from moto.s3 import notifications

    if getattr(notifications._invoke_awslambda, "local_runtime", False):
        return
    original = notifications._invoke_awslambda

    def invoke(account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
        owner = owner_of_function(fn_arn)
        if owner is None:
            original(account_id, event_body, fn_arn, region_name)
            return
        runtime, function_id, qualifier = owner
        runtime.invoke_async(function_id, s3_event(event_body), qualifier=qualifier)

    invoke.local_runtime = True  # type: ignore[attr-defined]
    notifications._invoke_awslambda = invoke
