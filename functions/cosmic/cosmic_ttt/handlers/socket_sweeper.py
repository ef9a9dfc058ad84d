"""Scheduled every minute: close the realtime sockets that did not authenticate within the
timeout (see handlers/socket.py; ``$connect`` also sweeps, so under traffic they close sooner)."""

from typing import Any

from cosmic_ttt.handlers.socket import sweep_unauthenticated
from cosmic_ttt.settings import API_NAME
from shared.observability import logger


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    closed = sweep_unauthenticated()
    if closed:
        logger(API_NAME).info("Closed unauthenticated sockets", extra={"closed": closed})
    return {"closed": closed}
