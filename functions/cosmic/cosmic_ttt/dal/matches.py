"""Matches in the Cosmic table.

  MATCH#<id>             MATCH                   the whole match: board, moves, state, outcome,
                                                 rewards, version (every write checks it)
  PLAYERMATCHES#<player> <ended, µs>#<match id>   a finished match's summary, for the history

A match is one small item (nine moves at most), read and written whole. Each write is conditioned
on the version it read, so two requests racing on one match cannot both apply a move.
"""

from typing import Any

from botocore.exceptions import ClientError

from shared import aws
from shared.dynamo import from_item, to_item, to_value
from shared.errors import Conflict, DomainError
from shared.ledger import ExtraWrite

SUMMARY_FIELDS = ("match_id", "outcome", "status", "symbol_played", "ai_tier", "total_moves", "impact_score_total")


def _busy() -> DomainError:
    return Conflict("This match changed while your move was being played; read it and try again")


class MatchStore:
    def __init__(self, table_name: str):
        self.table_name = table_name

    def get(self, match_id: str) -> dict[str, Any] | None:
        response = aws.dynamodb().get_item(
            TableName=self.table_name,
            Key={"pk": {"S": f"MATCH#{match_id}"}, "sk": {"S": "MATCH"}},
            ConsistentRead=True,
        )
        return from_item(response.get("Item"))

    def _item(self, match: dict[str, Any]) -> dict[str, Any]:
        return to_item({**match, "pk": f"MATCH#{match['match_id']}", "sk": "MATCH"})

    def create(self, match: dict[str, Any]) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self.table_name,
                "Item": self._item(match),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }

    def save(self, match: dict[str, Any], read_version: int) -> None:
        """Store a match that goes on (``match['version']`` is the next version)."""
        try:
            aws.dynamodb().put_item(
                TableName=self.table_name,
                Item=self._item(match),
                ConditionExpression="version = :read",
                ExpressionAttributeValues={":read": to_value(read_version)},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            raise _busy() from error

    def finish(self, match: dict[str, Any], read_version: int) -> ExtraWrite:
        """Store a match that has ended, with its rewards, in the ledger's transaction."""
        return ExtraWrite(
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": self._item(match),
                    "ConditionExpression": "version = :read AND #status = :in_progress",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {
                        ":read": to_value(read_version),
                        ":in_progress": to_value("in_progress"),
                    },
                }
            },
            _busy,
        )

    def summary(self, match: dict[str, Any]) -> dict[str, Any]:
        item = {field: match.get(field) for field in SUMMARY_FIELDS}
        item.update(
            pk=f"PLAYERMATCHES#{match['player_id']}",
            sk=f"{match['ended_at_us']:017d}#{match['match_id']}",
            played_at=match["started_at"],
        )
        return {"Put": {"TableName": self.table_name, "Item": to_item(item)}}

    def history(self, player_id: str) -> list[dict[str, Any]]:
        """Every finished match of a player, newest first (small summaries, one query page per ~5,000)."""
        paginator = aws.dynamodb().get_paginator("query")
        pages = paginator.paginate(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"PLAYERMATCHES#{player_id}"}},
            ScanIndexForward=False,
        )
        return [from_item(item) for page in pages for item in page["Items"]]
