"""The marketplace's two AWS services besides DynamoDB: EventBridge Scheduler (listing expiry) and
Step Functions (cross-island settlement)."""

import json
import math
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from shared import aws

SCHEDULE_PREFIX = "bm-listing-"


class ExpirySchedules:
    """One one-time schedule per listing, at its ``expiresAt``, invoking the expiry function's alias.

    The schedule deletes itself after it runs; failed deliveries retry for a day, then go to the
    expiry dead-letter queue (alarmed)."""

    def __init__(self, target_arn: str, role_arn: str, dead_letter_arn: str, group: str):
        self.target_arn = target_arn
        self.role_arn = role_arn
        self.dead_letter_arn = dead_letter_arn
        self.group = group

    def create(self, listing_id: str, at: datetime) -> None:
        moment = datetime.fromtimestamp(math.ceil(at.timestamp()), at.tzinfo)
        target: dict[str, Any] = {
            "Arn": self.target_arn,
            "RoleArn": self.role_arn,
            "Input": json.dumps({"listingId": listing_id, "scheduledTime": "<aws.scheduler.scheduled-time>"}),
            "RetryPolicy": {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400},
        }
        if self.dead_letter_arn:
            target["DeadLetterConfig"] = {"Arn": self.dead_letter_arn}
        try:
            aws.client("scheduler").create_schedule(
                Name=f"{SCHEDULE_PREFIX}{listing_id}",
                GroupName=self.group,
                ScheduleExpression=f"at({moment.strftime('%Y-%m-%dT%H:%M:%S')})",
                ScheduleExpressionTimezone="UTC",
                FlexibleTimeWindow={"Mode": "OFF"},
                Target=target,
                ActionAfterCompletion="DELETE",
                Description=f"Expire BlueMarble listing {listing_id}",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConflictException":  # a retry: it exists already
                raise

    def delete(self, listing_id: str) -> None:
        try:
            aws.client("scheduler").delete_schedule(Name=f"{SCHEDULE_PREFIX}{listing_id}", GroupName=self.group)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise


class SettlementFlow:
    """Starts the settlement state machine for a cross-island purchase, named after the purchase
    (so starting it twice starts it once)."""

    def __init__(self, state_machine_arn: str):
        self.state_machine_arn = state_machine_arn

    def start(self, purchase_id: str, payload: dict[str, Any]) -> None:
        try:
            aws.client("stepfunctions").start_execution(
                stateMachineArn=self.state_machine_arn, name=purchase_id, input=json.dumps(payload)
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ExecutionAlreadyExists":
                raise
