"""Materialised list views: page/limit lists with exact totals and filters, without scans.

The spec's lists filter on a few low-cardinality attributes (a conversation's agent, status and
source; a lead's status and source) and answer ``total`` and ``totalPages``. DynamoDB has no
offset and no count, so each entity keeps, in the same transaction that changes it:

* one small index item per subset of its filter values and per sort order:
  ``IDX#<org>#<view>[#<filter>=<value>...]`` / ``<order>#<sort value>#<id>`` -> ``ref: <id>``;
* one counter per subset: the same partition, sort key ``#COUNT``.

A list is then one GetItem (the counter), one Query that reads only the small index items up to
the page's end (1 MB holds about 10,000 of them), and one BatchGetItem for the page's entities.
Index items change only when a filter value or a sort value changes, never on ordinary updates.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from shared import aws
from shared.dynamo import to_item, to_value

COUNTER_SK = "#COUNT"
Entity = dict[str, Any]


@dataclass(frozen=True)
class ListView:
    name: str
    filters: tuple[str, ...]
    orders: dict[str, Callable[[Entity], str]]  # order prefix -> the entity's sort value

    def partition(self, organization_id: str, filters: dict[str, str]) -> str:
        chosen = "".join(f"#{name}={filters[name]}" for name in self.filters if filters.get(name) is not None)
        return f"IDX#{organization_id}#{self.name}{chosen}"

    def partitions(self, organization_id: str, entity: Entity) -> set[str]:
        subsets = (subset for size in range(len(self.filters) + 1) for subset in combinations(self.filters, size))
        return {self.partition(organization_id, {name: entity[name] for name in subset}) for subset in subsets}

    def entries(self, organization_id: str, entity: Entity) -> set[tuple[str, str]]:
        return {
            (partition, f"{order}#{sort_value(entity)}#{entity['id']}")
            for partition in self.partitions(organization_id, entity)
            for order, sort_value in self.orders.items()
        }

    def writes(self, table: str, organization_id: str, before: Entity | None, after: Entity | None) -> list[dict]:
        """The transaction items that move an entity's index entries from ``before`` to ``after``
        (None: the entity is created, or deleted)."""
        old = self.entries(organization_id, before) if before else set()
        new = self.entries(organization_id, after) if after else set()
        reference = (after or before or {}).get("id")
        items: list[dict] = [{"Delete": {"TableName": table, "Key": _key(pk, sk)}} for pk, sk in sorted(old - new)] + [
            {"Put": {"TableName": table, "Item": to_item({"pk": pk, "sk": sk, "ref": reference})}}
            for pk, sk in sorted(new - old)
        ]
        deltas: dict[str, int] = {}
        for partition in self.partitions(organization_id, before) if before else ():
            deltas[partition] = deltas.get(partition, 0) - 1
        for partition in self.partitions(organization_id, after) if after else ():
            deltas[partition] = deltas.get(partition, 0) + 1
        items += [
            {
                "Update": {
                    "TableName": table,
                    "Key": _key(partition, COUNTER_SK),
                    "UpdateExpression": "ADD n :delta",
                    "ExpressionAttributeValues": {":delta": to_value(delta)},
                }
            }
            for partition, delta in sorted(deltas.items())
            if delta
        ]
        return items

    def page(
        self,
        table: str,
        organization_id: str,
        filters: dict[str, str],
        order: str,
        descending: bool,
        page: int,
        limit: int,
        lower_bound: str | None = None,
    ) -> tuple[list[str], int]:
        """The ids on one page and the total. ``lower_bound`` keeps sort values >= it (then the
        total is counted by a Query, as no counter exists per bound)."""
        partition = self.partition(organization_id, filters)
        client = aws.dynamodb()
        if lower_bound is None:
            condition = "pk = :pk AND begins_with(sk, :from)"
            values = {":pk": to_value(partition), ":from": to_value(f"{order}#")}
            counter = client.get_item(TableName=table, Key=_key(partition, COUNTER_SK)).get("Item")
            total = int(counter["n"]["N"]) if counter else 0
        else:
            condition = "pk = :pk AND sk BETWEEN :from AND :to"
            values = {
                ":pk": to_value(partition),
                ":from": to_value(f"{order}#{lower_bound}"),
                ":to": to_value(f"{order}#~"),
            }
            total = _count(table, condition, values)
        offset = (page - 1) * limit
        if offset >= total:
            return [], total
        refs = _refs(table, condition, values, descending, offset + limit)
        return refs[offset : offset + limit], total

    def all_refs(
        self, table: str, organization_id: str, filters: dict[str, str], order: str, lower_bound: str
    ) -> list[str]:
        """Every index entry's sort key in a bounded range (for an in-memory re-sort)."""
        condition = "pk = :pk AND sk BETWEEN :from AND :to"
        values = {
            ":pk": to_value(self.partition(organization_id, filters)),
            ":from": to_value(f"{order}#{lower_bound}"),
            ":to": to_value(f"{order}#~"),
        }
        return _refs(table, condition, values, False, None, attribute="sk")


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _count(table: str, condition: str, values: dict[str, Any]) -> int:
    total, start = 0, None
    while True:
        request: dict[str, Any] = {
            "TableName": table,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "Select": "COUNT",
        }
        if start:
            request["ExclusiveStartKey"] = start
        response = aws.dynamodb().query(**request)
        total += response.get("Count", 0)
        start = response.get("LastEvaluatedKey")
        if not start:
            return total


def _refs(
    table: str, condition: str, values: dict[str, Any], descending: bool, wanted: int | None, attribute: str = "ref"
) -> list[str]:
    found: list[str] = []
    start = None
    while wanted is None or len(found) < wanted:
        request: dict[str, Any] = {
            "TableName": table,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "ProjectionExpression": "#attribute",
            "ExpressionAttributeNames": {"#attribute": attribute},
            "ScanIndexForward": not descending,
        }
        if wanted is not None:
            request["Limit"] = wanted - len(found)
        if start:
            request["ExclusiveStartKey"] = start
        response = aws.dynamodb().query(**request)
        found += [item[attribute]["S"] for item in response.get("Items", [])]
        start = response.get("LastEvaluatedKey")
        if not start:
            break
    return found


def batch_get(table: str, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Items by key, 100 a request, unprocessed keys retried."""
    from shared.dynamo import from_item

    pending = [_key(pk, sk) for pk, sk in dict.fromkeys(keys)]
    found: dict[tuple[str, str], dict[str, Any]] = {}
    while pending:
        chunk, pending = pending[:100], pending[100:]
        request = {table: {"Keys": chunk}}
        while request:
            response = aws.dynamodb().batch_get_item(RequestItems=request)
            for raw in response.get("Responses", {}).get(table, []):
                item = from_item(raw)
                found[(item["pk"], item["sk"])] = item
            request = response.get("UnprocessedKeys") or {}
    return found
