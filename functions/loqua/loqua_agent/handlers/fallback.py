"""The ``$default`` route: any request no Loqua route takes gets 404, or 405 with ``Allow`` when the
path exists under other methods, in Loqua's envelope (see shared.fallback)."""

from loqua_agent.errors import EndpointGroup
from loqua_agent.settings import API_NAME
from shared.app import lambda_handler
from shared.fallback import create_fallback_app

# Every route of the API's endpoint groups (tests/unit/test_fallback_routes.py holds it to their routers):
# importing the groups' handlers would build every app, model and logic module of the API.
ROUTES = {
    "/api/v1/admin/agents/{agent_id}/tokens": ("DELETE", "GET", "POST"),
    "/api/v1/admin/agents/{agent_id}/tokens/{token_id}": ("DELETE",),
    "/api/v1/agent/health": ("POST",),
    "/api/v1/agent/progress": ("POST",),
    "/api/v1/agent/sessions": ("POST",),
    "/api/v1/agent/user-token": ("POST",),
    "/api/v1/agent/user/{user_id}/context": ("POST",),
    "/api/v1/auth/login": ("POST",),
    "/api/v1/auth/logout": ("POST",),
    "/api/v1/auth/refresh": ("POST",),
    "/api/v1/auth/register": ("POST",),
    "/api/v1/learner/audit-log": ("GET",),
    "/api/v1/learner/preferences": ("GET", "PUT"),
    "/api/v1/webhooks/livekit": ("POST",),
}
app = create_fallback_app(API_NAME, EndpointGroup("fallback").style(), routes=ROUTES)
handler = lambda_handler(app)
