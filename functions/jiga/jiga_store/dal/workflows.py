"""The session lifecycle state machine, seen from the functions (the only Step Functions code)."""

import json
from typing import Any

from botocore.exceptions import ClientError

from shared import aws


class SessionLifecycle:
    def __init__(self, state_machine_arn: str):
        self.state_machine_arn = state_machine_arn

    def start(self, session_id: str, timeout_seconds: int) -> str:
        """One execution per session, named after it, so a retried start cannot run two."""
        client = aws.client("stepfunctions")
        try:
            response = client.start_execution(
                stateMachineArn=self.state_machine_arn,
                name=session_id,
                input=json.dumps({"sessionId": session_id, "timeoutSeconds": int(timeout_seconds), "timedOut": False}),
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ExecutionAlreadyExists":
                raise
            return f"{self.state_machine_arn.replace(':stateMachine:', ':execution:')}:{session_id}"
        return response["executionArn"]

    @staticmethod
    def session_ended(task_token: str, output: dict[str, Any]) -> None:
        try:
            aws.client("stepfunctions").send_task_success(taskToken=task_token, output=json.dumps(output))
        except ClientError as error:
            # the lifecycle already moved on (timed out, or another ending won the race)
            if error.response["Error"]["Code"] not in ("TaskTimedOut", "InvalidToken", "TaskDoesNotExist"):
                raise

    @staticmethod
    def still_active(task_token: str) -> None:
        """Heartbeat: the lifecycle ends an idle session when these stop."""
        try:
            aws.client("stepfunctions").send_task_heartbeat(taskToken=task_token)
        except ClientError as error:
            if error.response["Error"]["Code"] not in ("TaskTimedOut", "InvalidToken", "TaskDoesNotExist"):
                raise
