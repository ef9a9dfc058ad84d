"""Users, and the register/login/refresh routes every API without auth of its own offers.

Users live in the API's own table (each product has its own user base):
  USER#<id>      PROFILE   email, displayName, roles, createdAt
  EMAIL#<email>  EMAIL     userId, passwordHash (login reads one item)
Registration writes both in one transaction, so an email is claimed exactly once.
"""

import re
import uuid
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared import auth, aws
from shared.dynamo import cancellation_codes, from_item, to_item
from shared.errors import Conflict, Unauthorized, utc_now_iso
from shared.settings import get_settings

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


class UserDirectory:
    def __init__(self, table_name: str):
        self.table_name = table_name

    def create(self, email: str, password: str, display_name: str | None, roles: list[str] | None = None) -> dict:
        email = normalise_email(email)
        user = {
            "userId": f"usr_{uuid.uuid4().hex[:20]}",
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
                                    "passwordHash": auth.hash_password(password),
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
                ]
            )
        except ClientError as error:
            if "ConditionalCheckFailed" in cancellation_codes(error):
                raise Conflict("An account with this email already exists", code="EMAIL_ALREADY_REGISTERED") from error
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


class RegisterRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    email: str = Field(max_length=254, json_schema_extra={"format": "email"})
    password: str = Field(min_length=8, max_length=128)
    display_name: str | None = Field(default=None, alias="displayName", min_length=1, max_length=50)

    @field_validator("email")
    @classmethod
    def valid_email(cls, value: str) -> str:
        if not _EMAIL.match(value.strip()):
            raise ValueError("must be a valid email address")
        return normalise_email(value)


class LoginRequest(BaseModel):
    email: str = Field(max_length=254, json_schema_extra={"format": "email"})
    password: str = Field(min_length=1, max_length=128)


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=4096)


class TokenResponse(BaseModel):
    access_token: str
    refresh_token: str
    expires_in: int
    user_id: str
    token_type: str = "Bearer"


def _tokens(audience: str, user_id: str, roles: list[str]) -> dict[str, Any]:
    return TokenResponse(
        access_token=auth.issue_token(user_id, audience, auth.ACCESS, roles),
        refresh_token=auth.issue_token(user_id, audience, auth.REFRESH, roles),
        expires_in=get_settings().jwt_access_ttl_seconds,
        user_id=user_id,
    ).model_dump()


def auth_router(
    prefix: str,
    directory: Callable[[], UserDirectory],
    on_registered: Callable[[dict[str, Any]], None] | None = None,
) -> APIRouter:
    """``POST {prefix}/register``, ``/login`` and ``/refresh`` answering ``TokenResponse``."""
    router = APIRouter(prefix=prefix)

    @router.post("/register", status_code=201, response_model=TokenResponse)
    def register(body: RegisterRequest, request: Request) -> Any:
        # The email is the natural idempotency key: a retry gets 409 and the client logs in.
        # Idempotency-Key replay is deliberately not offered here, as it would store live tokens.
        user = directory().create(body.email, body.password, body.display_name)
        if on_registered is not None:
            on_registered(user)
        return _tokens(request.app.state.audience, user["userId"], user["roles"])

    @router.post("/login", response_model=TokenResponse)
    def login(body: LoginRequest, request: Request) -> Any:
        credentials = directory().credentials(body.email)
        if credentials is None:
            auth.burn_password_check(body.password)
            raise Unauthorized("Invalid email or password", code="INVALID_CREDENTIALS")
        if not auth.verify_password(body.password, credentials["passwordHash"]):
            raise Unauthorized("Invalid email or password", code="INVALID_CREDENTIALS")
        return _tokens(request.app.state.audience, credentials["userId"], credentials.get("roles", []))

    @router.post("/refresh", response_model=TokenResponse)
    def refresh(body: RefreshRequest, request: Request) -> Any:
        audience = request.app.state.audience
        claims = auth.decode_token(body.refresh_token, audience, auth.REFRESH)
        user = directory().get(claims["sub"])
        if user is None:
            raise Unauthorized("Unknown user")
        return _tokens(audience, user["userId"], user.get("roles", []))

    return router
