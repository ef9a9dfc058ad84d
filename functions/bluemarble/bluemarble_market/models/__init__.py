"""Request and response bodies exactly as the spec writes them (camelCase), plus this stack's own
routes (auth, players, game servers); one module per endpoint group, so each function imports only
its own. Responses are ``{"success": true, "data": ...}``.

Money fields are JSON numbers with at most two decimal places; requests may also send them as
strings (``"5.50"``). Quantities are whole numbers (``5``, not ``5.0`` or ``"5"``).
"""
