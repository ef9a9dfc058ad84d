"""Wallet history cursors are opaque and bound to the caller's own wallet."""

import base64
import json


def test_another_users_history_cursor_is_refused_and_reveals_nothing(jiga):
    # Given two users, each with a few wallet entries
    me, them = jiga.user_with_dofs(100), jiga.user_with_dofs(100)
    for user in (me, them):
        jiga.grant(user, 5)
        jiga.grant(user, 7)
    their_page = jiga.client.get("/api/v1/wallet", params={"limit": 1}, headers=them.headers).json()
    their_cursor = their_page["pagination"]["nextCursor"]
    assert their_cursor
    # When I page my wallet with their cursor
    response = jiga.client.get("/api/v1/wallet", params={"limit": 1, "cursor": their_cursor}, headers=me.headers)
    # Then it is refused in the JIGA envelope (a well-formed cursor, not one my wallet issued),
    # with none of their entries
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "INVALID_CURSOR"
    assert "history" not in response.json()


def test_my_own_cursor_pages_through_my_whole_history_once(jiga):
    me = jiga.user_with_dofs(100)
    jiga.grant(me, 5)
    jiga.grant(me, 7)
    seen, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        body = jiga.client.get("/api/v1/wallet", params=params, headers=me.headers).json()
        seen.extend(entry["amount"] for entry in body["history"])
        cursor = body["pagination"]["nextCursor"]
        assert body["balance"] == 112
        if cursor is None:
            break
    assert seen == [7, 5, 100]


def test_a_forged_cursor_is_400_not_500(jiga):
    me = jiga.user_with_dofs(100)
    forged = base64.urlsafe_b64encode(json.dumps({"pk": {"S": f"ACCOUNT#user:{me.user_id}:DOF"}}).encode()).decode()
    # not base64url at all: 400; base64url that is no cursor of mine: 422
    for cursor, status in (
        (forged, 400),
        ("%%%", 400),
        (forged.rstrip("="), 422),
        (base64.urlsafe_b64encode(b"[]").decode().rstrip("="), 422),
    ):
        response = jiga.client.get("/api/v1/wallet", params={"cursor": cursor}, headers=me.headers)
        assert response.status_code == status, cursor
        assert response.json()["error"]["code"] == ("INVALID_INPUT" if status == 400 else "INVALID_CURSOR")
