"""The ``$default`` route: any request no Cosmic route takes gets 404, or 405 with ``Allow`` when
the path exists under other methods, in Cosmic's envelope (see shared.fallback)."""

from cosmic_ttt.errors import COSMIC_STYLE
from cosmic_ttt.identity import verify_access_token
from cosmic_ttt.settings import API_NAME
from shared.app import lambda_handler
from shared.fallback import create_fallback_app

# Every route of the API's endpoint groups (tests/unit/test_fallback_routes.py holds it to their routers):
# importing the groups' handlers would build every app, model and logic module of the API.
ROUTES = {
    "/v1/.well-known/jwks.json": ("GET",),
    "/v1/admin/players/{player_id}/grants": ("POST",),
    "/v1/auth/login": ("POST",),
    "/v1/auth/logout": ("POST",),
    "/v1/auth/refresh": ("POST",),
    "/v1/auth/register": ("POST",),
    "/v1/challenges/daily": ("GET",),
    "/v1/cosmetics": ("GET",),
    "/v1/cosmetics/{item_id}/purchase": ("POST",),
    "/v1/currency/convert": ("POST",),
    "/v1/matches": ("POST",),
    "/v1/matches/active": ("GET",),
    "/v1/matches/history": ("GET",),
    "/v1/matches/{match_id}": ("GET",),
    "/v1/matches/{match_id}/moves": ("POST",),
    "/v1/players/{player_id}/achievements": ("GET",),
    "/v1/players/{player_id}/achievements/{achieve_id}/claim": ("POST",),
    "/v1/players/{player_id}/inventory": ("GET",),
    "/v1/players/{player_id}/loadout": ("GET", "PUT"),
    "/v1/players/{player_id}/progress": ("GET",),
    "/v1/players/{player_id}/skills": ("GET",),
    "/v1/players/{player_id}/skills/{node_id}/unlock": ("POST",),
    "/v1/players/{player_id}/streak": ("GET",),
    "/v1/players/{player_id}/transactions": ("GET",),
    "/v1/players/{player_id}/wallet": ("GET",),
    "/v1/shop/daily": ("GET",),
    "/v1/trades": ("POST",),
    "/v1/trading/status": ("GET",),
}
app = create_fallback_app(API_NAME, COSMIC_STYLE, routes=ROUTES, authenticate=verify_access_token)
handler = lambda_handler(app)
