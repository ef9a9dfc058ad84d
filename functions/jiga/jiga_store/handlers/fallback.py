"""The ``$default`` route: any request no JIGA route takes gets 404, or 405 with ``Allow`` when the
path exists under other methods, in JIGA's envelope (see shared.fallback)."""

from jiga_store.errors import JIGA_STYLE
from jiga_store.handlers import (
    agents,
    auth,
    events,
    hire,
    marketplace,
    sessions,
    shopify_webhooks,
    stripe_webhooks,
    transactions,
    wallet,
)
from jiga_store.identity import authenticate
from jiga_store.settings import API_NAME
from shared.app import lambda_handler
from shared.fallback import create_fallback_app

ROUTERS = [
    module.router
    for module in (
        agents,
        auth,
        events,
        hire,
        marketplace,
        sessions,
        shopify_webhooks,
        stripe_webhooks,
        transactions,
        wallet,
    )
]
app = create_fallback_app(API_NAME, JIGA_STYLE, ROUTERS, authenticate=authenticate)
handler = lambda_handler(app)
