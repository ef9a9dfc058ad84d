"""The table's change consumer (DynamoDB stream, ``NEW_AND_OLD_IMAGES``): analytics aggregates and
the catalogue snapshot. Only listings and purchases matter; other records are skipped here (an
event-source ``FilterCriteria`` would save those invocations in AWS, but the local runtime refuses
one, and a 5-second batching window keeps them few).

* A purchase that became ``COMPLETED`` is counted once in the price and trend aggregates
  (``dal/analytics.py``: a marker per sale makes a re-delivered record harmless).
* A new listing is counted in the trends' ``totalListings``.
* When any listing changed and the catalogue snapshot is older than
  ``BLUEMARBLE_SNAPSHOT_MAX_AGE_SECONDS``, a new one is written (``logic/catalogue.py``).

Records fail one by one (``ReportBatchItemFailures``): the stream retries from the first failure,
bisecting the batch, and a record that keeps failing goes to the consumer's on-failure queue,
which alarms. The snapshot is best effort: if it fails, the next batch tries again, and cold
instances read a few more changes meanwhile.
"""

import time
from datetime import datetime
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from bluemarble_market import dependencies
from bluemarble_market.logic.catalogue import snapshot_rows
from bluemarble_market.settings import API_NAME, get_bluemarble_settings
from shared.observability import logger

_processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def _image(raw: dict[str, Any] | None) -> dict[str, Any]:
    from shared.dynamo import from_item

    return from_item(raw or {}) or {}


def record_change(record: DynamoDBRecord) -> None:
    images = record.raw_event.get("dynamodb", {})
    new, old = _image(images.get("NewImage")), _image(images.get("OldImage"))
    pk = str((new or old).get("pk", ""))
    if pk.startswith("PURCHASE#") and new.get("status") == "COMPLETED" and old.get("status") != "COMPLETED":
        dependencies.analytics().record_sale(new)
    elif pk.startswith("LISTING#") and not old and new:
        dependencies.analytics().record_listing(new)


def _listing_changed(raw: dict[str, Any]) -> bool:
    """A change search shows (``updatedAt`` moved); a view or a favourite alone is not one."""
    images = raw.get("dynamodb", {})
    if not str(images.get("Keys", {}).get("pk", {}).get("S", "")).startswith("LISTING#"):
        return False
    before = images.get("OldImage", {}).get("updatedAt")
    return before is None or before != images.get("NewImage", {}).get("updatedAt")


def refresh_snapshot(force: bool = False) -> bool:
    """Write a new catalogue snapshot if the current one is too old (or ``force``); True if one
    was written."""
    store = dependencies.catalogue_store()
    moment = time.time()
    pointer = store.pointer()
    if pointer is not None and not force:
        age = moment - datetime.fromisoformat(pointer["builtAt"].replace("Z", "+00:00")).timestamp()
        if age < get_bluemarble_settings().snapshot_max_age_seconds:
            return False
    watermark, rows = snapshot_rows(store, moment)
    return store.write_snapshot(watermark, rows, pointer)


@logger(API_NAME).inject_lambda_context(log_event=False)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=record_change, processor=_processor, context=context
    )
    if any(_listing_changed(record) for record in event.get("Records", [])):
        try:
            refresh_snapshot()
        except Exception:
            logger(API_NAME).exception("Could not refresh the catalogue snapshot; the next batch will try again")
    return response
