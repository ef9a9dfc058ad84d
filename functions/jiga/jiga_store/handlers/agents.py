"""Agents endpoint group: create, read, configure, publish."""

import json
from typing import Any

from fastapi import APIRouter, Body, Depends, Request
from pydantic import ValidationError

from jiga_store import dependencies
from jiga_store.identity import jiga_app
from jiga_store.logic import agents as logic
from jiga_store.models.api import (
    AgentConfiguration,
    AgentResponse,
    CreateAgentRequest,
    PublishRequest,
    PublishResponse,
    UpdateConfigResponse,
)
from jiga_store.settings import get_jiga_settings
from shared.app import lambda_handler
from shared.auth import Principal, current_principal
from shared.errors import InvalidInput, PayloadTooLarge, Unprocessable
from shared.idempotency import respond_idempotently

router = APIRouter(prefix="/api/v1/agents")
# Structural problems (wrong types, not an object) are 400; values out of the spec's ranges 422.
_RANGE_ERRORS = {
    "greater_than_equal",
    "less_than_equal",
    "greater_than",
    "less_than",
    "literal_error",
    "string_too_short",
    "string_too_long",
}


def agent_view(agent: dict[str, Any]) -> dict[str, Any]:
    return AgentResponse(
        id=agent["agentId"],
        ownerId=agent["ownerId"],
        name=agent["name"],
        rank=agent["rank"],
        type=agent["type"],
        imageUrl=agent["imageUrl"],
        configuration=agent["configuration"],
        marketplaceStatus=agent["marketplaceStatus"],
        createdAt=agent["createdAt"],
        updatedAt=agent["updatedAt"],
    ).model_dump()


@router.post("", status_code=201, response_model=AgentResponse)
def create_agent(body: CreateAgentRequest, request: Request, caller: Principal = Depends(current_principal)) -> Any:
    def create() -> tuple[int, Any]:
        agent = logic.create_agent(
            caller.user_id, body, dependencies.agents(), dependencies.ledger(), get_jiga_settings().asset_base_url
        )
        return 201, agent_view(agent)

    return respond_idempotently(request, caller.user_id, body.model_dump(mode="json"), create)


@router.get("/{agentId}", response_model=AgentResponse)
def get_agent(agentId: str, caller: Principal = Depends(current_principal)) -> Any:  # noqa: N803 - spec name
    return agent_view(logic.visible_agent(dependencies.agents(), agentId, caller.user_id))


def parse_configuration(body: dict[str, Any]) -> AgentConfiguration:
    raw = body.get("configuration")
    if not isinstance(raw, dict):
        raise InvalidInput("configuration must be an object", code="INVALID_CONFIGURATION")
    if len(json.dumps(raw)) > logic.MAX_CONFIGURATION_BYTES:
        raise PayloadTooLarge("configuration must be at most 16 KiB", code="INVALID_CONFIGURATION")
    try:
        return AgentConfiguration.model_validate(raw)
    except ValidationError as error:
        details = [{"field": ".".join(str(p) for p in item["loc"]), "message": item["msg"]} for item in error.errors()]
        if all(item["type"] in _RANGE_ERRORS for item in error.errors()):
            raise Unprocessable("Configuration validation failed", details, code="INVALID_CONFIGURATION") from error
        raise InvalidInput("Invalid configuration", details, code="INVALID_CONFIGURATION") from error


@router.put("/{agentId}/config", response_model=UpdateConfigResponse)
def update_config(
    agentId: str,  # noqa: N803 - spec name
    body: dict[str, Any] = Body(...),
    caller: Principal = Depends(current_principal),
) -> Any:
    configuration = parse_configuration(body)
    merged, warnings, updated_at = logic.update_configuration(
        dependencies.agents(), agentId, caller.user_id, configuration
    )
    return {"agentId": agentId, "configuration": merged, "validationWarnings": warnings, "updatedAt": updated_at}


@router.post("/{agentId}/publish", response_model=PublishResponse)
def publish(
    agentId: str,  # noqa: N803 - spec name
    body: PublishRequest,
    request: Request,
    caller: Principal = Depends(current_principal),
) -> Any:
    def run() -> tuple[int, Any]:
        return 200, logic.publish_agent(
            dependencies.agents(), agentId, caller.user_id, body.listing, get_jiga_settings().marketplace_web_url
        )

    return respond_idempotently(request, caller.user_id, body.model_dump(mode="json"), run)


app = jiga_app(router)
handler = lambda_handler(app)
