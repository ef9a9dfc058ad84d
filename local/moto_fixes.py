"""Where moto differs from AWS in ways that matter to this project, the local runtime corrects it.

Each fix is applied once per process when a runtime starts; each says what AWS does.
"""

import copy
import threading
from collections.abc import Callable
from typing import Any

# One AWS request at a time inside moto: each call is atomic against moto's in-memory state, as
# each DynamoDB request is atomic in AWS (two conditional writes cannot both pass). Re-entrant,
# because moto answers some requests by making others (a state machine's service tasks).
MOTO_LOCK = threading.RLock()


def apply() -> None:
    _serialise_requests()
    _accept_early_task_callbacks()
    _back_up_only_touched_items()
    _release_the_lock_while_long_polling()
    _measure_visibility_limits_per_receive()


def _serialise_requests() -> None:
    """Every request moto answers (botocore's before-send stubber, and the ``responses`` path)
    goes through ``BotocoreStubber.process_request``: hold ``MOTO_LOCK`` around it. Requests the
    runtime answers itself (``lambda.Invoke`` of a template function, ``@connections``) are
    answered by earlier handlers and never take it, so a handler waiting for a nested invocation
    or a state machine holds nothing."""
    from moto.core.botocore_stubber import BotocoreStubber

    if getattr(BotocoreStubber.process_request, "serialised", False):
        return
    original = BotocoreStubber.process_request

    def process_request(stubber: Any, request: Any) -> Any:
        with MOTO_LOCK:
            return original(stubber, request)

    process_request.serialised = True  # type: ignore[attr-defined]
    BotocoreStubber.process_request = process_request  # type: ignore[method-assign]


def _release_the_lock_while_long_polling() -> None:
    """moto long-polls SQS (``WaitTimeSeconds``) by waiting inside the request; let every other
    request through meanwhile, as SQS does."""
    from moto.sqs.models import Queue

    if getattr(Queue.wait_for_messages, "releases_lock", False):
        return
    original = Queue.wait_for_messages

    def wait_for_messages(queue: Any, timeout: int) -> None:
        if not MOTO_LOCK._is_owned():  # type: ignore[attr-defined]
            original(queue, timeout)
            return
        saved = MOTO_LOCK._release_save()  # type: ignore[attr-defined]
        try:
            original(queue, timeout)
        finally:
            MOTO_LOCK._acquire_restore(saved)  # type: ignore[attr-defined]

    wait_for_messages.releases_lock = True  # type: ignore[attr-defined]
    Queue.wait_for_messages = wait_for_messages  # type: ignore[method-assign]


def _accept_early_task_callbacks() -> None:
    """Work around a moto gap: AWS accepts SendTaskSuccess as soon as a task token is handed out,
    but moto creates a ``.waitForTaskToken`` task's heartbeat endpoint only after the Lambda call
    returns, so an outcome sent during that call (a handler that finds its work already done and
    calls back at once) is missed by the heartbeat wait, and the task hangs until it times out.
    Here a heartbeat endpoint made for a callback that already has its outcome starts signalled."""
    from moto.stepfunctions.parser.asl.eval.callback.callback import CallbackEndpoint

    if getattr(CallbackEndpoint.setup_heartbeat_endpoint, "accepts_early_callbacks", False):
        return
    original = CallbackEndpoint.setup_heartbeat_endpoint

    def setup_heartbeat_endpoint(self: Any, heartbeat_seconds: int) -> Any:
        endpoint = original(self, heartbeat_seconds)
        if self.get_outcome() is not None:
            endpoint.notify()
        return endpoint

    setup_heartbeat_endpoint.accepts_early_callbacks = True  # type: ignore[attr-defined]
    CallbackEndpoint.setup_heartbeat_endpoint = setup_heartbeat_endpoint


class _TablesWithoutBackup(dict):
    """moto backs up each table named in a transaction only if ``name in self.tables``."""

    def __contains__(self, name: object) -> bool:
        return False


def _back_up_only_touched_items() -> None:
    """Make moto's TransactWriteItems back up the items it touches instead of whole tables.

    To roll back a cancelled transaction, moto 5 deep-copies every table a transaction names, once
    per transaction item. Over the warm loops' thousands of items that reaches most of a second
    per transaction and makes the run quadratic. Saving and restoring just the touched items
    undoes a cancelled transaction all the same.
    """
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType

    answer: Callable[..., None] = DynamoDBBackend.transact_write_items

    def transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> None:
        saved = []
        for entry in transact_items:
            operation = next(iter(entry.values()))
            table = backend.tables.get(operation.get("TableName"))
            key = operation.get("Key") or operation.get("Item") or {}
            if table is None or any(k not in key for k in filter(None, (table.hash_key_attr, table.range_key_attr))):
                continue  # moto fails this item without writing it
            hash_key = DynamoType(key[table.hash_key_attr])
            range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
            saved.append((table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))))
        tables = backend.tables
        backend.tables = _TablesWithoutBackup(tables)
        try:
            answer(backend, transact_items)
        except Exception:
            for table, hash_key, range_key, item in reversed(saved):
                table.delete_item(hash_key, range_key)
                if item is not None and range_key is not None:
                    table.items[hash_key][range_key] = item
                elif item is not None:
                    table.items[hash_key] = item
            raise
        finally:
            backend.tables = tables

    if getattr(DynamoDBBackend.transact_write_items, "backs_up_touched_items", False):
        return
    transact_write_items.backs_up_touched_items = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items


def _measure_visibility_limits_per_receive() -> None:
    """AWS measures ChangeMessageVisibility's 12-hour limit from each receive ("from the time
    Amazon SQS receives the ReceiveMessage request"), moto from the first send: a retry schedule
    longer than 12 hours in all (Real Estate's webhook backoff over a day) is refused by moto
    alone. Here a timeout of 0 to 43,200 seconds is accepted on every receive, as in AWS."""
    from moto.sqs.exceptions import InvalidParameterValue, ReceiptHandleIsInvalid
    from moto.sqs.models import SQSBackend

    if getattr(SQSBackend.change_message_visibility, "per_receive", False):
        return

    def change_message_visibility(backend: Any, queue_name: str, receipt_handle: str, visibility_timeout: int) -> None:
        if not 0 <= int(visibility_timeout) <= 43_200:
            raise InvalidParameterValue("VisibilityTimeout must be between 0 and 43200 seconds")
        queue = backend.get_queue(queue_name)
        for message in queue._messages:
            if message.had_receipt_handle(receipt_handle):
                message.change_visibility(int(visibility_timeout))
                if message.visible and message in queue.pending_messages:
                    queue.pending_messages.remove(message)
                return
        raise ReceiptHandleIsInvalid

    change_message_visibility.per_receive = True  # type: ignore[attr-defined]
    SQSBackend.change_message_visibility = change_message_visibility  # type: ignore[method-assign]
