"""Leads endpoint group: list, create, read, BANT score (and accepting the suggested one), status."""

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from realestate_agent import dependencies
from realestate_agent.access import Caller
from realestate_agent.envelope import MAX_LIMIT, Envelope, Page, ok, paged, parse_sort, sort_pattern
from realestate_agent.identity import realestate_app, require
from realestate_agent.logic import leads as logic
from realestate_agent.models.common import LEAD_STATUSES
from realestate_agent.models.leads import (
    Bant,
    CreateLeadRequest,
    LeadData,
    LeadView,
    ScoreData,
    UpdateLeadStatusRequest,
)
from shared.app import lambda_handler
from shared.errors import InvalidInput
from shared.idempotency import respond_idempotently
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/v1/leads", dependencies=[Depends(no_unknown_query_parameters)])


@router.get("", response_model=Envelope[Page[LeadView]])
def list_leads(
    request: Request,
    status: str | None = Query(
        default=None,
        description="new, contacted, qualified, converted or lost",
        json_schema_extra={"enum": list(LEAD_STATUSES)},
    ),
    source: str | None = Query(default=None, max_length=32, description="the source channel, e.g. web"),
    qualificationScore: int | None = Query(default=None, ge=0, le=100, description="minimum score"),  # noqa: N803
    sort: str | None = Query(
        default=None,
        description="createdAt|qualificationScore, then :asc or :desc",
        json_schema_extra={"pattern": sort_pattern(logic.SORTS)},
    ),
    page: int = Query(default=1, ge=1),
    limit: int = Query(default=20, ge=1, le=MAX_LIMIT),
    caller: Caller = Depends(require("lead:read")),
) -> Any:
    if status is not None and status not in LEAD_STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(LEAD_STATUSES)}", {"field": "status", "value": status})
    order, descending = parse_sort(sort, logic.SORTS, "createdAt:desc")
    filters = {"status": status, "sourceChannel": source.lower() if source else None}
    found, total = dependencies.leads().page(
        caller.organization_id, filters, order, descending, page, limit, qualificationScore
    )
    return ok(request, paged([logic.lead_view(lead) for lead in found], page, limit, total))


@router.post("", status_code=201, response_model=Envelope[LeadData])
def create_lead(body: CreateLeadRequest, request: Request, caller: Caller = Depends(require("lead:create"))) -> Any:
    def run() -> tuple[int, Any]:
        services = dependencies.lead_services()
        lead = logic.create(services, caller, body)
        return 201, ok(request, {"lead": logic.lead_view(lead, logic.suggestion_of(services, lead))})

    return respond_idempotently(request, caller.user_id, body.model_dump(mode="json"), run)


@router.get("/{leadId}", response_model=Envelope[LeadData])
def get_lead(
    leadId: str,  # noqa: N803 - the spec's casing
    request: Request,
    caller: Caller = Depends(require("lead:read")),
) -> Any:
    services = dependencies.lead_services()
    lead = logic.visible_lead(services, caller, leadId)
    return ok(request, {"lead": logic.lead_view(lead, logic.suggestion_of(services, lead))})


@router.post("/{leadId}/bant-score", response_model=Envelope[ScoreData])
def score_lead(
    leadId: str,  # noqa: N803 - the spec's casing
    body: Bant,
    request: Request,
    caller: Caller = Depends(require("lead:update")),
) -> Any:
    lead = logic.score(dependencies.lead_services(), caller, leadId, body)
    data = {"bantScore": lead["bantScore"], "qualificationScore": lead["qualificationScore"], "status": lead["status"]}
    return ok(request, data)


@router.post("/{leadId}/bant-score/accept-suggestion", response_model=Envelope[ScoreData])
def accept_suggestion(
    leadId: str,  # noqa: N803 - the spec's casing
    request: Request,
    caller: Caller = Depends(require("lead:update")),
) -> Any:
    lead = logic.accept_suggestion(dependencies.lead_services(), caller, leadId)
    data = {"bantScore": lead["bantScore"], "qualificationScore": lead["qualificationScore"], "status": lead["status"]}
    return ok(request, data)


@router.put("/{leadId}/status", response_model=Envelope[LeadData])
def update_status(
    leadId: str,  # noqa: N803 - the spec's casing
    body: UpdateLeadStatusRequest,
    request: Request,
    caller: Caller = Depends(require("lead:update")),
) -> Any:
    services = dependencies.lead_services()
    lead = logic.change_status(services, caller, leadId, body.status, body.reason)
    return ok(request, {"lead": logic.lead_view(lead, logic.suggestion_of(services, lead))})


app = realestate_app(router)
handler = lambda_handler(app)
