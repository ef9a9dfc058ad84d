"""Leads.

LEAD#<id>  LEAD   organizationId, contactInfo, source, status, sourceChannel, conversationId, agentId,
                  bantScore, qualificationScore, notes, statusHistory, qualifiedAt, createdAt,
                  updatedAt, version
IDX#<org>#leads...  the list views (dal/listing.py) by status and source channel, in two orders:
                  ``C#<createdAt>#<id>`` and ``S#<score + 1, 3 digits>#<createdAt>#<id>`` (000: unscored),
                  so a minimum score is a key range.
"""

from typing import Any

from botocore.exceptions import ClientError

from realestate_agent.dal.listing import ListView, batch_get
from shared import aws
from shared.dynamo import cancellation_codes, from_item, to_item, to_value
from shared.errors import Conflict


def score_key(lead: dict[str, Any]) -> str:
    score = lead.get("qualificationScore")
    return f"{0 if score is None else int(score) + 1:03d}#{lead['createdAt']}"


LEADS = ListView(
    "leads",
    ("status", "sourceChannel"),
    {"C": lambda lead: lead["createdAt"], "S": score_key},
)


def _key(lead_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"LEAD#{lead_id}"}, "sk": {"S": "LEAD"}}


class LeadRepository:
    def __init__(self, table_name: str):
        self.table = table_name

    def get(self, lead_id: str, consistent: bool = False) -> dict[str, Any] | None:
        response = aws.dynamodb().get_item(TableName=self.table, Key=_key(lead_id), ConsistentRead=consistent)
        return _strip(from_item(response.get("Item")))

    def create(self, lead: dict[str, Any], extra: list[dict[str, Any]]) -> None:
        item = {"pk": f"LEAD#{lead['id']}", "sk": "LEAD", **lead}
        items = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(item),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            *extra,
            *LEADS.writes(self.table, lead["organizationId"], None, lead),
        ]
        try:
            aws.dynamodb().transact_write_items(TransactItems=items)
        except ClientError as error:
            codes = cancellation_codes(error)
            if len(codes) > 1 and codes[1] == "ConditionalCheckFailed" and extra:
                raise Conflict(
                    "This conversation already has a lead",
                    {"field": "conversationId", "value": lead.get("conversationId")},
                ) from error
            if "ConditionalCheckFailed" in codes:
                raise Conflict("The lead could not be created; retry") from error
            raise

    def replace(self, before: dict[str, Any], after: dict[str, Any], extra: list[dict[str, Any]]) -> None:
        """Write ``after`` over ``before`` if nobody changed it meanwhile, moving its list entries."""
        item = {"pk": f"LEAD#{after['id']}", "sk": "LEAD", **after, "version": before["version"] + 1}
        items = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(item),
                    "ConditionExpression": "version = :version",
                    "ExpressionAttributeValues": {":version": to_value(before["version"])},
                }
            },
            *LEADS.writes(self.table, before["organizationId"], before, after),
            *extra,
        ]
        try:
            aws.dynamodb().transact_write_items(TransactItems=items)
        except ClientError as error:
            if cancellation_codes(error)[:1] == ["ConditionalCheckFailed"]:
                raise Conflict(
                    "The lead was changed by another request; fetch it and retry",
                    {"field": "leadId", "value": after["id"]},
                ) from error
            raise
        after["version"] = before["version"] + 1

    def unlink_write(self, lead_id: str) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self.table,
                "Key": _key(lead_id),
                "UpdateExpression": "REMOVE conversationId, agentId ADD version :one",
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeValues": {":one": to_value(1)},
            }
        }

    def page(
        self,
        organization_id: str,
        filters: dict[str, str | None],
        order: str,
        descending: bool,
        page: int,
        limit: int,
        min_score: int | None,
    ) -> tuple[list[dict[str, Any]], int]:
        bound = None if min_score is None else f"{min_score + 1:03d}"
        if min_score is not None and order == "C":
            # newest/oldest first among leads above a score: the score range, re-sorted by creation
            keys = LEADS.all_refs(self.table, organization_id, filters, "S", bound)
            keys.sort(key=lambda sk: sk.split("#", 2)[2], reverse=descending)
            ids = [sk.rsplit("#", 1)[1] for sk in keys]
            total = len(ids)
            ids = ids[(page - 1) * limit : page * limit]
        else:
            ids, total = LEADS.page(self.table, organization_id, filters, order, descending, page, limit, bound)
        found = batch_get(self.table, [(f"LEAD#{lead_id}", "LEAD") for lead_id in ids])
        return [_strip(found[(f"LEAD#{i}", "LEAD")]) for i in ids if (f"LEAD#{i}", "LEAD") in found], total


def _strip(item: dict[str, Any] | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {k: v for k, v in item.items() if k not in ("pk", "sk")}
