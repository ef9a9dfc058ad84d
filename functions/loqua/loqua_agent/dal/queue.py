"""The progress queue (SQS): the API sends, the consumer function applies (logic/progress.py)."""

import json
from typing import Any

from shared import aws


class ProgressQueue:
    def __init__(self, queue_url: str):
        self.queue_url = queue_url

    def send(self, message: dict[str, Any]) -> None:
        aws.client("sqs").send_message(QueueUrl=self.queue_url, MessageBody=json.dumps(message, separators=(",", ":")))

    def reachable(self) -> None:
        aws.client("sqs").get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])
