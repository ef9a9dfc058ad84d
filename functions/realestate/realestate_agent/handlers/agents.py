"""Agents endpoint group: list, create, read, update, delete; and the documents of an agent."""

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from realestate_agent import dependencies
from realestate_agent.access import Caller
from realestate_agent.envelope import MAX_LIMIT, Envelope, Page, ok, paged, parse_sort, sort_pattern
from realestate_agent.identity import realestate_app, require
from realestate_agent.logic import agents as logic
from realestate_agent.logic import documents as document_logic
from realestate_agent.models.agents import (
    AgentData,
    AgentView,
    CreateAgentRequest,
    DeletedData,
    DocumentView,
    UpdateAgentRequest,
)
from realestate_agent.models.common import AGENT_STATUSES
from realestate_agent.settings import get_realestate_settings
from shared.app import lambda_handler
from shared.errors import InvalidInput
from shared.idempotency import respond_idempotently
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/v1/agents", dependencies=[Depends(no_unknown_query_parameters)])


@router.get("", response_model=Envelope[Page[AgentView]])
def list_agents(
    request: Request,
    page: int = Query(default=1, ge=1),
    limit: int = Query(default=20, ge=1, le=MAX_LIMIT),
    status: str | None = Query(
        default=None,
        description="creating, active, inactive or error",
        json_schema_extra={"enum": list(AGENT_STATUSES)},
    ),
    search: str | None = Query(default=None, max_length=100),
    sort: str | None = Query(
        default=None,
        description="createdAt|updatedAt|name, then :asc or :desc",
        json_schema_extra={"pattern": sort_pattern(logic.SORTS)},
    ),
    caller: Caller = Depends(require("agent:read")),
) -> Any:
    if status is not None and status not in AGENT_STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(AGENT_STATUSES)}", {"field": "status", "value": status})
    sort_key, descending = parse_sort(sort, logic.SORTS, "createdAt:desc")
    agents = logic.list_agents(dependencies.agents(), caller, status, search, sort_key, descending)
    offset = (page - 1) * limit
    views = [logic.agent_view(agent) for agent in agents[offset : offset + limit]]
    return ok(request, paged(views, page, limit, len(agents)))


@router.post("", status_code=201, response_model=Envelope[AgentData])
def create_agent(body: CreateAgentRequest, request: Request, caller: Caller = Depends(require("agent:create"))) -> Any:
    def create() -> tuple[int, Any]:
        agent = logic.create_agent(
            dependencies.agents(),
            dependencies.webhook_secrets(),
            dependencies.document_jobs(),
            caller,
            body,
            get_realestate_settings().allow_local_webhook_targets,
        )
        return 201, ok(request, {"agent": agent})

    return respond_idempotently(request, caller.user_id, body.model_dump(mode="json"), create)


@router.get("/{agentId}", response_model=Envelope[AgentData])
def get_agent(
    agentId: str,  # noqa: N803 - the spec's casing
    request: Request,
    caller: Caller = Depends(require("agent:read")),
) -> Any:
    return ok(request, {"agent": logic.agent_view(logic.visible_agent(dependencies.agents(), caller, agentId))})


@router.put("/{agentId}", response_model=Envelope[AgentData])
def update_agent(
    agentId: str,  # noqa: N803 - the spec's casing
    body: UpdateAgentRequest,
    request: Request,
    caller: Caller = Depends(require("agent:update")),
) -> Any:
    agent = logic.update_agent(
        dependencies.agents(),
        dependencies.webhook_secrets(),
        caller,
        agentId,
        body,
        get_realestate_settings().allow_local_webhook_targets,
    )
    return ok(request, {"agent": agent})


@router.delete("/{agentId}", response_model=Envelope[DeletedData])
def delete_agent(
    agentId: str,  # noqa: N803 - the spec's casing
    request: Request,
    caller: Caller = Depends(require("agent:delete")),
) -> Any:
    """Answers at once; the agent's documents, conversations and messages are removed asynchronously."""
    logic.delete_agent(dependencies.agents(), dependencies.document_jobs(), caller, agentId)
    return ok(request, {"id": agentId, "deleted": True})


@router.get("/{agentId}/documents", response_model=Envelope[Page[DocumentView]])
def list_documents(
    agentId: str,  # noqa: N803 - the spec's casing
    request: Request,
    page: int = Query(default=1, ge=1),
    limit: int = Query(default=20, ge=1, le=MAX_LIMIT),
    caller: Caller = Depends(require("document:read")),
) -> Any:
    agent = logic.visible_agent(dependencies.agents(), caller, agentId)
    documents, total = document_logic.list_documents(dependencies.documents(), agent, page, limit)
    return ok(request, paged([document_logic.document_view(d) for d in documents], page, limit, total))


app = realestate_app(router)
handler = lambda_handler(app)
