"""The ``$default`` route: 404, or 405 with ``Allow``, in the spec's envelope (see shared.fallback)."""

from realestate_agent.errors import REALESTATE_STYLE
from realestate_agent.handlers import (
    agents,
    auth,
    conversations,
    health,
    leads,
    organization,
    uploads,
    webhooks,
)
from realestate_agent.identity import authenticate
from realestate_agent.settings import API_NAME
from shared.app import lambda_handler
from shared.fallback import create_fallback_app

ROUTERS = [module.router for module in (agents, auth, conversations, health, leads, organization, uploads, webhooks)]
app = create_fallback_app(API_NAME, REALESTATE_STYLE, ROUTERS, authenticate=authenticate)
handler = lambda_handler(app)
