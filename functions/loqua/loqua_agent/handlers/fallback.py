"""The ``$default`` route: any request no Loqua route takes gets 404, or 405 with ``Allow`` when the
path exists under other methods, in Loqua's envelope (see shared.fallback)."""

from loqua_agent.errors import EndpointGroup
from loqua_agent.handlers import (
    admin,
    auth,
    context,
    health,
    learner,
    livekit_webhooks,
    progress,
    sessions,
    user_token,
)
from loqua_agent.settings import API_NAME
from shared.app import lambda_handler
from shared.fallback import create_fallback_app

ROUTERS = [
    module.router
    for module in (admin, auth, context, health, learner, livekit_webhooks, progress, sessions, user_token)
]
app = create_fallback_app(API_NAME, EndpointGroup("fallback").style(), ROUTERS)
handler = lambda_handler(app)
