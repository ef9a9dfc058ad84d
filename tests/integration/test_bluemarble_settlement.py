"""The settlement state machine's ends, run by the local runtime from statemachines/: delivered,
refunded after a lost shipment (see test_bluemarble_purchases.py), and the last resort: when even
the refund keeps failing, the purchase id is parked in the settlement dead-letter queue (whose
depth alarms) and the execution fails as PurchaseStranded."""

import json

from shared import aws


def test_a_purchase_that_can_be_neither_delivered_nor_refunded_is_parked_in_the_dead_letter_queue(runtime):
    arn = runtime.start_execution(
        "BlueMarbleSettlementStateMachine",
        {"purchaseId": "no-such-purchase", "deliverAt": "2020-01-01T00:00:00Z"},
        name="stranded-no-such-purchase",
    )
    outcome = runtime.wait_for_execution(arn, timeout=60)
    assert outcome["status"] == "FAILED" and outcome["error"] == "PurchaseStranded"
    queue = runtime.physical_id("BlueMarbleSettlementDeadLetterQueue")
    messages = aws.client("sqs").receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    parked = [json.loads(message["Body"]) for message in messages]
    stranded = next(body for body in parked if body["purchaseId"] == "no-such-purchase")
    assert stranded["error"]["Error"] == "PurchaseNotSettleable"
    assert stranded["refundError"]["Error"] == "PurchaseNotSettleable"


def test_the_definition_invokes_the_settlement_function_through_its_alias(runtime):
    definition = aws.client("stepfunctions").describe_state_machine(
        stateMachineArn=runtime.state_machine_arn("BlueMarbleSettlementStateMachine")
    )["definition"]
    tasks = [state for state in json.loads(definition)["States"].values() if state["Type"] == "Task"]
    functions = {task["Parameters"]["FunctionName"] for task in tasks if "FunctionName" in task["Parameters"]}
    assert functions == {"arn:aws:lambda:us-east-1:123456789012:function:BlueMarbleSettlementFunction:live"}
