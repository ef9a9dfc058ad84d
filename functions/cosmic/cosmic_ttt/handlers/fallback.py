"""The ``$default`` route: any request no Cosmic route takes gets 404, or 405 with ``Allow`` when
the path exists under other methods, in Cosmic's envelope (see shared.fallback)."""

from cosmic_ttt.errors import COSMIC_STYLE
from cosmic_ttt.handlers import auth, cosmetics, economy, matches, progression, trading
from cosmic_ttt.identity import verify_access_token
from cosmic_ttt.settings import API_NAME
from shared.app import lambda_handler
from shared.fallback import create_fallback_app

ROUTERS = [module.router for module in (auth, cosmetics, economy, matches, progression, trading)]
app = create_fallback_app(API_NAME, COSMIC_STYLE, ROUTERS, authenticate=verify_access_token)
handler = lambda_handler(app)
