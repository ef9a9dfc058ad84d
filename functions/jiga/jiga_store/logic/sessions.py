"""Sessions and hires: escrow on start, metering while live, settlement exactly once.

Session types (decisions the spec left open):
* ``hired`` — made by ``POST /marketplace/{listingId}/hire``: the hirer's ``dofAllocation`` is held
  in ``escrow:<sessionId>``; settled 70/25/5 on what was consumed, the rest refunded
  (see logic/hire.py). ``POST /sessions`` with ``type: hired`` reconnects the hirer to it.
* ``owned`` — an owner running their own agent pays its compute: one hour at the rank's minimum
  hourly price is escrowed from the owner; what is consumed goes to the platform, the rest back.
* ``trial`` — one per user per published agent: five minutes at the listing's rate, issued by the
  platform (external -> escrow) and returned to it at the end; nobody earns from a trial.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from jiga_store.dal.sessions import ACTIVE, REFUNDED, SETTLED, SessionRepository
from jiga_store.dal.workflows import SessionLifecycle
from jiga_store.logic import hire as rules
from jiga_store.logic.agents import MIN_HOURLY, check_owner, not_found
from jiga_store.logic.configuration import options_to_store, read_configuration
from jiga_store.logic.messages import session_ended
from jiga_store.models.configuration import ConfigurationOptions
from jiga_store.settings import API_NAME, DOF
from shared.errors import Forbidden, InvalidInput, NotFound, ServiceUnavailable, utc_now_iso
from shared.events import EventLog
from shared.ledger import Ledger, Posting, escrow_account, system_account, user_account
from shared.observability import logger
from shared.tokens import SESSION, TokenPolicy

TRIAL_MINUTES = 5
ACHIEVEMENT_THRESHOLDS = {1: "first_hire", 5: "experience_specialist"}


class AgentLookup(Protocol):
    def get(self, agent_id: str) -> dict[str, Any] | None: ...
    def record_completed_hire(self, agent_id: str, thresholds: dict[int, str]) -> list[str]: ...


@dataclass
class SessionServices:
    sessions: SessionRepository
    agents: AgentLookup
    ledger: Ledger
    lifecycle: SessionLifecycle
    events: EventLog
    websocket_url: str
    notify: Callable[[str, dict[str, Any]], int]  # push a message to every socket of a session
    hang_up: Callable[[str], int]  # close every socket of a session (after session_ended)
    # count a finished hire in the listing's stats; idempotent per outcome id (the session id)
    record_hire_outcome: Callable[..., bool]
    tokens: TokenPolicy  # signs the session tokens the live WebSocket accepts


def session_not_found(session_id: str) -> NotFound:
    return NotFound(f"Session {session_id} not found", {"sessionId": session_id}, code="SESSION_NOT_FOUND")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def session_token(services: "SessionServices", session: dict[str, Any], now: datetime) -> str:
    ttl = int((_parse(session["expiresAt"]) - now).total_seconds()) + rules.SETTLEMENT_GRACE_SECONDS
    token, _ = services.tokens.issue({"sub": session["userId"], "sid": session["sessionId"]}, SESSION, max(ttl, 60))
    return token


def connection_info(services: SessionServices, session: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "websocketUrl": f"{services.websocket_url}?sessionId={session['sessionId']}",
        "token": session_token(services, session, now),
        "protocols": ["ws", "wss"],
    }


def dof_view(session: dict[str, Any]) -> dict[str, int]:
    consumed = min(session.get("consumed", 0), session["allocated"])
    return {"allocated": session["allocated"], "consumed": consumed, "remaining": session["allocated"] - consumed}


def _new_session(
    kind: str,
    agent: dict[str, Any],
    user_id: str,
    allocated: int,
    rate: int,
    starts: datetime,
    expires: datetime,
    listing_id: str | None,
    configuration: dict[str, Any] | None,
) -> dict[str, Any]:
    now = utc_now_iso()
    return {
        "sessionId": f"ses_{uuid.uuid4().hex[:20]}",
        "type": kind,
        "agentId": agent["agentId"],
        "agentName": agent["name"],
        "agentType": agent["type"],
        # the agent as it was hired: replies need no read of the agent, and later edits by the
        # owner do not change a running contract
        "agentConfiguration": agent["configuration"],
        "ownerId": agent["ownerId"],
        "listingId": listing_id,
        "userId": user_id,
        "allocated": allocated,
        "consumed": 0,
        "rate": rate,
        "status": ACTIVE,
        "startsAt": _iso(starts),
        "expiresAt": _iso(expires),
        "lastActivityAt": _iso(starts),
        "configuration": configuration or {},
        "createdAt": now,
    }


def _open(services: SessionServices, session: dict[str, Any], payer: str, description: str, extra: list) -> Any:
    """Escrow the allocation with the session record, then start its lifecycle."""
    posted = services.ledger.post(
        f"session-escrow-{session['sessionId']}",
        [
            Posting(payer, -session["allocated"]),
            Posting(escrow_account(session["sessionId"], DOF), session["allocated"]),
        ],
        description=description,
        metadata={"kind": f"{session['type']}_escrow", "sessionId": session["sessionId"]},
        extra_writes=services.sessions.new_session_writes(session) + extra,
    )
    timeout = int((_parse(session["expiresAt"]) - datetime.now(UTC)).total_seconds()) + rules.SETTLEMENT_GRACE_SECONDS
    try:
        # the execution is named after the session, so its ARN need not be stored
        services.lifecycle.start(session["sessionId"], timeout)
    except Exception as error:
        logger(API_NAME).exception("Could not start session lifecycle; refunding escrow")
        refund_session(services, session["sessionId"])
        raise ServiceUnavailable("Sessions are temporarily unavailable; nothing was charged") from error
    return posted


def hire_agent(
    services: SessionServices,
    hirer_id: str,
    listing_id: str,
    allocation: int,
    start_time: str | None,
    configuration: dict[str, Any] | None,
    message: str | None,
    is_available: Any,
) -> dict[str, Any]:
    now = datetime.now(UTC)
    listing = services.sessions.get_listing(listing_id)
    if listing is None:
        raise NotFound(f"Listing {listing_id} not found", {"listingId": listing_id}, code="LISTING_NOT_FOUND")
    if listing["ownerId"] == hirer_id:
        raise Forbidden("You cannot hire your own agent", {"listingId": listing_id}, code="CANNOT_HIRE_OWN_AGENT")
    if listing.get("status") != "active":
        raise Forbidden("This agent is not available for hire", {"listingId": listing_id}, code="AGENT_NOT_AVAILABLE")
    start = rules.parse_start_time(start_time, now)
    if not is_available(listing.get("availability") or {"schedule": "always"}, start):
        raise Forbidden(
            "The agent is not available at that time", {"startTime": _iso(start)}, code="AGENT_NOT_AVAILABLE"
        )
    hourly = listing["pricing"]["hourly"]
    terms = rules.contract_terms(hourly, allocation, start)
    agent = services.agents.get(listing["agentId"])
    if agent is None:
        raise NotFound(f"Listing {listing_id} not found", {"listingId": listing_id}, code="LISTING_NOT_FOUND")
    session = _new_session(
        "hired",
        agent,
        hirer_id,
        allocation,
        terms.base_rate,
        terms.starts_at,
        terms.expires_at,
        listing_id,
        configuration,
    )
    session["message"] = message
    booking = services.sessions.booking_write(agent["agentId"], session["sessionId"], int(terms.expires_at.timestamp()))
    posted = _open(services, session, user_account(hirer_id, DOF), f"Hire of {agent['name']} (escrow)", [booking])
    projected = rules.split(allocation)
    services.events.append(
        agent["ownerId"],
        "agent_hired",
        {
            "agentId": agent["agentId"],
            "agentName": agent["name"],
            "sessionId": session["sessionId"],
            "dofAllocated": allocation,
        },
    )
    return {
        "sessionId": session["sessionId"],
        "agentId": agent["agentId"],
        "contract": {
            "dofAllocated": allocation,
            "estimatedHours": terms.estimated_hours,
            "baseRate": terms.base_rate,
            "startedAt": session["startsAt"],
        },
        "transaction": {
            "id": posted.transaction_id,
            "status": "completed",
            "dofAmount": allocation,
            "distribution": {"owner": projected.owner, "platform": projected.platform, "creator": projected.creator},
        },
        "accessToken": session_token(services, session, now),
        "sessionUrl": connection_info(services, session, now)["websocketUrl"],
    }


def start_session(
    services: SessionServices,
    caller_id: str,
    agent_id: str,
    kind: str,
    hire_session_id: str | None,
    configuration: dict[str, Any] | None,
) -> dict[str, Any]:
    now = datetime.now(UTC)
    if configuration is not None:
        configuration = options_to_store(read_configuration(configuration, ConfigurationOptions))
    if kind == "hired":
        if not hire_session_id:
            raise InvalidInput("hireSessionId is required for hired sessions", {"field": "hireSessionId"})
        session = services.sessions.get(hire_session_id)
        if (
            session is None
            or session["userId"] != caller_id
            or session["type"] != "hired"
            or session["agentId"] != agent_id
        ):
            raise session_not_found(hire_session_id)
        if session["status"] != ACTIVE:
            raise Forbidden("This hire has ended", {"sessionId": hire_session_id}, code="SESSION_ENDED")
    else:
        agent = services.agents.get(agent_id)
        if agent is None:
            raise not_found(agent_id)
        if kind == "owned":
            check_owner(agent, agent_id, caller_id)
            hourly = MIN_HOURLY[agent["rank"]]
            rate = rules.base_rate(hourly)
            session = _new_session(
                "owned", agent, caller_id, hourly, rate, now, now + timedelta(hours=1), None, configuration
            )
            _open(services, session, user_account(caller_id, DOF), f"Session with own agent {agent['name']}", [])
        else:
            status = agent.get("marketplaceStatus", {})
            if agent["ownerId"] == caller_id:
                raise Forbidden("Owners run their agents as owned sessions", code="CANNOT_TRIAL_OWN_AGENT")
            if not status.get("isHirable"):
                raise not_found(agent_id)
            listing = services.sessions.get_listing(status["listingId"])
            rate = rules.base_rate(listing["pricing"]["hourly"])
            session = _new_session(
                "trial",
                agent,
                caller_id,
                rate * TRIAL_MINUTES,
                rate,
                now,
                now + timedelta(minutes=TRIAL_MINUTES * 3),
                status["listingId"],
                configuration,
            )
            claim = services.sessions.trial_claim_write(caller_id, agent_id, session["sessionId"])
            _open(services, session, system_account("external", DOF), f"Trial of {agent['name']}", [claim])
    return {
        "sessionId": session["sessionId"],
        "agentId": session["agentId"],
        "type": session["type"],
        "status": "active",
        "connection": connection_info(services, session, now),
        "dof": dof_view(session),
        "expiresAt": session["expiresAt"],
    }


def visible_session(services: SessionServices, session_id: str, caller_id: str) -> dict[str, Any]:
    """The session's user and the agent's owner may read it; to anyone else it does not exist."""
    session = services.sessions.get(session_id)
    if session is None or caller_id not in (session["userId"], session["ownerId"]):
        raise session_not_found(session_id)
    view = {
        "sessionId": session["sessionId"],
        "agentId": session["agentId"],
        "type": session["type"],
        "status": session["status"],
        "dof": dof_view(session),
        "rate": session["rate"],
        "startedAt": session["startsAt"],
        "expiresAt": session["expiresAt"],
    }
    for optional in ("endedReason", "endedAt", "settlement", "listingId"):
        if session.get(optional):
            view[optional] = session[optional]
    return view


# -- lifecycle (Step Functions tasks) ----------------------------------------------------------


def end_session(services: SessionServices, session_id: str, reason: str) -> dict[str, Any] | None:
    """Stop a live session and tell its lifecycle, which settles it. Idempotent."""
    ended = services.sessions.end(session_id, reason, utc_now_iso())
    if ended is not None and ended.get("taskToken"):
        services.lifecycle.session_ended(ended["taskToken"], {"reason": reason})
    return ended


def await_session_end(services: SessionServices, session_id: str, task_token: str) -> None:
    """First lifecycle step: keep the callback token; if the session already ended, call back now."""
    session = services.sessions.set_task_token(session_id, task_token)
    if session["status"] != ACTIVE:
        services.lifecycle.session_ended(task_token, {"reason": session.get("endedReason", "ended")})


def _settlement_postings(session: dict[str, Any], consumed: int) -> list[Posting]:
    escrow = escrow_account(session["sessionId"], DOF)
    allocated = session["allocated"]
    postings = [Posting(escrow, -allocated)]
    if session["type"] == "hired":
        shares = rules.split(consumed)
        postings += [
            Posting(user_account(session["ownerId"], DOF), shares.owner),
            Posting(system_account("platform", DOF), shares.platform),
            Posting(system_account("creator_pool", DOF), shares.creator),
            Posting(user_account(session["userId"], DOF), allocated - consumed),
        ]
    elif session["type"] == "owned":
        postings += [
            Posting(system_account("platform", DOF), consumed),
            Posting(user_account(session["userId"], DOF), allocated - consumed),
        ]
    else:
        postings.append(Posting(system_account("external", DOF), allocated))
    return [posting for posting in postings if posting.amount != 0]


def settle_session(services: SessionServices, session_id: str, reason: str) -> dict[str, Any]:
    session = services.sessions.get(session_id)
    if session is None:
        raise session_not_found(session_id)
    if session["status"] in (SETTLED, REFUNDED):
        return session.get("settlement") or {}
    ended_here = session["status"] == ACTIVE
    if ended_here:  # the lifecycle timed out (contract expired or idle): tell any open socket
        session = services.sessions.end(session_id, reason, utc_now_iso()) or services.sessions.get(session_id)
    consumed = min(session.get("consumed", 0), session["allocated"])
    shares = rules.split(consumed) if session["type"] == "hired" else None
    settlement = {
        "consumed": consumed,
        "refunded": session["allocated"] - consumed if session["type"] != "trial" else 0,
        "reason": session.get("endedReason", reason),
        "settledAt": utc_now_iso(),
    }
    if shares is not None:
        settlement["distribution"] = {"owner": shares.owner, "platform": shares.platform, "creator": shares.creator}
    posted = services.ledger.post(
        f"session-settle-{session_id}",
        _settlement_postings(session, consumed),
        description=f"Settlement of session with {session['agentName']}",
        metadata={"kind": f"{session['type']}_settlement", "sessionId": session_id},
        extra_writes=services.sessions.settlement_writes(session, SETTLED, settlement),
    )
    if not posted.replayed:
        _after_settlement(services, session, consumed)
    if session["type"] == "hired" and session.get("listingId"):
        services.record_hire_outcome(session["listingId"], None, consumed > 0, outcome_id=session_id)
    if ended_here:
        services.notify(session_id, session_ended(session, session.get("endedReason", reason), consumed))
        services.hang_up(session_id)
    return settlement


def _after_settlement(services: SessionServices, session: dict[str, Any], consumed: int) -> None:
    """Progression: best effort, after the money is safe (its ``dof_update`` events went with it)."""
    if session["type"] == "hired" and consumed > 0:
        for achievement in services.agents.record_completed_hire(session["agentId"], ACHIEVEMENT_THRESHOLDS):
            services.events.append(
                session["ownerId"],
                "achievement_earned",
                {"agentId": session["agentId"], "achievement": achievement, "name": achievement},
            )


def refund_session(services: SessionServices, session_id: str) -> dict[str, Any]:
    """Compensation: whatever is still in escrow goes back to whoever paid it. Idempotent."""
    session = services.sessions.get(session_id)
    if session is None or session["status"] in (SETTLED, REFUNDED):
        return {"refunded": 0}
    held = services.ledger.balance(escrow_account(session_id, DOF))
    payer = system_account("external", DOF) if session["type"] == "trial" else user_account(session["userId"], DOF)
    settlement = {"consumed": 0, "refunded": held, "reason": "refunded", "settledAt": utc_now_iso()}
    postings = [Posting(escrow_account(session_id, DOF), -held), Posting(payer, held)] if held else []
    if postings:
        services.ledger.post(
            f"session-refund-{session_id}",
            postings,
            description="Session refund",
            metadata={"kind": "session_refund", "sessionId": session_id},
            extra_writes=services.sessions.settlement_writes(session, REFUNDED, settlement),
        )
    return settlement
