"""Agents endpoint group: create, read, configure, publish."""

from typing import Any

from fastapi import APIRouter, Depends, Request

from jiga_store import dependencies
from jiga_store.identity import jiga_app
from jiga_store.logic import agents as logic
from jiga_store.logic.configuration import read_configuration
from jiga_store.models.agents import (
    AgentResponse,
    CreateAgentRequest,
    PublishRequest,
    PublishResponse,
    UpdateConfigRequest,
    UpdateConfigResponse,
)
from jiga_store.settings import get_jiga_settings
from shared.app import lambda_handler
from shared.auth import Principal, current_principal
from shared.idempotency import respond_idempotently
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/v1/agents", dependencies=[Depends(no_unknown_query_parameters)])


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


@router.put("/{agentId}/config", response_model=UpdateConfigResponse)
def update_config(
    agentId: str,  # noqa: N803 - spec name
    body: UpdateConfigRequest,
    caller: Principal = Depends(current_principal),
) -> Any:
    configuration = read_configuration(body.configuration)
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
