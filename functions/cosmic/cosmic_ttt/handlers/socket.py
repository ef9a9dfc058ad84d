"""The realtime WebSocket API (``CosmicWebSocketApi``, the spec's "WebSocket API"): every route.

Protocol (decisions the spec leaves open):

* Connect to the stage URL (``ws://127.0.0.1:3104/dev`` locally) with no credentials; then send
  ``{"type": "auth", "token": "<access token>"}`` as the spec shows. The answer is
  ``{"type": "auth_ok", "player_id": ...}``; from then on the player's events are pushed as they
  happen: ``match_update``, ``match_complete``, ``achievement_unlocked``, ``level_up``,
  ``challenge_progress``.
* A token that does not verify (or whose session was logged out) gets
  ``{"type": "error", "code": "UNAUTHORIZED" | "TOKEN_EXPIRED", ...}`` and the socket is closed.
* Until it authenticates a socket receives nothing; any other message gets an error and closes it,
  and a socket that has not authenticated within 10 seconds (``COSMIC_SOCKET_AUTH_TIMEOUT_SECONDS``)
  is closed: by the next connection's ``$connect``, which sweeps the stale ones, and by the
  sweeper that runs every minute (``handlers/socket_sweeper.py``), whichever comes first.
* One connection per player (the spec's WebSocket limit): authenticating closes the player's older
  socket, which is told ``{"type": "session_replaced"}`` first.
* An authenticated socket may send ``{"type": "ping"}`` and gets ``{"type": "pong"}``.
"""

import json
import time
from typing import Any

from cosmic_ttt.dependencies import player_channel
from cosmic_ttt.identity import verify_access_token
from cosmic_ttt.settings import API_NAME, get_cosmic_settings
from shared import websocket
from shared.errors import DomainError, TokenExpired
from shared.observability import logger

PENDING = "cosmic:pending"


def close(connection: dict[str, Any]) -> None:
    """Close a socket from the server and forget it at once (its ``$disconnect`` forgets it too)."""
    websocket.disconnect(connection["endpointUrl"], connection["connectionId"])
    websocket.delete_connection(connection["connectionId"])


def sweep_unauthenticated(now: float | None = None) -> int:
    """Close every socket that has not authenticated in time; returns how many."""
    cutoff = (time.time() if now is None else now) - get_cosmic_settings().socket_auth_timeout_seconds
    stale = [c for c in websocket.channel_connections(PENDING) if c.get("connectedAt", 0) <= cutoff]
    for connection in stale:
        close(connection)
    return len(stale)


def _refuse(connection: dict[str, Any], code: str, message: str) -> dict[str, Any]:
    websocket.push(
        connection["endpointUrl"], connection["connectionId"], {"type": "error", "code": code, "message": message}
    )
    close(connection)
    return {"statusCode": 200}


def _authenticate(connection: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
    token = message.get("token")
    if not isinstance(token, str) or not token:
        return _refuse(connection, "UNAUTHORIZED", "The auth message needs a token")
    try:
        principal = verify_access_token(token)
    except TokenExpired as error:
        return _refuse(connection, "TOKEN_EXPIRED", error.message)
    except DomainError as error:
        return _refuse(connection, "UNAUTHORIZED", error.message)
    channel = player_channel(principal.user_id)
    older = [c for c in websocket.channel_connections(channel) if c["connectionId"] != connection["connectionId"]]
    websocket.save_connection(
        connection["connectionId"],
        connection["endpointUrl"],
        channel=channel,
        attributes={"player_id": principal.user_id, "authenticatedAt": int(time.time())},
    )
    for replaced in older:
        websocket.push(replaced["endpointUrl"], replaced["connectionId"], {"type": "session_replaced"})
        close(replaced)
    websocket.push(
        connection["endpointUrl"], connection["connectionId"], {"type": "auth_ok", "player_id": principal.user_id}
    )
    return {"statusCode": 200}


def _message(event: dict[str, Any], connection_id: str) -> dict[str, Any]:
    connection = websocket.get_connection(connection_id)
    if connection is None:
        return {"statusCode": 410}
    try:
        message = json.loads(event.get("body") or "")
    except ValueError:
        message = None
    kind = message.get("type") if isinstance(message, dict) else None
    if kind == "auth":
        return _authenticate(connection, message)
    if connection.get("channel") == PENDING:
        return _refuse(connection, "UNAUTHORIZED", 'Send {"type": "auth", "token": ...} first')
    endpoint = connection["endpointUrl"]
    if kind == "ping":
        websocket.push(endpoint, connection_id, {"type": "pong"})
    else:
        error = {"type": "error", "code": "UNKNOWN_MESSAGE", "message": "Messages are auth or ping"}
        websocket.push(endpoint, connection_id, error)
    return {"statusCode": 200}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = event["requestContext"]
    route, connection_id = request["routeKey"], request["connectionId"]
    logger(API_NAME).append_keys(connection_id=connection_id, route=route)
    if route == "$connect":
        sweep_unauthenticated()
        websocket.save_connection(
            connection_id, get_cosmic_settings().websocket_endpoint, channel=PENDING, attributes={}
        )
        return {"statusCode": 200}
    if route == "$disconnect":
        websocket.delete_connection(connection_id)
        return {"statusCode": 200}
    return _message(event, connection_id)
