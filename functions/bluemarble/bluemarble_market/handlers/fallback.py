"""The ``$default`` route: any request no BlueMarble route takes gets 404, or 405 with ``Allow``
when the path exists under other methods, in BlueMarble's envelope (see shared.fallback)."""

from bluemarble_market.errors import BLUEMARBLE_STYLE
from bluemarble_market.identity import authenticate
from bluemarble_market.settings import API_NAME
from shared.app import lambda_handler
from shared.fallback import create_fallback_app

# Every route of the API's endpoint groups (tests/unit/test_fallback_routes.py holds it to their routers):
# importing the groups' handlers would build every app, model and logic module of the API.
ROUTES = {
    "/api/auth/guest": ("POST",),
    "/api/auth/login": ("POST",),
    "/api/auth/logout": ("POST",),
    "/api/auth/refresh": ("POST",),
    "/api/auth/register": ("POST",),
    "/api/auth/token": ("POST",),
    "/api/game/grants": ("POST",),
    "/api/game/items/{itemId}": ("PUT",),
    "/api/game/players/{playerId}/membership": ("PUT",),
    "/api/game/routes/{origin}/{destination}": ("PUT",),
    "/api/marketplace/analytics/prices/{itemId}": ("GET",),
    "/api/marketplace/analytics/trends": ("GET",),
    "/api/marketplace/favorites": ("GET",),
    "/api/marketplace/listings": ("GET", "POST"),
    "/api/marketplace/listings/{id}": ("DELETE", "GET", "PATCH"),
    "/api/marketplace/listings/{id}/favorite": ("DELETE", "POST"),
    "/api/marketplace/reputation/rate": ("POST",),
    "/api/marketplace/reputation/{sellerId}": ("GET",),
    "/api/marketplace/transactions": ("GET", "POST"),
    "/api/marketplace/transactions/{transactionId}": ("GET",),
    "/api/players/me": ("GET",),
    "/api/players/me/inventory": ("GET",),
    "/api/players/me/notifications": ("GET",),
    "/api/players/me/wallet": ("GET",),
}
app = create_fallback_app(API_NAME, BLUEMARBLE_STYLE, routes=ROUTES, authenticate=authenticate)
handler = lambda_handler(app)
