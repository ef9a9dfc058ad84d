"""Refresh tokens from outside, as a client meets them: each is good for one refresh, a stolen
one used after its owner refreshed ends the whole session, logout ends it, and a token whose
roles claim is not a list of strings grants nothing."""

from tests.support.jiga import User

REFRESH, LOGOUT = "/api/v1/auth/refresh", "/api/v1/auth/logout"


def refresh(jiga, token: str):
    return jiga.client.post(REFRESH, json={"refresh_token": token})


def test_a_refresh_token_works_once_and_its_successor_carries_on(jiga):
    user = jiga.register()
    first = refresh(jiga, user.refresh_token)
    assert first.status_code == 200
    assert first.json()["refresh_token"] != user.refresh_token
    assert refresh(jiga, first.json()["refresh_token"]).status_code == 200


def test_reusing_a_retired_refresh_token_revokes_the_whole_session(jiga):
    # Given a user whose refresh token was copied by a thief, and who then refreshed normally
    user = jiga.register()
    stolen = user.refresh_token
    legitimate = refresh(jiga, user.refresh_token).json()["refresh_token"]
    # When the thief presents the old token
    replay = refresh(jiga, stolen)
    # Then it is refused, and the session it belonged to ends: the user's current token too
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "SESSION_REVOKED"
    assert refresh(jiga, legitimate).status_code == 401
    # and logging in again starts a fresh session
    again = jiga.login(user.email, "correct horse battery")
    assert refresh(jiga, again.refresh_token).status_code == 200


def test_logout_ends_the_session_of_its_refresh_token_only(jiga):
    user = jiga.register()
    phone = jiga.login(user.email, "correct horse battery")
    assert jiga.client.post(LOGOUT, json={"refresh_token": user.refresh_token}).status_code == 204
    assert refresh(jiga, user.refresh_token).status_code == 401
    assert refresh(jiga, phone.refresh_token).status_code == 200  # the other device stays signed in
    # logging out twice, or with a token that never existed, changes nothing and says nothing
    assert jiga.client.post(LOGOUT, json={"refresh_token": user.refresh_token}).status_code == 204
    assert jiga.client.post(LOGOUT, json={"refresh_token": "not-a-token"}).status_code == 204


def test_a_token_whose_roles_claim_is_an_object_grants_nothing(runtime, jiga):
    from jiga_store.identity import token_policy

    user = jiga.register()
    with runtime.function_environment("JigaWalletFunction"):
        forged, _ = token_policy().issue({"sub": user.user_id, "roles": {"admin": True}, "sid": "x"})
    holder = User(user.user_id, user.email, forged, "")
    grant = jiga.client.post(
        "/api/v1/admin/dof-grants",
        json={"userId": user.user_id, "amount": 1_000_000, "reason": "mine"},
        headers=holder.headers,
    )
    assert grant.status_code == 401
    assert jiga.balance(user) == 0
