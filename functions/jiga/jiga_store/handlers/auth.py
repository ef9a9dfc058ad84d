"""POST /api/v1/auth/register, /login, /refresh: how a JIGA user gets a token.

Registering also delivers DOFs bought on the shop with that email before the account existed
(see logic/shopify.py). A failure there never fails the registration: it is logged, and the
held DOFs stay safely in their holding account for support to deliver.
"""

from typing import Any

from jiga_store import dependencies
from jiga_store.logic.shopify import claim_pending_credits
from jiga_store.settings import API_NAME
from shared.app import create_app, lambda_handler
from shared.errors import JIGA_STYLE
from shared.identity import auth_router
from shared.observability import log_exception


def deliver_held_purchases(user: dict[str, Any]) -> None:
    try:
        claim_pending_credits(user["userId"], user["email"], dependencies.shopify())
    except Exception:
        log_exception(API_NAME, "Could not deliver held DOF purchases", userId=user["userId"])


app = create_app(API_NAME, JIGA_STYLE, [auth_router("/api/v1/auth", dependencies.users, deliver_held_purchases)])
handler = lambda_handler(app)
