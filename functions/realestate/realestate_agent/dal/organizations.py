"""Organisations, memberships and invitations in the Real Estate table.

ORG#<org>   ORG                 name, settings, adminCount, createdAt, updatedAt
ORG#<org>   MEMBER#<user>       email, name, role, joinedAt
ORG#<org>   INVITATION#<email>  role, invitedBy, tokenHash, createdAt, expiresAt (TTL)
INVITE#<sha256 of token>  INVITE  organizationId, email, role, expiresAt (TTL)
Users (EMAIL#/USER#) are ``shared.identity.UserDirectory``'s; refresh sessions ``AUTHSESSION#``.
``adminCount`` guards "an organisation always keeps an admin" with a condition, so two admins
demoting each other at once cannot both succeed.
"""

from typing import Any

from botocore.exceptions import ClientError

from shared import aws
from shared.dynamo import cancellation_codes, from_item, to_item, to_value
from shared.errors import Conflict, NotFound, Unauthorized
from shared.identity import UserDirectory
from shared.ledger import ExtraWrite


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


class OrganizationRepository:
    def __init__(self, table_name: str):
        self.table = table_name
        self.users = UserDirectory(table_name)

    # -- organisations ------------------------------------------------------------------------
    def organization_put(self, organization: dict[str, Any]) -> dict[str, Any]:
        item = {"pk": f"ORG#{organization['id']}", "sk": "ORG", **organization}
        return {
            "Put": {"TableName": self.table, "Item": to_item(item), "ConditionExpression": "attribute_not_exists(pk)"}
        }

    def member_put(self, organization_id: str, member: dict[str, Any]) -> dict[str, Any]:
        item = {"pk": f"ORG#{organization_id}", "sk": f"MEMBER#{member['userId']}", **member}
        return {
            "Put": {"TableName": self.table, "Item": to_item(item), "ConditionExpression": "attribute_not_exists(pk)"}
        }

    def get(self, organization_id: str) -> dict[str, Any] | None:
        item = from_item(
            aws.dynamodb().get_item(TableName=self.table, Key=_key(f"ORG#{organization_id}", "ORG")).get("Item")
        )
        return _strip(item)

    def update(
        self, organization_id: str, name: str | None, settings: dict[str, Any], updated_at: str
    ) -> dict[str, Any]:
        names = {"#updatedAt": "updatedAt"}
        values: dict[str, Any] = {":now": to_value(updated_at)}
        sets = ["#updatedAt = :now"]
        if name is not None:
            names["#name"] = "name"
            values[":name"] = to_value(name)
            sets.append("#name = :name")
        if settings:
            names["#settings"] = "settings"
        for index, (key, value) in enumerate(settings.items()):
            names[f"#s{index}"] = key
            values[f":s{index}"] = to_value(value)
            sets.append(f"#settings.#s{index} = :s{index}")
        response = aws.dynamodb().update_item(
            TableName=self.table,
            Key=_key(f"ORG#{organization_id}", "ORG"),
            UpdateExpression="SET " + ", ".join(sets),
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
        )
        return _strip(from_item(response["Attributes"]))

    # -- members --------------------------------------------------------------------------------
    def member(self, organization_id: str, user_id: str) -> dict[str, Any] | None:
        key = _key(f"ORG#{organization_id}", f"MEMBER#{user_id}")
        return _strip(
            from_item(aws.dynamodb().get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item"))
        )

    def members(self, organization_id: str) -> list[dict[str, Any]]:
        return [_strip(item) for item in self._query(organization_id, "MEMBER#")]

    def invitations(self, organization_id: str) -> list[dict[str, Any]]:
        return [_strip(item) for item in self._query(organization_id, "INVITATION#")]

    def change_role(self, organization_id: str, member: dict[str, Any], role: str) -> None:
        admin_delta = (role == "admin") - (member["role"] == "admin")
        items = [
            {
                "Update": {
                    "TableName": self.table,
                    "Key": _key(f"ORG#{organization_id}", f"MEMBER#{member['userId']}"),
                    "UpdateExpression": "SET #role = :role",
                    "ConditionExpression": "#role = :current",
                    "ExpressionAttributeNames": {"#role": "role"},
                    "ExpressionAttributeValues": {":role": to_value(role), ":current": to_value(member["role"])},
                }
            }
        ]
        if admin_delta:
            items.append(self._admin_count_update(organization_id, admin_delta))
        self._transact(items)

    def remove(self, organization_id: str, member: dict[str, Any]) -> None:
        items = [
            {
                "Delete": {
                    "TableName": self.table,
                    "Key": _key(f"ORG#{organization_id}", f"MEMBER#{member['userId']}"),
                    "ConditionExpression": "attribute_exists(pk)",
                }
            },
            {"Delete": {"TableName": self.table, "Key": _key(f"EMAIL#{member['email']}", "EMAIL")}},
            {"Delete": {"TableName": self.table, "Key": _key(f"USER#{member['userId']}", "PROFILE")}},
        ]
        if member["role"] == "admin":
            items.append(self._admin_count_update(organization_id, -1))
        self._transact(items)

    def _admin_count_update(self, organization_id: str, delta: int) -> dict[str, Any]:
        update: dict[str, Any] = {
            "TableName": self.table,
            "Key": _key(f"ORG#{organization_id}", "ORG"),
            "UpdateExpression": "ADD adminCount :delta",
            "ExpressionAttributeValues": {":delta": to_value(delta)},
        }
        if delta < 0:
            update["ConditionExpression"] = "adminCount > :one"
            update["ExpressionAttributeValues"][":one"] = to_value(1)
        return {"Update": update}

    # -- invitations ------------------------------------------------------------------------------
    def invite(self, organization_id: str, invitation: dict[str, Any], token_hash: str, expires_epoch: int) -> None:
        """One pending invitation per email and organisation: inviting again replaces the old one."""
        previous = from_item(
            aws.dynamodb()
            .get_item(TableName=self.table, Key=_key(f"ORG#{organization_id}", f"INVITATION#{invitation['email']}"))
            .get("Item")
        )
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(
                        {
                            "pk": f"ORG#{organization_id}",
                            "sk": f"INVITATION#{invitation['email']}",
                            **invitation,
                            "tokenHash": token_hash,
                            "expiresEpoch": expires_epoch,
                        }
                    ),
                }
            },
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(
                        {
                            "pk": f"INVITE#{token_hash}",
                            "sk": "INVITE",
                            "organizationId": organization_id,
                            **invitation,
                            "expiresAt": expires_epoch,
                        }
                    ),
                }
            },
        ]
        if previous and previous.get("tokenHash") and previous["tokenHash"] != token_hash:
            items.append(
                {"Delete": {"TableName": self.table, "Key": _key(f"INVITE#{previous['tokenHash']}", "INVITE")}}
            )
        self._transact(items)

    def invitation(self, token_hash: str) -> dict[str, Any] | None:
        key = _key(f"INVITE#{token_hash}", "INVITE")
        return from_item(aws.dynamodb().get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item"))

    def registration_writes(self, organization: dict[str, Any], member: dict[str, Any]) -> list[ExtraWrite]:
        """What registering commits with the first admin: the organisation and the membership."""
        clash = lambda: Conflict("The organisation could not be created; retry")  # noqa: E731 - raised by the directory
        return [
            ExtraWrite(self.organization_put(organization), clash),
            ExtraWrite(self.member_put(organization["id"], member), clash),
        ]

    def accept_writes(self, invitation: dict[str, Any], token_hash: str, member: dict[str, Any]) -> list[ExtraWrite]:
        """What accepting commits with the new user: the membership; the invitation is used up."""
        organization_id = invitation["organizationId"]
        used = lambda: Unauthorized("This invitation was already used")  # noqa: E731 - raised by the directory
        writes = [
            self.member_put(organization_id, member),
            {
                "Delete": {
                    "TableName": self.table,
                    "Key": _key(f"INVITE#{token_hash}", "INVITE"),
                    "ConditionExpression": "attribute_exists(pk)",
                }
            },
            {
                "Delete": {
                    "TableName": self.table,
                    "Key": _key(f"ORG#{organization_id}", f"INVITATION#{member['email']}"),
                }
            },
        ]
        if member["role"] == "admin":
            writes.append(self._admin_count_update(organization_id, 1))
        return [ExtraWrite(write, used) for write in writes]

    # -- helpers -------------------------------------------------------------------------------------
    def _query(self, organization_id: str, prefix: str) -> list[dict[str, Any]]:
        items, start = [], None
        while True:
            request: dict[str, Any] = {
                "TableName": self.table,
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
                "ExpressionAttributeValues": {":pk": to_value(f"ORG#{organization_id}"), ":prefix": to_value(prefix)},
            }
            if start:
                request["ExclusiveStartKey"] = start
            response = aws.dynamodb().query(**request)
            items += [from_item(raw) for raw in response.get("Items", [])]
            start = response.get("LastEvaluatedKey")
            if not start:
                return items

    def _transact(self, items: list[dict[str, Any]]) -> None:
        try:
            aws.dynamodb().transact_write_items(TransactItems=items)
        except ClientError as error:
            codes = cancellation_codes(error)
            if "ConditionalCheckFailed" not in codes:
                raise
            failed = items[codes.index("ConditionalCheckFailed")]
            if "adminCount" in str(failed):
                raise Conflict(
                    "An organisation must keep at least one admin", {"field": "role", "value": "admin"}
                ) from error
            raise NotFound("The member or invitation changed or no longer exists") from error


def _strip(item: dict[str, Any] | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {k: v for k, v in item.items() if k not in ("pk", "sk", "tokenHash")}
