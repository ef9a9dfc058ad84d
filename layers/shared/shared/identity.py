"""Users with an email and a password, for every API that keeps its own user base.

Users live in the API's own table (each product has its own users):
  USER#<id>      PROFILE   email, displayName, roles, createdAt, and any API-specific profile fields
  EMAIL#<email>  EMAIL     userId, passwordHash, roles (login reads one item)
Registration writes both in one transaction, so an email is claimed exactly once. The routes, the
token shapes and the error codes are each API's own (e.g. ``jiga_store.handlers.auth``).
"""

import re
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from shared import aws, passwords
from shared.dynamo import cancellation_codes, from_item, to_item
from shared.errors import Conflict, Unauthorized, utc_now_iso

if TYPE_CHECKING:  # the ledger is loaded by the functions that move money, not by every login
    from shared.ledger import ExtraWrite

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


class EmailTaken(Conflict):
    kind = "email_taken"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def is_valid_email(email: str) -> bool:
    return bool(_EMAIL.match(email.strip()))


class UserDirectory:
    def __init__(self, table_name: str):
        self.table_name = table_name

    def create(
        self,
        email: str,
        password: str,
        display_name: str | None,
        roles: list[str] | None = None,
        profile: Mapping[str, Any] | None = None,
        user_id: str | None = None,
        extra_writes: "list[ExtraWrite] | None" = None,
    ) -> dict:
        """Create a user, claiming the email exactly once. ``extra_writes`` commit in the same
        transaction (a unique username claimed with the email); a failed condition of one raises
        its own error, checked before the email's."""
        extra_writes = extra_writes or []
        email = normalise_email(email)
        user = {
            **dict(profile or {}),
            "userId": user_id or f"usr_{uuid.uuid4().hex[:20]}",
            "email": email,
            "displayName": display_name or email.split("@")[0],
            "roles": roles or [],
            "createdAt": utc_now_iso(),
        }
        try:
            aws.dynamodb().transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self.table_name,
                            "Item": to_item(
                                {
                                    "pk": f"EMAIL#{email}",
                                    "sk": "EMAIL",
                                    "userId": user["userId"],
                                    "passwordHash": passwords.hash_password(password),
                                    "roles": user["roles"],
                                }
                            ),
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {
                        "Put": {
                            "TableName": self.table_name,
                            "Item": to_item({"pk": f"USER#{user['userId']}", "sk": "PROFILE", **user}),
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    *(write.operation for write in extra_writes),
                ]
            )
        except ClientError as error:
            codes = cancellation_codes(error)
            for code, write in zip(codes[2:], extra_writes, strict=False):
                if code == "ConditionalCheckFailed":
                    raise write.on_condition_failure() from error
            if "ConditionalCheckFailed" in codes:
                raise EmailTaken("An account with this email already exists") from error
            raise
        return user

    def credentials(self, email: str, consistent: bool = False) -> dict[str, Any] | None:
        """The login record of an email; ``consistent`` when a decision must see a registration just made."""
        response = aws.dynamodb().get_item(
            TableName=self.table_name,
            Key={"pk": {"S": f"EMAIL#{normalise_email(email)}"}, "sk": {"S": "EMAIL"}},
            ConsistentRead=consistent,
        )
        return from_item(response.get("Item"))

    def get(self, user_id: str) -> dict[str, Any] | None:
        response = aws.dynamodb().get_item(
            TableName=self.table_name, Key={"pk": {"S": f"USER#{user_id}"}, "sk": {"S": "PROFILE"}}
        )
        return from_item(response.get("Item"))

    def grant_role(self, email: str, role: str) -> None:
        """Operator action (see ``local/`` and docs): roles are never self-assigned."""
        credentials = self.credentials(email)
        if credentials is None:
            raise KeyError(email)
        roles = sorted(set(credentials.get("roles", [])) | {role})
        client = aws.dynamodb()
        client.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": self.table_name,
                        "Key": {"pk": {"S": key}, "sk": {"S": sk}},
                        "UpdateExpression": "SET #roles = :roles",
                        "ExpressionAttributeNames": {"#roles": "roles"},
                        "ExpressionAttributeValues": {":roles": {"L": [{"S": r} for r in roles]}},
                    }
                }
                for key, sk in (
                    (f"EMAIL#{normalise_email(email)}", "EMAIL"),
                    (f"USER#{credentials['userId']}", "PROFILE"),
                )
            ]
        )

    def authenticate(self, email: str, password: str) -> dict[str, Any]:
        """The login record of a matching email and password, or 401 ``INVALID_CREDENTIALS``.

        An unknown email costs the same scrypt work as a wrong password, so timing does not tell
        which emails are registered."""
        credentials = self.credentials(email)
        if credentials is None:
            passwords.burn_password_check(password)
            raise Unauthorized("Invalid email or password", code="INVALID_CREDENTIALS")
        if not passwords.verify_password(password, credentials["passwordHash"]):
            raise Unauthorized("Invalid email or password", code="INVALID_CREDENTIALS")
        return credentials
