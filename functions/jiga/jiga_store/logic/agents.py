"""Agent rules: creation cost, configuration checks, listing eligibility and pricing.

The rules are pure functions; the orchestrations take the repository and ledger as arguments so
unit tests can drive them with fakes. Every number the spec left open is named here:

* creation cost by rank (DOFs, paid to the platform account): Bronze 500, Silver 2,000,
  Gold 10,000, Platinum 25,000;
* minimum hourly price by rank: Bronze 100, Silver 250, Gold 1,000, Platinum 2,500; maximum
  1,000,000; daily between hourly and 24 x hourly, weekly between daily and 7 x daily (longer
  contracts may be discounted, never dearer than paying by the hour);
* listings with an hourly price above 50,000 DOFs go to ``pending_review``; others are ``active``;
* an owner may have at most 10 published agents; an ``Experience`` specialist may only be listed
  once it holds the ``experience_specialist`` achievement (earned from completed hires).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Protocol

from jiga_store.settings import DOF
from shared.errors import Forbidden, InvalidInput, NotFound, Unprocessable, utc_now_iso
from shared.ledger import ExtraWrite, Ledger, PostedTransaction, Posting, system_account, user_account

if TYPE_CHECKING:  # the request models are the agents function's; the sessions logic imports these rules too
    from jiga_store.models.agents import CreateAgentRequest, Listing
    from jiga_store.models.configuration import AgentConfiguration

CREATION_COST = {"Bronze": 500, "Silver": 2_000, "Gold": 10_000, "Platinum": 25_000}
MIN_HOURLY = {"Bronze": 100, "Silver": 250, "Gold": 1_000, "Platinum": 2_500}
MAX_HOURLY = 1_000_000
REVIEW_ABOVE_HOURLY = 50_000
MAX_PUBLISHED_PER_OWNER = 10
EXPERIENCE_ACHIEVEMENT = "experience_specialist"
IDENTITY_KEYS = ("provider", "nationality", "language", "voiceId", "features", "toolkit", "specialization")
DEFAULT_RUNTIME_CONFIGURATION = {
    "high_speed_vision": False,
    "high_speed_mode": "balanced",
    "target_fps": 2.0,
    "analysis_interval": 0.5,
    "max_concurrent_analyses": 4,
    "team_messaging": {"enabled": False, "propagation_mode": "real_time"},
}


class AgentStore(Protocol):
    def get(self, agent_id: str) -> dict[str, Any] | None: ...
    def new_agent_writes(self, agent: dict[str, Any]) -> list[ExtraWrite]: ...
    def save_configuration(self, agent: dict[str, Any], configuration: dict[str, Any], updated_at: str) -> None: ...
    def count_published(self, owner_id: str) -> int: ...
    def publish(self, agent: dict[str, Any], listing: dict[str, Any]) -> None: ...


def not_found(agent_id: str) -> NotFound:
    return NotFound(f"Agent {agent_id} not found", {"agentId": agent_id}, code="AGENT_NOT_FOUND")


def not_owner(agent_id: str) -> Forbidden:
    return Forbidden("Only the agent's owner may do this", {"agentId": agent_id}, code="NOT_AGENT_OWNER")


# -- pure rules ------------------------------------------------------------------------------


def initial_configuration(request: CreateAgentRequest) -> dict[str, Any]:
    identity = request.model_dump(include=set(IDENTITY_KEYS), exclude_none=True)
    return {
        **identity,
        **DEFAULT_RUNTIME_CONFIGURATION,
        "voice_enabled": request.features.hasVoiceChat,
        "selected_voice_name": request.voiceId,
    }


def configuration_warnings(configuration: AgentConfiguration, agent: dict[str, Any]) -> list[str]:
    """Non-blocking advice: settings that will be ignored or are expensive."""
    warnings = []
    if not configuration.high_speed_vision and configuration.high_speed_mode is not None:
        warnings.append("high_speed_mode has no effect while high_speed_vision is false")
    if configuration.voice_enabled and not agent["configuration"].get("features", {}).get("hasVoiceChat"):
        warnings.append("voice_enabled has no effect: this agent was created without voice chat")
    if configuration.selected_voice_name and configuration.voice_enabled is False:
        warnings.append("selected_voice_name is ignored while voice_enabled is false")
    fps = configuration.target_fps or DEFAULT_RUNTIME_CONFIGURATION["target_fps"]
    interval = configuration.analysis_interval or DEFAULT_RUNTIME_CONFIGURATION["analysis_interval"]
    if fps >= 8 and interval <= 0.2:
        warnings.append("target_fps >= 8 with analysis_interval <= 0.2 consumes DOFs quickly")
    if configuration.team_messaging and not configuration.team_messaging.enabled:
        warnings.append("team_messaging.propagation_mode is ignored while team_messaging is disabled")
    return warnings


def merged_configuration(agent: dict[str, Any], configuration: AgentConfiguration) -> dict[str, Any]:
    """PUT replaces the runtime options; identity fields chosen at creation are kept."""
    reserved = sorted(set(configuration.model_extra or {}) & set(IDENTITY_KEYS))
    if reserved:
        raise Unprocessable(
            "These fields are set when the agent is created and cannot be changed here",
            {"fields": reserved},
            code="INVALID_CONFIGURATION",
        )
    identity = {key: agent["configuration"][key] for key in IDENTITY_KEYS if key in agent["configuration"]}
    runtime = {**DEFAULT_RUNTIME_CONFIGURATION, **configuration.model_dump(mode="json", exclude_none=True)}
    return {**identity, **runtime}


def check_pricing(rank: str, listing: Listing) -> None:
    pricing = listing.pricing
    problems = []
    if min(pricing.hourly, pricing.daily, pricing.weekly) <= 0:
        problems.append("prices must be positive whole DOFs")
    if pricing.hourly < MIN_HOURLY[rank]:
        problems.append(f"hourly must be at least {MIN_HOURLY[rank]} DOFs for a {rank} agent")
    if pricing.hourly > MAX_HOURLY:
        problems.append(f"hourly must be at most {MAX_HOURLY} DOFs")
    if not pricing.hourly <= pricing.daily <= 24 * pricing.hourly:
        problems.append("daily must be between hourly and 24 x hourly")
    if not pricing.daily <= pricing.weekly <= 7 * pricing.daily:
        problems.append("weekly must be between daily and 7 x daily")
    if problems:
        raise Unprocessable("Pricing validation failed", {"problems": problems}, code="PRICING_VALIDATION_FAILED")


def check_eligibility(agent: dict[str, Any], published_count: int) -> None:
    specialization = agent["configuration"].get("specialization") or {}
    if specialization.get("specialistType") == "Experience" and EXPERIENCE_ACHIEVEMENT not in agent.get(
        "achievements", []
    ):
        raise Forbidden(
            "Experience specialists can be listed once they earn the experience_specialist achievement",
            {"agentId": agent["agentId"], "requiredAchievement": EXPERIENCE_ACHIEVEMENT},
            code="AGENT_NOT_ELIGIBLE",
        )
    already_listed = agent.get("marketplaceStatus", {}).get("isPublished", False)
    if not already_listed and published_count >= MAX_PUBLISHED_PER_OWNER:
        raise Forbidden(
            f"An owner may have at most {MAX_PUBLISHED_PER_OWNER} published agents",
            {"limit": MAX_PUBLISHED_PER_OWNER},
            code="AGENT_NOT_ELIGIBLE",
        )


def listing_status(listing: Listing) -> str:
    return "pending_review" if listing.pricing.hourly > REVIEW_ABOVE_HOURLY else "active"


# -- orchestrations ----------------------------------------------------------------------------


def create_agent(
    owner_id: str, request: CreateAgentRequest, store: AgentStore, ledger: Ledger, image_base_url: str
) -> dict[str, Any]:
    """Create the agent and charge its creation cost in one transaction."""
    now = utc_now_iso()
    agent_id = f"agt_{uuid.uuid4().hex[:20]}"
    agent = {
        "agentId": agent_id,
        "ownerId": owner_id,
        "name": request.name,
        "rank": request.rank,
        "type": request.type,
        "imageUrl": f"{image_base_url}/agents/{request.rank.lower()}-{request.type.lower()}.png",
        "configuration": initial_configuration(request),
        "marketplaceStatus": {"isPublished": False, "isHirable": False},
        "achievements": [],
        "createdAt": now,
        "updatedAt": now,
        "version": 1,
    }
    cost = CREATION_COST[request.rank]
    ledger.post(
        f"agent-create-{agent_id}",
        [Posting(user_account(owner_id, DOF), -cost), Posting(system_account("platform", DOF), cost)],
        description=f"Agent creation: {request.name} ({request.rank})",
        metadata={"kind": "agent_creation", "agentId": agent_id},
        extra_writes=store.new_agent_writes(agent),
    )
    return agent


def is_public(agent: dict[str, Any]) -> bool:
    return bool(agent.get("marketplaceStatus", {}).get("isPublished"))


def check_owner(agent: dict[str, Any] | None, agent_id: str, caller_id: str) -> dict[str, Any]:
    """The caller's own agent. Someone else's is 403 ``NOT_AGENT_OWNER`` only when it is published
    (anyone can see it exists); an unpublished one is 404, as GET answers, so nothing tells a
    stranger that an id they guessed or were shown belongs to a real agent."""
    if agent is None or (agent["ownerId"] != caller_id and not is_public(agent)):
        raise not_found(agent_id)
    if agent["ownerId"] != caller_id:
        raise not_owner(agent_id)
    return agent


def owned_agent(store: AgentStore, agent_id: str, caller_id: str) -> dict[str, Any]:
    return check_owner(store.get(agent_id), agent_id, caller_id)


def visible_agent(store: AgentStore, agent_id: str, caller_id: str) -> dict[str, Any]:
    """Owners see their agents; others see published agents only (and no private settings)."""
    agent = store.get(agent_id)
    if agent is None:
        raise not_found(agent_id)
    if agent["ownerId"] == caller_id:
        return agent
    if not is_public(agent):
        raise not_found(agent_id)
    public_keys = ("provider", "language", "nationality", "features", "toolkit", "specialization")
    return {**agent, "configuration": {k: v for k, v in agent["configuration"].items() if k in public_keys}}


def update_configuration(
    store: AgentStore, agent_id: str, caller_id: str, configuration: AgentConfiguration
) -> tuple[dict[str, Any], list[str], str]:
    agent = owned_agent(store, agent_id, caller_id)
    merged = merged_configuration(agent, configuration)
    warnings = configuration_warnings(configuration, agent)
    updated_at = utc_now_iso()
    store.save_configuration(agent, merged, updated_at)
    return merged, warnings, updated_at


def publish_agent(
    store: AgentStore, agent_id: str, caller_id: str, listing: Listing, marketplace_web_url: str
) -> dict[str, Any]:
    agent = owned_agent(store, agent_id, caller_id)
    check_eligibility(agent, store.count_published(caller_id))
    check_pricing(agent["rank"], listing)
    status = listing_status(listing)
    listing_id = agent.get("marketplaceStatus", {}).get("listingId") or f"lst_{uuid.uuid4().hex[:20]}"
    published_at = utc_now_iso()
    record = {
        "listingId": listing_id,
        "agentId": agent_id,
        "ownerId": caller_id,
        **listing.model_dump(mode="json"),
        "status": status,
        "publishedAt": published_at,
    }
    store.publish(agent, record)
    return {
        "agentId": agent_id,
        "listingId": listing_id,
        "marketplaceUrl": f"{marketplace_web_url}/{listing_id}",
        "status": status,
        "publishedAt": published_at,
    }


def grant_dofs(ledger: Ledger, user_id: str, amount: int, reason: str, operator_id: str) -> PostedTransaction:
    """An operator grant: DOFs enter from the external-world account, like a purchase does."""
    if amount <= 0:
        raise InvalidInput("amount must be positive")
    return ledger.post(
        f"grant-{uuid.uuid4().hex}",
        [Posting(system_account("external", DOF), -amount), Posting(user_account(user_id, DOF), amount)],
        description=f"Operator grant: {reason}",
        metadata={"kind": "operator_grant", "operatorId": operator_id},
    )
