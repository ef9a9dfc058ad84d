"""Sessions endpoint group: starting and reading sessions."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

from jiga_store.models.common import SpecModel
from jiga_store.models.configuration import configuration_schema


class StartSessionRequest(SpecModel):
    agentId: str = Field(min_length=1, max_length=64)
    type: Literal["owned", "hired", "trial"]
    hireSessionId: str | None = Field(default=None, min_length=1, max_length=64)
    configuration: Annotated[dict[str, Any], WithJsonSchema(configuration_schema(required=False))] | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"type": {"const": "hired"}}, "required": ["type"]},
            "then": {"required": ["hireSessionId"], "properties": {"hireSessionId": {"type": "string"}}},
        }
    )

    @model_validator(mode="after")
    def hired_sessions_name_their_hire(self) -> "StartSessionRequest":
        if self.type == "hired" and not self.hireSessionId:
            raise ValueError("hireSessionId is required for hired sessions")
        return self


class SessionConnection(BaseModel):
    websocketUrl: str
    token: str
    protocols: list[str]


class SessionDofs(BaseModel):
    allocated: int
    consumed: int
    remaining: int


class StartSessionResponse(BaseModel):
    sessionId: str
    agentId: str
    type: str
    status: Literal["active"]
    connection: SessionConnection
    dof: SessionDofs
    expiresAt: str


class SessionResponse(BaseModel):
    sessionId: str
    agentId: str
    type: str
    status: str
    dof: SessionDofs
    rate: int
    startedAt: str
    expiresAt: str
    listingId: str | None = None
    endedReason: str | None = None
    endedAt: str | None = None
    settlement: dict[str, Any] | None = None
