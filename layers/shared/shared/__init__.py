"""Cross-cutting platform code shared by every API: settings, app factory, errors, auth,
rate limiting, pagination, idempotency and the double-entry ledger.

Domain rules of a single API never live here.
"""
