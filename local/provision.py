"""Creating the template's stateful resources in moto, and what ``Ref``/``GetAtt`` then give.

Tables (keys, indexes, streams, TTL), KMS keys, secrets, SNS topics, SQS queues (attributes and
``RedrivePolicy``), S3 buckets (versioning; notifications are wired once functions have names, see
``local.buckets``), schedule groups, and state machines. Physical names follow the resource's key
(``local.stacks``) unless the template names the resource.
"""

import json
import re
import secrets
from typing import Any

from local import state_machines
from local.stacks import Resource
from local.template import ACCOUNT_ID, REGION, state_machine_arn

QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
)


def _client(service: str) -> Any:
    from shared import aws

    return aws.client(service)


def create_tables(tables: dict[str, Resource]) -> None:
    client = _client("dynamodb")
    for table in tables.values():
        properties = table.resolved()
        request = {
            key: properties[key]
            for key in (
                "AttributeDefinitions",
                "KeySchema",
                "GlobalSecondaryIndexes",
                "LocalSecondaryIndexes",
                "BillingMode",
                "StreamSpecification",
            )
            if key in properties
        }
        if "StreamSpecification" in request:  # CloudFormation's has no StreamEnabled; the API needs it
            request["StreamSpecification"] = {"StreamEnabled": True, **request["StreamSpecification"]}
        name = str(properties.get("TableName") or table.physical_name)
        created = client.create_table(TableName=name, **request)["TableDescription"]
        if "TimeToLiveSpecification" in properties:
            client.update_time_to_live(TableName=name, TimeToLiveSpecification=properties["TimeToLiveSpecification"])
        resolver = table.stack.resolver
        resolver.physical_ids[table.logical_id] = name
        resolver.arns[table.logical_id] = created["TableArn"]
        if created.get("LatestStreamArn"):
            resolver.attributes.setdefault(table.logical_id, {})["StreamArn"] = created["LatestStreamArn"]


def create_keys(keys: dict[str, Resource]) -> None:
    """KMS keys (asymmetric signing keys for RS256 tokens among them), as moto keys."""
    for key in keys.values():
        properties = key.resolved()
        created = _client("kms").create_key(
            KeySpec=properties.get("KeySpec", "SYMMETRIC_DEFAULT"),
            KeyUsage=properties.get("KeyUsage", "ENCRYPT_DECRYPT"),
            Description=str(properties.get("Description", key.key)),
        )["KeyMetadata"]
        key.stack.resolver.physical_ids[key.logical_id] = created["KeyId"]
        key.stack.resolver.arns[key.logical_id] = created["Arn"]


def create_secrets(secrets_: dict[str, Resource]) -> None:
    client = _client("secretsmanager")
    for secret in secrets_.values():
        properties = secret.resolved()
        value = properties.get("SecretString") or secrets.token_urlsafe(48)
        created = client.create_secret(Name=properties.get("Name", secret.physical_name), SecretString=value)
        secret.stack.resolver.physical_ids[secret.logical_id] = created["ARN"]
        secret.stack.resolver.arns[secret.logical_id] = created["ARN"]


def create_topics(topics: dict[str, Resource]) -> None:
    client = _client("sns")
    for topic in topics.values():
        properties = topic.resolved()
        name = str(properties.get("TopicName") or topic.physical_name)
        attributes = {"FifoTopic": "true"} if properties.get("FifoTopic") else {}
        arn = client.create_topic(Name=name, Attributes=attributes)["TopicArn"]
        topic.stack.resolver.physical_ids[topic.logical_id] = topic.stack.resolver.arns[topic.logical_id] = arn
        topic.stack.resolver.attributes.setdefault(topic.logical_id, {})["TopicName"] = name


def queue_url(name: str) -> str:
    return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT_ID}/{name}"


def queue_arn(name: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}"


def create_queues(queues: dict[str, Resource]) -> None:
    """Every queue first (``Ref`` is the URL), then the redrive policies that point at them."""
    client = _client("sqs")
    for queue in queues.values():
        properties = queue.properties
        fifo = str(queue.stack.resolver.resolve(properties.get("FifoQueue", False))).lower() == "true"
        name = str(queue.stack.resolver.resolve(properties.get("QueueName") or queue.physical_name))
        if fifo and not name.endswith(".fifo"):
            name += ".fifo"
        resolver = queue.stack.resolver
        resolver.physical_ids[queue.logical_id] = queue_url(name)
        resolver.arns[queue.logical_id] = queue_arn(name)
        resolver.attributes[queue.logical_id] = {"QueueName": name, "QueueUrl": queue_url(name)}
    for queue in queues.values():
        properties = queue.resolved()
        attributes = {key: _attribute(properties[key]) for key in QUEUE_ATTRIBUTES if key in properties}
        name = queue.stack.resolver.attributes[queue.logical_id]["QueueName"]
        client.create_queue(QueueName=name, Attributes=attributes)
    for queue in queues.values():
        properties = queue.resolved()
        policies = {
            key: json.dumps(properties[key]) if isinstance(properties[key], dict) else str(properties[key])
            for key in ("RedrivePolicy", "RedriveAllowPolicy")
            if key in properties
        }
        if policies:
            client.set_queue_attributes(
                QueueUrl=queue.stack.resolver.physical_ids[queue.logical_id], Attributes=policies
            )


def _attribute(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def bucket_name(bucket: Resource) -> str:
    properties = bucket.properties
    if properties.get("BucketName"):
        return str(bucket.stack.resolver.resolve(properties["BucketName"]))
    return re.sub(r"[^a-z0-9.-]", "-", bucket.physical_name.lower())[:63]


def create_buckets(buckets: dict[str, Resource]) -> None:
    client = _client("s3")
    for bucket in buckets.values():
        name = bucket_name(bucket)
        client.create_bucket(Bucket=name)
        properties = bucket.resolved()
        if (properties.get("VersioningConfiguration") or {}).get("Status"):
            client.put_bucket_versioning(
                Bucket=name, VersioningConfiguration={"Status": properties["VersioningConfiguration"]["Status"]}
            )
        resolver = bucket.stack.resolver
        resolver.physical_ids[bucket.logical_id] = name
        resolver.arns[bucket.logical_id] = f"arn:aws:s3:::{name}"
        resolver.attributes[bucket.logical_id] = {
            "DomainName": f"{name}.s3.amazonaws.com",
            "RegionalDomainName": f"{name}.s3.{REGION}.amazonaws.com",
            "WebsiteURL": f"http://{name}.s3-website-{REGION}.amazonaws.com",
        }


def create_schedule_groups(groups: dict[str, Resource]) -> None:
    client = _client("scheduler")
    for group in groups.values():
        name = str(group.resolved().get("Name") or group.physical_name)
        arn = client.create_schedule_group(Name=name)["ScheduleGroupArn"]
        group.stack.resolver.physical_ids[group.logical_id] = name
        group.stack.resolver.arns[group.logical_id] = arn


def name_state_machines(machines: dict[str, Resource]) -> None:
    for machine in machines.values():
        properties = machine.resolved()
        name = str(properties.get("Name") or machine.physical_name)
        resolver = machine.stack.resolver
        resolver.physical_ids[machine.logical_id] = resolver.arns[machine.logical_id] = state_machine_arn(name)


def create_state_machines(machines: dict[str, Resource]) -> dict[str, str]:
    arns = {}
    for key, machine in machines.items():
        properties = {"Name": machine.physical_name, **machine.resolved()}
        arns[key] = state_machines.create_state_machine(
            _client("stepfunctions"), machine.stack.directory, key, properties
        )
    return arns
