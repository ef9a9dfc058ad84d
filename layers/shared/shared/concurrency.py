"""A cap on the requests one caller may have in flight at once, backed by DynamoDB.

A per-minute limit does not stop a caller from holding many slow requests open at the same time
(BlueMarble's spec caps concurrent requests per user type). Each caller has one item in the
rate-limit table whose ``leases`` string set holds one entry per request in flight,
``<expires epoch>|<request id>``:

* acquire: ``ADD leases :lease`` on condition ``size(leases) < cap`` (one ``UpdateItem``);
* release: ``DELETE leases :lease`` when the request ends (one ``UpdateItem``);
* a request that never released (its function crashed or timed out) holds its lease only until the
  lease's expiry, the function's remaining time: when the cap refuses, the expired leases are
  removed and the acquire is tried once more.

Like the rate limiter, an unreachable table lets the request through (logged): a limiter outage
must not become an API outage.
"""

import time
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from shared import aws
from shared.dynamo import from_item
from shared.observability import logger

IDLE_SECONDS = 24 * 3600  # an idle caller's item expires (TTL) a day after its last request


@dataclass(frozen=True)
class Lease:
    key: str
    entry: str  # "" when nothing was recorded (limiter unavailable): release does nothing


def _key(api_name: str, caller: str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": f"{api_name}#concurrency#{caller}"}}


def acquire(
    table_name: str,
    api_name: str,
    caller: str,
    cap: int,
    request_id: str,
    hold_seconds: float,
    now: float | None = None,
) -> Lease | None:
    """A lease for one request, or None when the caller already has ``cap`` requests in flight."""
    moment = time.time() if now is None else now
    entry = f"{int(moment + hold_seconds) + 1}|{request_id}"
    key = _key(api_name, caller)
    try:
        for attempt in range(2):
            try:
                aws.dynamodb().update_item(
                    TableName=table_name,
                    Key=key,
                    UpdateExpression="ADD leases :lease SET expiresAt = :idle",
                    ConditionExpression="attribute_not_exists(leases) OR size(leases) < :cap",
                    ExpressionAttributeValues={
                        ":lease": {"SS": [entry]},
                        ":cap": {"N": str(cap)},
                        ":idle": {"N": str(int(moment) + IDLE_SECONDS)},
                    },
                )
                return Lease(key["pk"]["S"], entry)
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException" or attempt:
                    raise
                if not _forget_expired(table_name, key, moment):
                    return None
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return None
        logger(api_name).warning("Concurrency limiter unavailable; allowing request", extra={"caller": caller})
    except BotoCoreError:
        logger(api_name).warning("Concurrency limiter unavailable; allowing request", extra={"caller": caller})
    return Lease(key["pk"]["S"], "")


def _forget_expired(table_name: str, key: dict, moment: float) -> bool:
    """Drop leases whose requests can no longer be running; True if any were dropped."""
    item = from_item(aws.dynamodb().get_item(TableName=table_name, Key=key, ConsistentRead=True).get("Item")) or {}
    expired = [entry for entry in item.get("leases") or [] if int(entry.split("|", 1)[0]) < moment]
    if not expired:
        return False
    aws.dynamodb().update_item(
        TableName=table_name,
        Key=key,
        UpdateExpression="DELETE leases :gone",
        ExpressionAttributeValues={":gone": {"SS": expired}},
    )
    return True


def release(table_name: str, api_name: str, lease: Lease) -> None:
    if not lease.entry:
        return
    try:
        aws.dynamodb().update_item(
            TableName=table_name,
            Key={"pk": {"S": lease.key}},
            UpdateExpression="DELETE leases :lease",
            ExpressionAttributeValues={":lease": {"SS": [lease.entry]}},
        )
    except (ClientError, BotoCoreError):
        logger(api_name).warning("Could not release a concurrency lease; it lapses at its expiry")
