"""The ``$default`` route: any request no BlueMarble route takes gets 404, or 405 with ``Allow``
when the path exists under other methods, in BlueMarble's envelope (see shared.fallback)."""

from bluemarble_market.errors import BLUEMARBLE_STYLE
from bluemarble_market.handlers import analytics, auth, browse, game, listings, players, reputation, transactions
from bluemarble_market.identity import authenticate
from bluemarble_market.settings import API_NAME
from shared.app import lambda_handler
from shared.fallback import create_fallback_app

ROUTERS = [module.router for module in (analytics, auth, browse, game, listings, players, reputation, transactions)]
app = create_fallback_app(API_NAME, BLUEMARBLE_STYLE, ROUTERS, authenticate=authenticate)
handler = lambda_handler(app)
