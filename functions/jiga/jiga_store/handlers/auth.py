"""POST /api/v1/auth/register, /login, /refresh: how a JIGA user gets a token."""

from jiga_store import dependencies
from jiga_store.settings import API_NAME
from shared.app import create_app, lambda_handler
from shared.errors import JIGA_STYLE
from shared.identity import auth_router

app = create_app(API_NAME, JIGA_STYLE, [auth_router("/api/v1/auth", dependencies.users)])
handler = lambda_handler(app)
