"""Reviews of finished hires in the JIGA table.

LISTING#<listingId>  REVIEW#<sessionId>  one per hire (the hire's session id is its key, so a
                                         second review of the same hire fails its condition);
                                         gsi1: REVIEWS#<listingId> / <createdAt>#<sessionId>

A review commits in one transaction with the listing's counters and its search projection
(``ratingSum``, ``ratingCount``, ``successfulHires``, ``recentReviews``), so search shows the new
rating at the next refresh of any warm instance and a cold one reads it at once.
"""

from typing import Any

from botocore.exceptions import ClientError

from jiga_store.dal.catalogue import CATALOGUE_SK, change_marker, listing_key
from jiga_store.models.domain import StaleRead
from shared import aws
from shared.dynamo import cancellation_codes, from_item, to_item, to_value
from shared.errors import Conflict, InvalidInput, NotFound, Unprocessable
from shared.pagination import CursorPage, decode_cursor, encode_cursor

REVIEWS_INDEX = "gsi1"


class ReviewRepository:
    def __init__(self, table_name: str):
        self.table_name = table_name

    def projection(self, listing_id: str) -> dict[str, Any] | None:
        """The listing's search projection (its counters and recent reviews), read consistently."""
        response = aws.dynamodb().get_item(
            TableName=self.table_name, Key=listing_key(listing_id, CATALOGUE_SK), ConsistentRead=True
        )
        return from_item(response.get("Item"))

    def add(
        self,
        review: dict[str, Any],
        projection: dict[str, Any],
        recent: list[dict[str, Any]],
        failed_hire: bool,
        now: str,
    ) -> None:
        """Write the review with the listing's counters and projection, in one transaction.

        The projection update is conditioned on the ``ratingCount`` we read, so two reviews of
        one listing at once cannot lose one of them from ``recentReviews`` (StaleRead: read again)."""
        listing_id, session_id = review["listingId"], review["sessionId"]
        item = {
            **review,
            "pk": f"LISTING#{listing_id}",
            "sk": f"REVIEW#{session_id}",
            "gsi1pk": f"REVIEWS#{listing_id}",
            "gsi1sk": f"{review['createdAt']}#{session_id}",
        }
        counters = (
            "SET ratingSum = if_not_exists(ratingSum, :zero) + :rating, "
            "ratingCount = if_not_exists(ratingCount, :zero) + :one, "
            "successfulHires = if_not_exists(successfulHires, :zero) - :failed"
        )
        values = {
            ":zero": to_value(0),
            ":one": to_value(1),
            ":rating": to_value(review["rating"]),
            ":failed": to_value(1 if failed_hire else 0),
        }
        seen = projection.get("ratingCount")
        projection_values = {
            **values,
            ":recent": to_value(recent),
            ":now": to_value(now),
            ":sk": to_value(f"{now}#{listing_id}"),
        }
        if seen is None:
            condition = "attribute_exists(pk) AND attribute_not_exists(ratingCount)"
        else:
            condition = "attribute_exists(pk) AND ratingCount = :seen"
            projection_values[":seen"] = to_value(seen)
        items = [
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": to_item(item),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": listing_key(listing_id, "LISTING"),
                    "UpdateExpression": counters,
                    "ConditionExpression": "attribute_exists(pk)",
                    "ExpressionAttributeValues": values,
                }
            },
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": listing_key(listing_id, CATALOGUE_SK),
                    "UpdateExpression": f"{counters}, recentReviews = :recent, updatedAt = :now, gsi1sk = :sk",
                    "ConditionExpression": condition,
                    "ExpressionAttributeValues": projection_values,
                }
            },
            change_marker(self.table_name, listing_id, now),
        ]
        try:
            aws.dynamodb().transact_write_items(TransactItems=items)
        except ClientError as error:
            codes = cancellation_codes(error)
            if codes and codes[0] == "ConditionalCheckFailed":
                raise Conflict(
                    "This hire has already been reviewed", {"sessionId": session_id}, code="ALREADY_REVIEWED"
                ) from error
            if len(codes) > 1 and codes[1] == "ConditionalCheckFailed":
                raise NotFound(
                    f"Listing {listing_id} not found", {"listingId": listing_id}, code="LISTING_NOT_FOUND"
                ) from error
            if error.response["Error"]["Code"] == "TransactionCanceledException":
                raise StaleRead("The listing changed meanwhile", {"listingId": listing_id}) from error
            raise

    def page(self, listing_id: str, limit: int, cursor: str | None) -> CursorPage[dict[str, Any]]:
        """A listing's reviews, newest first."""
        query: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": REVIEWS_INDEX,
            "KeyConditionExpression": "gsi1pk = :reviews",
            "ExpressionAttributeValues": {":reviews": {"S": f"REVIEWS#{listing_id}"}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor:
            try:
                key = decode_cursor(cursor)
            except InvalidInput as error:
                raise _not_our_cursor(cursor) from error
            if key.get("gsi1pk") != {"S": f"REVIEWS#{listing_id}"}:
                raise _not_our_cursor(cursor)
            query["ExclusiveStartKey"] = key
        try:
            response = aws.dynamodb().query(**query)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ValidationException":
                raise
            raise _not_our_cursor(cursor) from error
        last = response.get("LastEvaluatedKey")
        return CursorPage(
            items=[from_item(raw) for raw in response.get("Items", [])],
            next_cursor=encode_cursor(last) if last else None,
        )


def _not_our_cursor(cursor: str) -> Unprocessable:
    return Unprocessable(
        "This cursor was not issued for this listing's reviews", {"cursor": cursor}, code="INVALID_CURSOR"
    )
