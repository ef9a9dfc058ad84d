"""Cosmic accounts through HTTP: registration rules, RS256 tokens verified with the published
JWKS, refresh rotation with reuse detection, logout that takes effect at once."""

import time
import uuid

import jwt
import pytest

from cosmic_ttt.identity import token_policy
from tests.support.cosmic import PASSWORD


def fresh_name() -> str:
    return f"Star{uuid.uuid4().hex[:10]}"


def test_register_answers_the_specs_body_and_an_rs256_token_with_the_specs_claims(cosmic, cosmic_client):
    name = fresh_name()
    response = cosmic_client.post(
        "/v1/auth/register", json={"username": name, "email": f"{name}@example.com", "password": PASSWORD}
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"player_id", "username", "access_token", "refresh_token", "expires_in"}
    assert body["username"] == name and body["expires_in"] == 3600
    uuid.UUID(body["player_id"])
    header = jwt.get_unverified_header(body["access_token"])
    assert header["alg"] == "RS256" and header["typ"] == "JWT"
    # the published JWKS verifies it, as any other service would
    keys = cosmic_client.get("/v1/.well-known/jwks.json").json()["keys"]
    key = next(k for k in keys if k["kid"] == header["kid"])
    claims = jwt.decode(
        body["access_token"],
        jwt.algorithms.RSAAlgorithm.from_jwk(key),
        algorithms=["RS256"],
        issuer="cosmictictactoe.com",
    )
    assert claims["sub"] == body["player_id"]
    assert claims["username"] == name
    assert claims["permissions"] == ["play", "trade", "customize"]
    assert claims["exp"] - claims["iat"] == 3600


def test_jwks_is_publicly_cacheable(cosmic_client):
    response = cosmic_client.get("/v1/.well-known/jwks.json")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=3600"
    key = response.json()["keys"][0]
    assert (key["kty"], key["alg"], key["use"]) == ("RSA", "RS256", "sig")
    assert "d" not in key  # public half only


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"email": "not-an-email"}, 400, "INVALID_EMAIL"),
        ({"password": "short"}, 400, "WEAK_PASSWORD"),
        ({"username": "no spaces allowed"}, 400, "INVALID_USERNAME"),
        ({"username": 42}, 400, "VALIDATION_ERROR"),
    ],
)
def test_bad_registrations_are_refused_with_the_specs_codes(cosmic_client, change, status, code):
    name = fresh_name()
    body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD, **change}

    response = cosmic_client.post("/v1/auth/register", json=body)

    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_a_taken_username_is_409_whatever_its_case_and_a_taken_email_too(cosmic, cosmic_client):
    player = cosmic.register()

    same_name = cosmic_client.post(
        "/v1/auth/register",
        json={"username": player.username.upper(), "email": f"{fresh_name()}@example.com", "password": PASSWORD},
    )
    same_email = cosmic_client.post(
        "/v1/auth/register", json={"username": fresh_name(), "email": player.email.upper(), "password": PASSWORD}
    )
    both = cosmic_client.post(
        "/v1/auth/register", json={"username": player.username, "email": player.email, "password": PASSWORD}
    )

    assert (same_name.status_code, same_name.json()["error"]["code"]) == (409, "USERNAME_TAKEN")
    assert (same_email.status_code, same_email.json()["error"]["code"]) == (409, "EMAIL_EXISTS")
    assert both.json()["error"]["code"] == "USERNAME_TAKEN"
    # and the failed attempts claimed nothing: the name they tried is still free
    assert cosmic.register(username=f"{fresh_name()}").player_id


def test_login_with_the_right_password_and_one_answer_for_every_wrong_one(cosmic, cosmic_client):
    player = cosmic.register()

    again = cosmic.login(player.email.upper())
    wrong = cosmic_client.post("/v1/auth/login", json={"email": player.email, "password": "Wrong-password-1"})
    unknown = cosmic_client.post("/v1/auth/login", json={"email": "nobody@example.com", "password": PASSWORD})

    assert again.player_id == player.player_id and again.username == player.username
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["code"] == unknown.json()["error"]["code"] == "INVALID_CREDENTIALS"


def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_session(cosmic, cosmic_client):
    player = cosmic.register()

    first = cosmic_client.post("/v1/auth/refresh", json={"refresh_token": player.refresh_token})
    assert first.status_code == 200
    rotated = first.json()
    assert set(rotated) == {"access_token", "refresh_token", "expires_in"}
    assert (
        cosmic_client.get(
            "/v1/matches/history", headers={"Authorization": f"Bearer {rotated['access_token']}"}
        ).status_code
        == 200
    )

    reused = cosmic_client.post("/v1/auth/refresh", json={"refresh_token": player.refresh_token})
    assert reused.status_code == 401
    assert reused.json()["error"]["code"] == "SESSION_REVOKED"
    # the whole family is gone: the rotated token, and the access tokens of the session
    assert cosmic_client.post("/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]}).status_code == 401
    revoked = cosmic_client.get("/v1/matches/history", headers={"Authorization": f"Bearer {rotated['access_token']}"})
    assert revoked.status_code == 401


def test_logout_revokes_the_sessions_tokens_at_once(cosmic, cosmic_client):
    player = cosmic.register()
    other_device = cosmic.login(player.email)

    response = cosmic_client.post("/v1/auth/logout", headers=player.headers)

    assert response.status_code == 200
    assert response.json() == {"message": "Successfully logged out"}
    after = cosmic_client.get(f"/v1/players/{player.player_id}/wallet", headers=player.headers)
    assert after.status_code == 401 and after.json()["error"]["code"] == "UNAUTHORIZED"
    assert cosmic_client.post("/v1/auth/refresh", json={"refresh_token": player.refresh_token}).status_code == 401
    # another session of the same player is untouched
    assert cosmic_client.get(f"/v1/players/{player.player_id}/wallet", headers=other_device.headers).status_code == 200


def test_an_expired_token_is_token_expired_and_a_foreign_one_unauthorized(runtime, cosmic, cosmic_client):
    player = cosmic.register()
    with runtime.function_environment("CosmicAuthFunction"):
        claims = jwt.decode(player.access_token, options={"verify_signature": False})
        own = {name: claims[name] for name in ("sub", "username", "permissions", "sid")}
        expired, _ = token_policy().issue(own, ttl_seconds=-60)
    forged = jwt.encode(
        {**claims, "exp": int(time.time()) + 600}, "not-the-key-but-long-enough-for-hs256!", algorithm="HS256"
    )

    late = cosmic_client.get("/v1/matches/history", headers={"Authorization": f"Bearer {expired}"})
    fake = cosmic_client.get("/v1/matches/history", headers={"Authorization": f"Bearer {forged}"})
    missing = cosmic_client.get("/v1/matches/history")

    assert (late.status_code, late.json()["error"]["code"]) == (401, "TOKEN_EXPIRED")
    assert (fake.status_code, fake.json()["error"]["code"]) == (401, "UNAUTHORIZED")
    assert (missing.status_code, missing.json()["error"]["code"]) == (401, "UNAUTHORIZED")


def test_tokens_of_other_apis_are_refused_and_cosmic_tokens_elsewhere_too(cosmic, cosmic_client, jiga):
    # Given a JIGA user and a Cosmic player, each with a token of their own API (each its own key)
    jiga_user, player = jiga.register(), cosmic.register()
    # When each presents it to the other API
    at_cosmic = cosmic_client.get("/v1/matches/history", headers=jiga_user.headers)
    at_jiga = jiga.client.get("/api/v1/wallet", headers=player.headers)
    # Then both are refused, each in its own envelope
    assert (at_cosmic.status_code, at_cosmic.json()["error"]["code"]) == (401, "UNAUTHORIZED")
    assert at_jiga.status_code == 401 and at_jiga.json()["error"]["code"] == "UNAUTHORIZED"
