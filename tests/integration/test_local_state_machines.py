"""Step Functions in the local runtime: the sample template's real ASL runs in moto, with its
Lambda tasks dispatched to the in-process handlers (tests/fixtures/runtime_template)."""

import json
import uuid

from shared import aws


def _hire(**overrides):
    return {"hireId": f"hire-{uuid.uuid4().hex[:8]}", "amount": 250, "decline": False, "flaky": False, **overrides}


def _record(runtime, pk):
    table = runtime.physical_id("SampleRecordsTable")
    item = aws.dynamodb().get_item(TableName=table, Key={"pk": {"S": pk}}).get("Item") or {}
    return {name: next(iter(value.values())) for name, value in item.items()}


def test_functions_get_the_state_machine_arn_and_tasks_get_the_function_arn(sample_runtime):
    saga_arn = sample_runtime.state_machine_arn("SampleSagaStateMachine")
    seen = sample_runtime.invoke(
        "SampleStarterFunction", {"action": "environment", "names": ["SAGA_STATE_MACHINE_ARN"]}
    )
    assert saga_arn == "arn:aws:states:us-east-1:123456789012:stateMachine:SampleSagaStateMachine"
    assert seen == {"SAGA_STATE_MACHINE_ARN": saga_arn}
    definition = aws.client("stepfunctions").describe_state_machine(stateMachineArn=saga_arn)["definition"]
    assert "arn:aws:lambda:us-east-1:123456789012:function:SampleStepsFunction" in definition
    assert "${" not in definition


def test_saga_succeeds_through_retry_task_token_long_wait_and_dynamodb_tasks(sample_runtime):
    hire = _hire(flaky=True)
    execution = sample_runtime.start_execution("SampleSagaStateMachine", hire, name=hire["hireId"])

    sample_runtime.wait_for_state(execution, "AwaitSession")
    resumed = sample_runtime.invoke(
        "SampleStarterFunction", {"action": "end_session", "hireId": hire["hireId"], "minutes": 42}
    )
    result = sample_runtime.wait_for_execution(execution)

    assert resumed == {"resumed": True}
    assert result["status"] == "SUCCEEDED"
    output = result["output"]
    assert output["reservation"] == {"reserved": 250, "attempts": 2}
    assert output["session"] == {"minutes": 42}
    assert output["settlement"] == {"settled": 250, "minutes": 42}
    assert output["record"] == {"status": "SETTLED"}


def test_named_error_from_a_lambda_task_is_caught_into_compensation(sample_runtime):
    hire = _hire(decline=True)
    execution = sample_runtime.start_execution("SampleSagaStateMachine", hire)

    result = sample_runtime.wait_for_execution(execution)

    assert result["status"] == "FAILED"
    assert result["error"] == "HireFailed"
    assert _record(sample_runtime, hire["hireId"])["refundedBecause"] == "EscrowDeclined"


def test_send_task_failure_from_a_handler_is_caught_by_name(sample_runtime):
    hire = _hire()
    execution = sample_runtime.start_execution("SampleSagaStateMachine", hire)
    sample_runtime.wait_for_state(execution, "AwaitSession")

    sample_runtime.invoke("SampleStarterFunction", {"action": "abandon_session", "hireId": hire["hireId"]})
    result = sample_runtime.wait_for_execution(execution)

    assert result["status"] == "FAILED"
    assert _record(sample_runtime, hire["hireId"])["refundedBecause"] == "SessionAbandoned"


def test_a_handler_can_start_an_unnamed_execution_and_wait_for_it(sample_runtime):
    answer = sample_runtime.invoke("SampleStarterFunction", {"action": "run_quick_and_wait", "hireId": "quick-1"})

    assert answer == {"status": "SUCCEEDED", "output": {"echoed": {"hireId": "quick-1"}}}


def test_a_handler_invoking_another_function_sees_only_its_own_environment(sample_runtime):
    answer = sample_runtime.invoke("SampleStarterFunction", {"action": "call_steps"})

    assert answer["callee"] == {"SAGA_STATE_MACHINE_ARN": None}
    assert answer["caller"] == sample_runtime.state_machine_arn("SampleSagaStateMachine")


def test_lambda_invoke_of_a_raising_function_reports_an_unhandled_function_error(sample_runtime):
    answer = aws.client("lambda").invoke(
        FunctionName="arn:aws:lambda:us-east-1:123456789012:function:SampleStepsFunction",
        Payload=json.dumps({"step": "reserve", "hire": {"hireId": "x", "decline": True}}),
    )

    assert answer["StatusCode"] == 200
    assert answer["FunctionError"] == "Unhandled"
    error = json.loads(answer["Payload"].read())
    assert error["errorType"] == "EscrowDeclined"
    assert error["errorMessage"] == "escrow declined for x"
