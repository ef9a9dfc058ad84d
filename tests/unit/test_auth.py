"""Passwords and tokens: what a caller with a right, wrong, stale or misused credential gets."""

import jwt
import pytest

from shared import auth
from shared.errors import TokenExpired, Unauthorized

SIGNING_KEY = "unit-test-signing-key-0123456789abcdef"


@pytest.fixture(autouse=True)
def fixed_signing_key(monkeypatch):
    """Tokens are signed with a key from Secrets Manager in AWS; a fixed one here."""
    monkeypatch.setattr(auth, "signing_key", lambda: SIGNING_KEY)


# -- passwords ---------------------------------------------------------------------------------


def test_a_password_verifies_against_its_own_hash_only():
    # Given a stored hash
    stored = auth.hash_password("correct horse battery")
    # Then the same password verifies and a different one does not
    assert auth.verify_password("correct horse battery", stored)
    assert not auth.verify_password("correct horse batterY", stored)
    assert not auth.verify_password("", stored)
    # And the hash carries its parameters, never the password
    assert stored.startswith("scrypt$16384$8$1$")
    assert "correct" not in stored


def test_the_same_password_hashes_differently_each_time():
    assert auth.hash_password("same password") != auth.hash_password("same password")


@pytest.mark.parametrize(
    "malformed",
    [
        "",
        "not a hash",
        "bcrypt$16384$8$1$c2FsdA==$ZGlnZXN0",  # another scheme
        "scrypt$16384$8$1$c2FsdA==",  # missing the digest
        "scrypt$abc$8$1$c2FsdA==$ZGlnZXN0",  # parameters that are not numbers
        "scrypt$3$8$1$c2FsdA==$ZGlnZXN0",  # n not a power of two
        "scrypt$1073741824$8$1$c2FsdA==$ZGlnZXN0",  # would need far more memory than allowed
        "scrypt$16384$8$1$%%%$ZGlnZXN0",  # salt that is not base64
        "scrypt$16384$8$1$c2FsdA==$abc",  # digest that is not base64
    ],
)
def test_a_malformed_stored_hash_never_verifies_and_never_crashes(malformed):
    assert auth.verify_password("any password", malformed) is False


# -- tokens ------------------------------------------------------------------------------------


def test_an_issued_access_token_decodes_to_its_subject_roles_and_audience():
    token = auth.issue_token("usr_1", "jiga", roles=["admin"])
    claims = auth.decode_token(token, "jiga")
    assert claims["sub"] == "usr_1"
    assert claims["roles"] == ["admin"]
    assert claims["aud"] == "jiga"
    assert claims["typ"] == auth.ACCESS
    assert claims["exp"] > claims["iat"]


def test_an_expired_token_is_token_expired():
    token = auth.issue_token("usr_1", "jiga", ttl_seconds=-5)
    with pytest.raises(TokenExpired):
        auth.decode_token(token, "jiga")


def test_a_token_for_another_api_is_refused():
    token = auth.issue_token("usr_1", "cosmic")
    with pytest.raises(Unauthorized) as refused:
        auth.decode_token(token, "jiga")
    assert not isinstance(refused.value, TokenExpired)


def test_a_refresh_token_cannot_be_used_as_an_access_token_nor_the_reverse():
    refresh = auth.issue_token("usr_1", "jiga", token_type=auth.REFRESH)
    access = auth.issue_token("usr_1", "jiga")
    with pytest.raises(Unauthorized):
        auth.decode_token(refresh, "jiga")
    with pytest.raises(Unauthorized):
        auth.decode_token(access, "jiga", token_type=auth.REFRESH)
    assert auth.decode_token(refresh, "jiga", token_type=auth.REFRESH)["sub"] == "usr_1"


def test_refresh_tokens_outlive_access_tokens():
    access = auth.decode_token(auth.issue_token("usr_1", "jiga"), "jiga")
    refresh = auth.decode_token(auth.issue_token("usr_1", "jiga", auth.REFRESH), "jiga", auth.REFRESH)
    assert refresh["exp"] - refresh["iat"] > access["exp"] - access["iat"]


@pytest.mark.parametrize(
    "forge",
    [
        lambda claims: jwt.encode(claims, "some other key entirely 0123456789", algorithm="HS256"),
        lambda claims: jwt.encode(claims, None, algorithm="none"),
        lambda claims: jwt.encode({k: v for k, v in claims.items() if k != "exp"}, SIGNING_KEY, algorithm="HS256"),
        lambda claims: jwt.encode({**claims, "iss": "someone-else"}, SIGNING_KEY, algorithm="HS256"),
        lambda claims: "not.a.jwt",
        lambda claims: "",
    ],
    ids=["wrong-key", "alg-none", "no-expiry", "wrong-issuer", "garbage", "empty"],
)
def test_forged_or_malformed_tokens_are_unauthorized(forge):
    genuine = auth.decode_token(auth.issue_token("usr_1", "jiga"), "jiga")
    with pytest.raises(Unauthorized) as refused:
        auth.decode_token(forge(genuine), "jiga")
    assert not isinstance(refused.value, TokenExpired)
