"""The two SQS queues: document jobs (with S3's own notifications) and webhook deliveries."""

import json
from typing import Any

from shared import aws


class JobQueue:
    def __init__(self, queue_url: str):
        self.queue_url = queue_url

    def send(self, message: dict[str, Any], delay_seconds: int = 0) -> None:
        aws.client("sqs").send_message(
            QueueUrl=self.queue_url,
            MessageBody=json.dumps(message, separators=(",", ":")),
            DelaySeconds=min(max(delay_seconds, 0), 900),
        )

    def postpone(self, receipt_handle: str, seconds: int) -> None:
        """Make a received message visible again in ``seconds`` (at most 12 hours)."""
        aws.client("sqs").change_message_visibility(
            QueueUrl=self.queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=min(max(seconds, 0), 43_200)
        )
