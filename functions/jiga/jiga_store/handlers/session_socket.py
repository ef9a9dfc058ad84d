"""Every route of the JIGA session WebSocket API ($connect, $disconnect, the four client message
types and $default).

API Gateway WebSockets cannot route on URL paths, so the spec's ``/session/{sessionId}`` becomes
``?sessionId=``; the session token (``accessToken`` from hire, ``connection.token`` from
``POST /sessions``) comes in ``Authorization: Bearer`` or, for browsers, ``?token=``. Replies go
to every connection of the session through the ``@connections`` API, so a client that reconnects
(or a second device) keeps the same session, counters and DOFs. ``$disconnect`` only forgets the
connection: it is best effort in API Gateway, so nothing is billed or ended by it. Once a
``session_ended`` has been delivered, every socket of the session is closed from the server
(``DeleteConnection``: a normal close, code 1000), as clients expect.
"""

import json
from datetime import UTC, datetime
from typing import Any

from jiga_store import dependencies
from jiga_store.dal.sessions import ACTIVE
from jiga_store.identity import token_policy
from jiga_store.logic.live import error_message, handle_client_message
from jiga_store.settings import API_NAME, get_jiga_settings
from shared import websocket
from shared.errors import DomainError
from shared.observability import logger
from shared.tokens import SESSION


def _connect(event: dict[str, Any], connection_id: str) -> dict[str, Any]:
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    query = event.get("queryStringParameters") or {}
    scheme, _, header_token = headers.get("authorization", "").partition(" ")
    token = header_token.strip() if scheme.lower() == "bearer" else query.get("token")
    if not token:
        return {"statusCode": 401, "body": "Missing session token"}
    try:
        claims = token_policy().verify(token, SESSION)
    except DomainError as error:
        return {"statusCode": 401, "body": error.message}
    session_id = claims.get("sid")
    if query.get("sessionId") not in (None, session_id):
        return {"statusCode": 403, "body": "This token belongs to another session"}
    session = dependencies.session_services().sessions.get(session_id)
    if session is None or session["userId"] != claims["sub"]:
        return {"statusCode": 404, "body": "Session not found"}
    if session["status"] != ACTIVE:
        return {"statusCode": 403, "body": "This session has ended"}
    if datetime.fromisoformat(session["startsAt"].replace("Z", "+00:00")) > datetime.now(UTC):
        return {"statusCode": 403, "body": "This session has not started yet"}
    websocket.save_connection(
        connection_id,
        get_jiga_settings().websocket_endpoint,
        channel=session_id,
        attributes={"userId": claims["sub"], "sessionId": session_id},
    )
    return {"statusCode": 200}


def _message(event: dict[str, Any], connection_id: str) -> dict[str, Any]:
    connection = websocket.get_connection(connection_id)
    if connection is None:
        return {"statusCode": 410}
    endpoint = connection["endpointUrl"]
    try:
        message = json.loads(event.get("body") or "")
    except ValueError:
        websocket.push(endpoint, connection_id, error_message("INVALID_INPUT", "Messages must be JSON"))
        return {"statusCode": 200}
    session_id = connection["attributes"]["sessionId"]
    replies = handle_client_message(dependencies.session_services(), session_id, message)
    errors = [reply for reply in replies if reply["type"] == "error"]
    for reply in errors:  # only the sender needs to hear about its own mistake
        websocket.push(endpoint, connection_id, reply)
    if len(errors) < len(replies):
        # every socket of the session (a reconnect, a second device) sees the conversation
        for member in websocket.channel_connections(session_id):
            for reply in replies:
                if reply["type"] != "error" and not websocket.push(
                    member["endpointUrl"], member["connectionId"], reply
                ):
                    break
    if any(reply["type"] == "session_ended" for reply in replies):
        websocket.disconnect_channel(session_id)
    return {"statusCode": 200}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = event["requestContext"]
    route, connection_id = request["routeKey"], request["connectionId"]
    logger(API_NAME).append_keys(connection_id=connection_id, route=route)
    if route == "$connect":
        return _connect(event, connection_id)
    if route == "$disconnect":
        websocket.delete_connection(connection_id)
        return {"statusCode": 200}
    return _message(event, connection_id)
