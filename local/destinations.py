"""Where asynchronous outcomes go: failure and success destinations, dead-letter queues, schedule
targets. A destination is an ARN: an SQS queue, an SNS topic, a function or an EventBridge bus."""

import json
from typing import Any

from local import hooks
from local.provision import queue_url


def send(target_arn: str, payload: Any, attributes: dict[str, str] | None = None) -> None:
    from shared import aws

    body = payload if isinstance(payload, str) else json.dumps(payload)
    service = target_arn.split(":")[2]
    if service == "sqs":
        message_attributes = {k: {"DataType": "String", "StringValue": v} for k, v in (attributes or {}).items()}
        aws.client("sqs").send_message(
            QueueUrl=queue_url(target_arn.split(":")[5]), MessageBody=body, MessageAttributes=message_attributes
        )
    elif service == "sns":
        aws.client("sns").publish(TopicArn=target_arn, Message=body)
    elif service == "lambda":
        owner = hooks.owner_of_function(target_arn)
        if owner is None:
            raise ValueError(f"{target_arn} is not a function of a running template")
        owner[0].invoke_async(owner[1], payload, qualifier=owner[2])
    elif service == "events":
        entry = {"Source": "lambda", "DetailType": "Lambda Function Invocation Result", "Detail": body}
        aws.client("events").put_events(Entries=[{**entry, "EventBusName": target_arn}])
    else:
        raise NotImplementedError(f"Destination {target_arn} is not supported locally")
