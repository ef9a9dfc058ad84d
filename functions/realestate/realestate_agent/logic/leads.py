"""Leads and their BANT qualification.

Decisions the spec leaves open:

* **Status transitions**: ``new -> contacted | qualified | lost``, ``contacted -> qualified |
  lost``, ``qualified -> converted | lost``, ``converted -> lost`` (a deal that fell through);
  ``lost`` is final. Anything else is 409 ``CONFLICT`` naming the allowed moves; asking for the
  current status changes nothing (PUT is idempotent). Each change is kept in ``statusHistory``
  with its ``reason`` and who made it.
* **Automatic qualification**: a ``new`` or ``contacted`` lead whose qualification score reaches
  the organisation's ``leadQualificationThreshold`` (default 80; the spec's example lead is
  created at 75 and stays ``new``) becomes ``qualified``, by its initial BANT or a later score.
* ``lead.qualified`` fires once per lead, the first time it becomes qualified (by status or by
  score), in the same transaction that qualifies it (``qualifiedAt`` is set once).
  ``lead.created`` fires when a lead is created. Both go to the webhook of the agent whose
  conversation the lead came from.
* A lead may name a ``conversationId`` of the caller's organisation (another is 404); a
  conversation has at most one lead (409 for a second). Without ``initialBANT`` a lead has no
  score (``bantScore`` and ``qualificationScore`` null) and is listed below every scored lead.
* Lists filter by ``status``, ``source`` (the source channel) and a minimum ``qualificationScore``,
  and sort by ``createdAt`` (default newest first) or ``qualificationScore``.
* ``bantSuggestion`` (from the conversation, see logic/bant.py) is shown on the lead;
  ``POST /leads/{id}/bant-score/accept-suggestion`` applies it as the lead's score.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from realestate_agent.access import Caller
from realestate_agent.errors import field_error
from realestate_agent.logic import bant, events
from realestate_agent.logic.organizations import qualification_threshold
from realestate_agent.models.leads import Bant, CreateLeadRequest
from shared.errors import Conflict, NotFound, utc_now_iso

TRANSITIONS = {
    "new": ("contacted", "qualified", "lost"),
    "contacted": ("qualified", "lost"),
    "qualified": ("converted", "lost"),
    "converted": ("lost",),
    "lost": (),
}
SORTS = {"createdAt": "C", "qualificationScore": "S"}


@dataclass
class LeadServices:
    leads: Any
    conversations: Any
    agents: Any
    organizations: Any
    deliveries: Any
    webhook_jobs: Any


def not_found(lead_id: str) -> NotFound:
    return field_error(NotFound, f"Lead {lead_id} not found", "leadId", lead_id)


def lead_view(lead: dict[str, Any], suggestion: dict[str, Any] | None = None) -> dict[str, Any]:
    keys = (
        "id", "organizationId", "contactInfo", "source", "status", "conversationId", "agentId", "bantScore",
        "qualificationScore", "notes", "statusHistory", "qualifiedAt", "createdAt", "updatedAt",
    )  # fmt: skip
    view = {key: lead.get(key) for key in keys}
    view["statusHistory"] = view["statusHistory"] or []
    view["bantSuggestion"] = suggestion
    return view


def visible_lead(services: LeadServices, caller: Caller, lead_id: str, consistent: bool = False) -> dict[str, Any]:
    lead = services.leads.get(lead_id, consistent)
    if lead is None or lead["organizationId"] != caller.organization_id:
        raise not_found(lead_id)
    return lead


def suggestion_of(services: LeadServices, lead: dict[str, Any]) -> dict[str, Any] | None:
    if not lead.get("conversationId"):
        return None
    conversation = services.conversations.get(lead["conversationId"])
    return (conversation or {}).get("bantSuggestion")


def _qualify(lead: dict[str, Any], threshold: int, now: str, by: str) -> bool:
    """Move a new/contacted lead whose score reached the threshold to qualified."""
    score = lead.get("qualificationScore")
    if score is None or score < threshold or lead["status"] not in ("new", "contacted"):
        return False
    _change_status(lead, "qualified", f"Qualification score {score} reached the threshold of {threshold}", by, now)
    return True


def _change_status(lead: dict[str, Any], status: str, reason: str | None, by: str, now: str) -> None:
    lead["statusHistory"] = [
        *(lead.get("statusHistory") or []),
        {"status": status, "previousStatus": lead["status"], "reason": reason, "changedBy": by, "changedAt": now},
    ]
    lead["status"] = status
    lead["updatedAt"] = now


def _events(services: LeadServices, lead: dict[str, Any], names: list[str], now: str) -> list[dict[str, Any]]:
    """Deliveries for ``names`` to the lead's agent's webhook, and ``qualifiedAt`` set once."""
    if "lead.qualified" in names:
        if lead.get("qualifiedAt"):
            names = [name for name in names if name != "lead.qualified"]
        else:
            lead["qualifiedAt"] = now
    if not names or not lead.get("agentId"):
        return []
    agent = services.agents.get(lead["organizationId"], lead["agentId"])
    if agent is None or agent["status"] == "deleting":
        return []
    planned = [events.plan_delivery(agent, name, {"lead": lead_view(lead)}, now) for name in names]
    return [delivery for delivery in planned if delivery is not None]


def _commit_deliveries(services: LeadServices, deliveries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [services.deliveries.put_item(delivery) for delivery in deliveries]


def _queue(services: LeadServices, deliveries: list[dict[str, Any]]) -> None:
    events.enqueue(services.webhook_jobs, deliveries)


def create(services: LeadServices, caller: Caller, request: CreateLeadRequest) -> dict[str, Any]:
    now = utc_now_iso()
    conversation = None
    if request.conversationId is not None:
        conversation = services.conversations.get(request.conversationId)
        if conversation is None or conversation["organizationId"] != caller.organization_id:
            raise field_error(
                NotFound, f"Conversation {request.conversationId} not found", "conversationId", request.conversationId
            )
        if conversation.get("leadId"):
            raise field_error(
                Conflict, "This conversation already has a lead", "conversationId", request.conversationId
            )
    scores = request.initialBANT.model_dump() if request.initialBANT else None
    source = request.source.model_dump(exclude_none=True)
    lead: dict[str, Any] = {
        "id": f"lead_{uuid.uuid4().hex[:24]}",
        "organizationId": caller.organization_id,
        "contactInfo": request.contactInfo.model_dump(exclude_none=True),
        "source": source,
        "sourceChannel": source["channel"],
        "status": "new",
        "conversationId": request.conversationId,
        "agentId": conversation["agentId"] if conversation else None,
        "bantScore": scores,
        "qualificationScore": bant.qualification_score(scores) if scores else None,
        "notes": request.notes,
        "statusHistory": [
            {
                "status": "new",
                "previousStatus": None,
                "reason": "Lead created",
                "changedBy": caller.user_id,
                "changedAt": now,
            }
        ],
        "createdBy": caller.user_id,
        "createdAt": now,
        "updatedAt": now,
        "version": 1,
    }
    names = ["lead.created"]
    threshold = qualification_threshold(services.organizations.get(caller.organization_id))
    if _qualify(lead, threshold, now, caller.user_id):
        names.append("lead.qualified")
    deliveries = _events(services, lead, names, now)
    link = [services.conversations.link_lead_write(conversation, lead["id"])] if conversation else []
    services.leads.create(lead, [*link, *_commit_deliveries(services, deliveries)])
    _queue(services, deliveries)
    return lead


def score(services: LeadServices, caller: Caller, lead_id: str, scores: Bant) -> dict[str, Any]:
    before = visible_lead(services, caller, lead_id, consistent=True)
    now = utc_now_iso()
    lead = {**before, "bantScore": scores.model_dump(), "updatedAt": now}
    lead["qualificationScore"] = bant.qualification_score(lead["bantScore"])
    threshold = qualification_threshold(services.organizations.get(caller.organization_id))
    names = ["lead.qualified"] if _qualify(lead, threshold, now, caller.user_id) else []
    deliveries = _events(services, lead, names, now)
    services.leads.replace(before, lead, _commit_deliveries(services, deliveries))
    _queue(services, deliveries)
    return lead


def accept_suggestion(services: LeadServices, caller: Caller, lead_id: str) -> dict[str, Any]:
    lead = visible_lead(services, caller, lead_id, consistent=True)
    suggestion = suggestion_of(services, lead)
    if suggestion is None:
        # The request is well formed; the lead's state refuses it (409, the spec's code for a
        # conflict with the resource as it stands), as a 422 would say the request itself is invalid.
        raise field_error(Conflict, "The lead's conversation has no BANT suggestion yet", "leadId", lead_id)
    return score(services, caller, lead_id, Bant.model_validate({name: suggestion[name] for name in bant.CRITERIA}))


def change_status(services: LeadServices, caller: Caller, lead_id: str, status: str, reason: str | None) -> dict:
    before = visible_lead(services, caller, lead_id, consistent=True)
    if status == before["status"]:
        return before
    allowed = TRANSITIONS[before["status"]]
    if status not in allowed:
        moves = ", ".join(allowed) or "none (lost is final)"
        raise field_error(
            Conflict, f"A {before['status']} lead cannot become {status}; allowed: {moves}", "status", status,
            currentStatus=before["status"], allowedStatuses=list(allowed),
        )  # fmt: skip
    now = utc_now_iso()
    lead = {**before}
    _change_status(lead, status, reason, caller.user_id, now)
    deliveries = _events(services, lead, ["lead.qualified"] if status == "qualified" else [], now)
    services.leads.replace(before, lead, _commit_deliveries(services, deliveries))
    _queue(services, deliveries)
    return lead
