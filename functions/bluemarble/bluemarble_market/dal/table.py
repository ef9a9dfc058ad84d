"""The BlueMarble table: its item layout, and the few low-level helpers every repository uses.

Items (pk / sk):

  USER#<id>               PROFILE                 shared.identity profile + homeIsland, userType
  EMAIL#<email>           EMAIL                   shared.identity login record
  AUTHSESSION#<sid>       SESSION                 rotating refresh tokens (shared.tokens)
  SERVICE#<clientId>      SERVICE                 a game server's service account (secret hash)
  ITEMDEF#<itemId>        ITEM                    an item type: name, type (category), quality...
  SPACE#<player>          <island>                free units of inventory space on an island
  HOLDING#<player>        <island>#<itemId>       "this player has held this item here" (inventory view)
  LISTING#<id>            LISTING                 a listing; gsi1 CHANGES#<hour>/<updatedAt>#<id> (search's
                                                  change feed), gsi2 SELLER#<seller>/<status>#<createdAt>#<id>
  ACTIVE#<seller>         <itemId>#<island>       one active listing per item and island (DUPLICATE_LISTING)
  FAV#<listing>           <player>                a favourite; gsi2 FAVS#<player>/<createdAt>#<listing>
  PURCHASE#<id>           PURCHASE                a purchase (the spec's transaction)
  HISTORY#<player>        <createdAt>#<purchase>  one line per purchase per party (history)
  REVIEWS#<seller>        <createdAt>#<purchase>  a rating and its comment
  REPUTATION#<seller>     REPUTATION              counters: ratings, completed and failed sales
  CATALOGUE               SNAPSHOT                pointer to the newest catalogue snapshot
  SNAPSHOT#<generation>   <chunk>                 compressed snapshot chunks (old ones expire by TTL)
  SALE#<purchase>         COUNTED                 analytics: a sale already aggregated (exactly once)
  LISTED#<listing>        COUNTED                 analytics: a listing already counted
  PRICES#<item>           <day>#<island>#<cents>  units sold per day, island and price (histogram)
  ITEMDAY#<item>          <day>                   per item and day: units, value, sales
  TRENDS#<category|*>     <day>                   per category and day: sales, units, value, listings
  TRENDITEMS#<category|*> <day>#<item>            per category, day and item: units, value, sales
  USEREVENTS#<player>     EVT#<id>                notifications (shared.events)

``expiresAt`` is the table's TTL attribute (a number); a listing's own end is ``endsAt``.
"""

from collections.abc import Iterator
from typing import Any

from shared import aws
from shared.dynamo import from_item, to_item, to_value


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def values(**named: Any) -> dict[str, Any]:
    """``ExpressionAttributeValues`` from keyword arguments (``now=...`` -> ``:now``)."""
    return {f":{name}": to_value(value) for name, value in named.items()}


class Table:
    def __init__(self, name: str):
        self.name = name

    @property
    def client(self) -> Any:
        return aws.dynamodb()

    def get(self, pk: str, sk: str, consistent: bool = False) -> dict[str, Any] | None:
        response = self.client.get_item(TableName=self.name, Key=key(pk, sk), ConsistentRead=consistent)
        return from_item(response.get("Item"))

    def batch_get(self, keys: list[tuple[str, str]]) -> list[dict[str, Any]]:
        wanted = [key(pk, sk) for pk, sk in dict.fromkeys(keys)]
        found: list[dict[str, Any]] = []
        while wanted:
            batch, wanted = wanted[:100], wanted[100:]
            request: dict[str, Any] | None = {self.name: {"Keys": batch}}
            while request:
                response = self.client.batch_get_item(RequestItems=request)
                found += [from_item(raw) for raw in response["Responses"].get(self.name, [])]
                request = response.get("UnprocessedKeys") or None
        return found

    def put(self, item: dict[str, Any], condition: str | None = None, **condition_values: Any) -> None:
        request: dict[str, Any] = {"TableName": self.name, "Item": to_item(item)}
        if condition:
            request["ConditionExpression"] = condition
        if condition_values:
            request["ExpressionAttributeValues"] = values(**condition_values)
        self.client.put_item(**request)

    def query(
        self,
        condition: str,
        expression_values: dict[str, Any],
        *,
        index: str | None = None,
        forward: bool = True,
        limit: int | None = None,
        start: dict[str, Any] | None = None,
        filter_expression: str | None = None,
        names: dict[str, str] | None = None,
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """One page: items and the ``LastEvaluatedKey``."""
        request: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": expression_values,
            "ScanIndexForward": forward,
        }
        if index:
            request["IndexName"] = index
        if limit:
            request["Limit"] = limit
        if start:
            request["ExclusiveStartKey"] = start
        if filter_expression:
            request["FilterExpression"] = filter_expression
        if names:
            request["ExpressionAttributeNames"] = names
        response = self.client.query(**request)
        return [from_item(raw) for raw in response.get("Items", [])], response.get("LastEvaluatedKey")

    def query_all(self, condition: str, expression_values: dict[str, Any], **options: Any) -> Iterator[dict[str, Any]]:
        start = None
        while True:
            items, start = self.query(condition, expression_values, start=start, **options)
            yield from items
            if not start:
                return

    def count(self, condition: str, expression_values: dict[str, Any], **options: Any) -> int:
        request: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": expression_values,
            "Select": "COUNT",
        }
        if options.get("filter_expression"):
            request["FilterExpression"] = options["filter_expression"]
        if options.get("names"):
            request["ExpressionAttributeNames"] = options["names"]
        total = 0
        while True:
            response = self.client.query(**request)
            total += response.get("Count", 0)
            if "LastEvaluatedKey" not in response:
                return total
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    # -- TransactWriteItems elements --------------------------------------------------------------

    def put_op(self, item: dict[str, Any], condition: str | None = None, **condition_values: Any) -> dict[str, Any]:
        operation: dict[str, Any] = {"TableName": self.name, "Item": to_item(item)}
        if condition:
            operation["ConditionExpression"] = condition
        if condition_values:
            operation["ExpressionAttributeValues"] = values(**condition_values)
        return {"Put": operation}

    def update_op(
        self,
        pk: str,
        sk: str,
        expression: str,
        condition: str | None = None,
        names: dict[str, str] | None = None,
        **expression_values: Any,
    ) -> dict[str, Any]:
        operation: dict[str, Any] = {"TableName": self.name, "Key": key(pk, sk), "UpdateExpression": expression}
        if condition:
            operation["ConditionExpression"] = condition
        if names:
            operation["ExpressionAttributeNames"] = names
        if expression_values:
            operation["ExpressionAttributeValues"] = values(**expression_values)
        return {"Update": operation}

    def delete_op(self, pk: str, sk: str, condition: str | None = None, **condition_values: Any) -> dict[str, Any]:
        operation: dict[str, Any] = {"TableName": self.name, "Key": key(pk, sk)}
        if condition:
            operation["ConditionExpression"] = condition
        if condition_values:
            operation["ExpressionAttributeValues"] = values(**condition_values)
        return {"Delete": operation}
