"""The progress queue's consumer: SQS batches, applied per session, with partial batch responses.

Each batch is grouped by (learner, session) and each group applied in one transaction
(logic/progress.py); a group that fails reports its messages as failed (``batchItemFailures``),
so only they are retried, and after the queue's ``maxReceiveCount`` they go to the dead-letter
queue (its alarm then fires). A message that is not a progress update fails the same way.
"""

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from loqua_agent import dependencies
from loqua_agent.logic.progress import ProgressUpdate, apply_session_updates, group_by_session
from loqua_agent.settings import API_NAME
from shared.errors import utc_now_iso
from shared.observability import count, log_exception, logger, metrics


class ProgressNotApplied(Exception):
    """This message's group could not be applied in this delivery; SQS delivers it again."""


def apply_batch(records: list[dict[str, Any]]) -> set[str]:
    """Apply a batch's updates; returns the message ids that were not applied."""
    failed: set[str] = set()
    updates: dict[str, ProgressUpdate] = {}
    for record in records:
        try:
            updates[record["messageId"]] = ProgressUpdate.from_message(json.loads(record["body"]))
        except (KeyError, TypeError, ValueError, ArithmeticError):
            logger(API_NAME).error("Not a progress update", extra={"messageId": record.get("messageId")})
            failed.add(record.get("messageId", ""))
    by_message = {id(update): message_id for message_id, update in updates.items()}
    now = utc_now_iso()
    for (learner_id, session_id), group in group_by_session(updates.values()).items():
        try:
            apply_session_updates(dependencies.learners(), group, now)
        except Exception:
            log_exception(API_NAME, "Progress not applied", userId=learner_id, sessionId=session_id)
            failed.update(by_message[id(update)] for update in group)
    count(API_NAME, "ProgressUpdatesApplied", len(updates) - len(failed & set(updates)))
    return failed


@logger(API_NAME).inject_lambda_context
@metrics(API_NAME).log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    failed = apply_batch(event.get("Records", []))

    def check(record: SQSRecord) -> None:
        if record.message_id in failed:
            raise ProgressNotApplied(record.message_id)

    # One processor per batch (it holds the batch's state). A batch whose every record failed is
    # reported like any other (all its ids), not raised: the messages come back after the
    # visibility timeout either way, and the dead-letter queue's alarm says when some never apply.
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(event=event, record_handler=check, processor=processor, context=context)
