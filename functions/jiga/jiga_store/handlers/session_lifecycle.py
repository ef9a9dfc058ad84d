"""Tasks of the session lifecycle state machine (statemachines/session_lifecycle.asl.json).

Invoked by Step Functions, not HTTP. Each action does one thing and is safe to retry; failures
surface as named errors the state machine retries or compensates.
"""

from typing import Any

from jiga_store import dependencies
from jiga_store.logic import sessions
from jiga_store.settings import API_NAME
from shared.observability import logger


class UnknownLifecycleAction(Exception):
    """The state machine asked for an action this function does not know (a deploy mismatch)."""


@logger(API_NAME).inject_lambda_context(log_event=False)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    action, session_id = event.get("action"), event["sessionId"]
    logger(API_NAME).append_keys(session_id=session_id, action=action)
    services = dependencies.session_services()
    if action == "await_end":
        sessions.await_session_end(services, session_id, event["taskToken"])
        return {"sessionId": session_id}
    if action == "settle":
        reason = "expired" if event.get("timedOut") else "ended"
        return {"sessionId": session_id, "settlement": sessions.settle_session(services, session_id, reason)}
    if action == "refund":
        return {"sessionId": session_id, "settlement": sessions.refund_session(services, session_id)}
    raise UnknownLifecycleAction(str(action))
