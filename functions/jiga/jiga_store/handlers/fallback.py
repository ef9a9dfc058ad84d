"""The ``$default`` route: any request no JIGA route takes gets 404, or 405 with ``Allow`` when the
path exists under other methods, in JIGA's envelope (see shared.fallback)."""

from jiga_store.errors import JIGA_STYLE
from jiga_store.identity import authenticate
from jiga_store.settings import API_NAME
from shared.app import lambda_handler
from shared.fallback import create_fallback_app

# Every route of the API's endpoint groups (tests/unit/test_fallback_routes.py holds it to their routers):
# importing the groups' handlers would build every app, model and logic module of the API.
ROUTES = {
    "/api/v1/admin/dof-grants": ("POST",),
    "/api/v1/agents": ("POST",),
    "/api/v1/agents/{agentId}": ("GET",),
    "/api/v1/agents/{agentId}/config": ("PUT",),
    "/api/v1/agents/{agentId}/publish": ("POST",),
    "/api/v1/auth/login": ("POST",),
    "/api/v1/auth/logout": ("POST",),
    "/api/v1/auth/refresh": ("POST",),
    "/api/v1/auth/register": ("POST",),
    "/api/v1/events/stream": ("GET",),
    "/api/v1/marketplace/search": ("GET",),
    "/api/v1/marketplace/{listingId}/hire": ("POST",),
    "/api/v1/marketplace/{listingId}/reviews": ("GET",),
    "/api/v1/sessions": ("POST",),
    "/api/v1/sessions/{sessionId}": ("GET",),
    "/api/v1/sessions/{sessionId}/review": ("POST",),
    "/api/v1/transactions/purchase": ("POST",),
    "/api/v1/transactions/transfer": ("POST",),
    "/api/v1/transactions/{transactionId}": ("GET",),
    "/api/v1/wallet": ("GET",),
    "/api/v1/webhooks/shopify": ("POST",),
    "/api/v1/webhooks/stripe": ("POST",),
}
app = create_fallback_app(API_NAME, JIGA_STYLE, routes=ROUTES, authenticate=authenticate)
handler = lambda_handler(app)
