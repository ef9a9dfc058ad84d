"""The ``$default`` route: 404, or 405 with ``Allow``, in the spec's envelope (see shared.fallback)."""

from realestate_agent.errors import REALESTATE_STYLE
from realestate_agent.identity import authenticate
from realestate_agent.settings import API_NAME
from shared.app import lambda_handler
from shared.fallback import create_fallback_app

# Every route of the API's endpoint groups (tests/unit/test_fallback_routes.py holds it to their routers):
# importing the groups' handlers would build every app, model and logic module of the API.
ROUTES = {
    "/api/v1/agents": ("GET", "POST"),
    "/api/v1/agents/{agentId}": ("DELETE", "GET", "PUT"),
    "/api/v1/agents/{agentId}/documents": ("GET", "POST"),
    "/api/v1/agents/{agentId}/webhook-deliveries": ("GET",),
    "/api/v1/agents/{agentId}/webhook-deliveries/{deliveryId}": ("GET",),
    "/api/v1/agents/{agentId}/webhook-deliveries/{deliveryId}/redeliver": ("POST",),
    "/api/v1/auth/accept-invitation": ("POST",),
    "/api/v1/auth/login": ("POST",),
    "/api/v1/auth/logout": ("POST",),
    "/api/v1/auth/refresh": ("POST",),
    "/api/v1/auth/register": ("POST",),
    "/api/v1/conversations": ("GET", "POST"),
    "/api/v1/conversations/{conversationId}": ("GET",),
    "/api/v1/conversations/{conversationId}/end": ("PUT",),
    "/api/v1/conversations/{conversationId}/messages": ("GET", "POST"),
    "/api/v1/conversations/{conversationId}/stream": ("GET",),
    "/api/v1/health": ("GET",),
    "/api/v1/health/live": ("GET",),
    "/api/v1/health/ready": ("GET",),
    "/api/v1/leads": ("GET", "POST"),
    "/api/v1/leads/{leadId}": ("GET",),
    "/api/v1/leads/{leadId}/bant-score": ("POST",),
    "/api/v1/leads/{leadId}/bant-score/accept-suggestion": ("POST",),
    "/api/v1/leads/{leadId}/status": ("PUT",),
    "/api/v1/organization": ("GET", "PUT"),
    "/api/v1/organization/invitations": ("GET",),
    "/api/v1/organization/members": ("GET", "POST"),
    "/api/v1/organization/members/{userId}": ("DELETE", "PUT"),
}
app = create_fallback_app(API_NAME, REALESTATE_STYLE, routes=ROUTES, authenticate=authenticate)
handler = lambda_handler(app)
