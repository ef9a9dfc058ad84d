"""Agent rules.

Decisions the spec leaves open:

* **Lifecycle**: a new agent is ``creating``; the document worker initialises its knowledge base
  and makes it ``active`` once no uploaded document is still being processed (documents uploaded
  while it is creating are waited for). If that job fails on its last attempt the agent is
  ``error`` with ``statusReason``. ``PUT`` may move an agent between ``active`` and ``inactive``
  (only); an inactive agent keeps its conversations readable but starts none and answers nothing.
* **Update** is a partial merge: ``settings`` key by key (the spec's example changes three of
  five), ``webhook`` replaced whole (``null`` removes it; a webhook without ``secretToken`` keeps
  the current secret when the URL stays, and otherwise gets a new one).
* **Delete** answers at once (the agent disappears from every read) and the document worker
  removes its documents and their S3 objects, passages, conversations, messages, webhook
  deliveries and the links of leads that came from its conversations, in resumable batches.
  Leads themselves belong to the organisation and stay.
* **List** filters by ``status`` and by ``search`` (case-insensitive substring of the name or the
  description), sorts by ``createdAt`` (default, newest first), ``updatedAt`` or ``name``; an
  organisation has at most 500 agents, so the list is one query.
* ``documentCount`` counts every stored document whatever its status; ``conversationCount``
  every conversation started; both change in the same transaction as what they count.
"""

import uuid
from typing import Any, Protocol

from realestate_agent.access import Caller
from realestate_agent.errors import field_error
from realestate_agent.logic import webhooks
from realestate_agent.models.agents import CreateAgentRequest, UpdateAgentRequest, WebhookConfig
from shared.errors import Conflict, NotFound, ServiceUnavailable, utc_now_iso

MAX_AGENTS_PER_ORGANIZATION = 500
SORTS = {"createdAt": "createdAt", "updatedAt": "updatedAt", "name": "nameLower"}


class AgentStore(Protocol):
    def get(self, organization_id: str, agent_id: str, consistent: bool = False) -> dict[str, Any] | None: ...
    def create(self, agent: dict[str, Any]) -> None: ...
    def list(self, organization_id: str) -> list[dict[str, Any]]: ...
    def replace(self, agent: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]: ...
    def set_status(
        self, organization_id: str, agent_id: str, status: str, reason: str | None, only_from: tuple[str, ...]
    ) -> bool: ...
    def delete_item(self, organization_id: str, agent_id: str) -> None: ...


class Sealer(Protocol):
    def seal(self, organization_id: str, agent_id: str, secret: str) -> str: ...


class Jobs(Protocol):
    def send(self, message: dict[str, Any], delay_seconds: int = 0) -> None: ...


def not_found(agent_id: str) -> NotFound:
    return field_error(NotFound, f"Agent {agent_id} not found", "agentId", agent_id)


def agent_view(agent: dict[str, Any], secret: str | None = None) -> dict[str, Any]:
    """The API's agent; the webhook secret only in full when it was just set (``secret``)."""
    webhook = agent.get("webhook")
    return {
        "id": agent["id"],
        "name": agent["name"],
        "description": agent.get("description"),
        "organizationId": agent["organizationId"],
        "status": agent["status"],
        "statusReason": agent.get("statusReason"),
        "settings": agent["settings"],
        "webhook": (
            {"url": webhook["url"], "events": webhook["events"], "secretToken": secret or webhook["secretHint"]}
            if webhook
            else None
        ),
        "documentCount": agent.get("documentCount", 0),
        "conversationCount": agent.get("conversationCount", 0),
        "createdAt": agent["createdAt"],
        "updatedAt": agent["updatedAt"],
    }


def visible_agent(store: AgentStore, caller: Caller, agent_id: str, consistent: bool = False) -> dict[str, Any]:
    agent = store.get(caller.organization_id, agent_id, consistent)
    if agent is None or agent["status"] == "deleting":
        raise not_found(agent_id)
    return agent


def _webhook(
    config: WebhookConfig, organization_id: str, agent_id: str, sealer: Sealer, allow_local: bool, current: dict | None
) -> tuple[dict[str, Any], str | None]:
    """The stored webhook and, when a secret was set now, that secret (shown once)."""
    webhooks.check_target_url(config.url, allow_local)
    secret = config.secretToken
    if secret is None and current is not None and current.get("url") == config.url:
        return {**current, "events": list(config.events)}, None
    secret = secret or webhooks.new_secret()
    stored = {
        "url": config.url,
        "events": list(config.events),
        "secretCiphertext": sealer.seal(organization_id, agent_id, secret),
        "secretHint": webhooks.secret_hint(secret),
    }
    return stored, secret


def create_agent(
    store: AgentStore, sealer: Sealer, jobs: Jobs, caller: Caller, request: CreateAgentRequest, allow_local: bool
) -> dict[str, Any]:
    existing = store.list(caller.organization_id)
    if sum(1 for agent in existing if agent["status"] != "deleting") >= MAX_AGENTS_PER_ORGANIZATION:
        raise field_error(Conflict, f"An organisation has at most {MAX_AGENTS_PER_ORGANIZATION} agents", "name")
    now = utc_now_iso()
    agent_id = str(uuid.uuid4())
    agent: dict[str, Any] = {
        "id": agent_id,
        "organizationId": caller.organization_id,
        "name": request.name,
        "nameLower": request.name.lower(),
        "description": request.description,
        "status": "creating",
        "settings": request.settings.model_dump(),
        "documentCount": 0,
        "pendingDocuments": 0,
        "conversationCount": 0,
        "knowledge": {},
        "createdBy": caller.user_id,
        "createdAt": now,
        "updatedAt": now,
        "version": 1,
    }
    secret = None
    if request.webhook is not None:
        agent["webhook"], secret = _webhook(
            request.webhook, caller.organization_id, agent_id, sealer, allow_local, None
        )
    store.create(agent)
    try:
        jobs.send({"type": "agent.provision", "organizationId": caller.organization_id, "agentId": agent_id})
    except Exception as error:  # nothing references the agent yet: take it back rather than strand it
        store.delete_item(caller.organization_id, agent_id)
        raise ServiceUnavailable("The agent could not be queued for setup; retry") from error
    return agent_view(agent, secret)


def update_agent(
    store: AgentStore, sealer: Sealer, caller: Caller, agent_id: str, request: UpdateAgentRequest, allow_local: bool
) -> dict[str, Any]:
    agent = visible_agent(store, caller, agent_id, consistent=True)
    changes: dict[str, Any] = {"updatedAt": utc_now_iso()}
    provided = request.model_fields_set
    if request.name is not None:
        changes["name"] = request.name
        changes["nameLower"] = request.name.lower()
    if "description" in provided:
        changes["description"] = request.description
    if request.settings is not None:
        changes["settings"] = {**agent["settings"], **request.settings.model_dump(exclude_none=True)}
    secret = None
    if "webhook" in provided:
        if request.webhook is None:
            changes["webhook"] = None
        else:
            changes["webhook"], secret = _webhook(
                request.webhook, agent["organizationId"], agent_id, sealer, allow_local, agent.get("webhook")
            )
    if request.status is not None and request.status != agent["status"]:
        if agent["status"] not in ("active", "inactive"):
            raise field_error(
                Conflict,
                f"An agent that is {agent['status']} cannot be made {request.status}",
                "status",
                request.status,
            )
        changes["status"] = request.status
    updated = store.replace(agent, changes)
    return agent_view(updated, secret)


def delete_agent(store: AgentStore, jobs: Jobs, caller: Caller, agent_id: str) -> None:
    agent = visible_agent(store, caller, agent_id, consistent=True)
    if not store.set_status(caller.organization_id, agent_id, "deleting", None, (agent["status"],)):
        raise not_found(agent_id)
    try:
        jobs.send({"type": "agent.delete", "organizationId": caller.organization_id, "agentId": agent_id})
    except Exception as error:  # the agent stays as it was rather than half-deleted
        store.set_status(caller.organization_id, agent_id, agent["status"], agent.get("statusReason"), ("deleting",))
        raise ServiceUnavailable("The agent could not be queued for deletion; retry") from error


def list_agents(
    store: AgentStore, caller: Caller, status: str | None, search: str | None, sort_key: str, descending: bool
) -> list[dict[str, Any]]:
    agents = [agent for agent in store.list(caller.organization_id) if agent["status"] != "deleting"]
    if status:
        agents = [agent for agent in agents if agent["status"] == status]
    if search:
        needle = search.casefold()
        agents = [
            agent
            for agent in agents
            if needle in agent["name"].casefold() or needle in (agent.get("description") or "").casefold()
        ]
    agents.sort(key=lambda agent: (agent.get(sort_key) or "", agent["id"]), reverse=descending)
    return agents
