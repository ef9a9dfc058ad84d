"""The caller's organisation: GET/PUT /organization, members and invitations (admins manage)."""

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from realestate_agent import dependencies
from realestate_agent.envelope import MAX_LIMIT, Envelope, Page, ok, paged
from realestate_agent.errors import field_error
from realestate_agent.identity import Caller, realestate_app, require
from realestate_agent.logic import organizations as logic
from realestate_agent.models.auth import (
    InvitationData,
    InvitationView,
    InviteMemberRequest,
    MemberData,
    MemberView,
    OrganizationData,
    UpdateMemberRequest,
    UpdateOrganizationRequest,
)
from shared.app import lambda_handler
from shared.errors import Forbidden, NotFound, utc_now_iso
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/v1/organization", dependencies=[Depends(no_unknown_query_parameters)])


def _organization(caller: Caller) -> dict[str, Any]:
    organization = dependencies.organizations().get(caller.organization_id)
    if organization is None:
        raise NotFound("Organisation not found")
    return organization


@router.get("", response_model=Envelope[OrganizationData])
def get_organization(request: Request, caller: Caller = Depends(require("organization:read"))) -> Any:
    return ok(request, {"organization": logic.organization_view(_organization(caller))})


@router.put("", response_model=Envelope[OrganizationData])
def update_organization(
    body: UpdateOrganizationRequest, request: Request, caller: Caller = Depends(require("organization:manage"))
) -> Any:
    settings = body.settings.model_dump(exclude_none=True) if body.settings else {}
    updated = dependencies.organizations().update(caller.organization_id, body.name, settings, utc_now_iso())
    return ok(request, {"organization": logic.organization_view(updated)})


@router.get("/members", response_model=Envelope[Page[MemberView]])
def list_members(
    request: Request,
    page: int = Query(default=1, ge=1),
    limit: int = Query(default=20, ge=1, le=MAX_LIMIT),
    caller: Caller = Depends(require("organization:read")),
) -> Any:
    members = sorted(dependencies.organizations().members(caller.organization_id), key=lambda m: m["joinedAt"])
    offset = (page - 1) * limit
    return ok(request, paged(members[offset : offset + limit], page, limit, len(members)))


@router.post("/members", status_code=201, response_model=Envelope[InvitationData])
def invite_member(
    body: InviteMemberRequest, request: Request, caller: Caller = Depends(require("organization:manage"))
) -> Any:
    """Invites an email with a role; the answer carries the one-time token to hand to them."""
    return ok(request, {"invitation": logic.invite(dependencies.organizations(), caller, body.email, body.role)})


@router.get("/invitations", response_model=Envelope[Page[InvitationView]])
def list_invitations(
    request: Request,
    page: int = Query(default=1, ge=1),
    limit: int = Query(default=20, ge=1, le=MAX_LIMIT),
    caller: Caller = Depends(require("organization:manage")),
) -> Any:
    pending = sorted(dependencies.organizations().invitations(caller.organization_id), key=lambda i: i["createdAt"])
    offset = (page - 1) * limit
    return ok(request, paged(pending[offset : offset + limit], page, limit, len(pending)))


@router.put("/members/{userId}", response_model=Envelope[MemberData])
def update_member(
    userId: str,  # noqa: N803 - the spec's casing
    body: UpdateMemberRequest,
    request: Request,
    caller: Caller = Depends(require("organization:manage")),
) -> Any:
    return ok(request, {"member": logic.change_role(dependencies.organizations(), caller, userId, body.role)})


@router.delete("/members/{userId}", status_code=204, response_class=Response)
def remove_member(
    userId: str,  # noqa: N803 - the spec's casing
    caller: Caller = Depends(require("organization:manage")),
) -> Response:
    if userId == caller.user_id and caller.role == "admin":
        raise field_error(Forbidden, "Admins cannot remove themselves; another admin can", "userId", userId)
    logic.remove_member(dependencies.organizations(), caller, userId)
    return Response(status_code=204)


app = realestate_app(router)
handler = lambda_handler(app)
