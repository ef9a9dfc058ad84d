"""Passwords and tokens: what a caller with a right, wrong, stale or misused credential gets."""

import jwt
import pytest
from moto import mock_aws

from shared import auth
from shared import passwords as auth_passwords
from shared.errors import TokenExpired, Unauthorized
from shared.tokens import ACCESS, REFRESH, SESSION, HmacSigningKey, KmsSigningKey, TokenPolicy, jwks

SIGNING_KEY = "unit-test-signing-key-0123456789abcdef"
JIGA = TokenPolicy(key=lambda: HmacSigningKey(lambda: SIGNING_KEY), issuer="jiga/dev", audience="jiga")


# -- passwords ---------------------------------------------------------------------------------


def test_a_password_verifies_against_its_own_hash_only():
    # Given a stored hash
    stored = auth_passwords.hash_password("correct horse battery")
    # Then the same password verifies and a different one does not
    assert auth_passwords.verify_password("correct horse battery", stored)
    assert not auth_passwords.verify_password("correct horse batterY", stored)
    assert not auth_passwords.verify_password("", stored)
    # And the hash carries its parameters, never the password
    assert stored.startswith("scrypt$16384$8$1$")
    assert "correct" not in stored


def test_the_same_password_hashes_differently_each_time():
    assert auth_passwords.hash_password("same password") != auth_passwords.hash_password("same password")


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
    assert auth_passwords.verify_password("any password", malformed) is False


# -- tokens ------------------------------------------------------------------------------------


def issue(policy: TokenPolicy = JIGA, token_type: str = ACCESS, ttl: int | None = None, **claims) -> str:
    return policy.issue({"sub": "usr_1", **claims}, token_type, ttl)[0]


def test_an_issued_access_token_verifies_to_its_claims_issuer_and_audience():
    claims = JIGA.verify(issue(roles=["admin"]))
    assert claims["sub"] == "usr_1"
    assert claims["roles"] == ["admin"]
    assert claims["aud"] == "jiga"
    assert claims["iss"] == "jiga/dev"
    assert claims["typ"] == ACCESS
    assert claims["exp"] - claims["iat"] == 3600


def test_an_expired_token_is_token_expired():
    with pytest.raises(TokenExpired):
        JIGA.verify(issue(ttl=-5))


def test_a_token_of_another_api_with_its_own_key_is_refused():
    # Given Cosmic signs with its own key (and its own issuer and audience)
    cosmic = TokenPolicy(
        key=lambda: HmacSigningKey(lambda: "cosmic-key-" + "x" * 40), issuer="cosmic", audience="cosmic"
    )
    # Then JIGA refuses Cosmic's token: the signature fails before any claim is read
    with pytest.raises(Unauthorized) as refused:
        JIGA.verify(issue(cosmic))
    assert not isinstance(refused.value, TokenExpired)
    # And even a token that claims JIGA's audience and issuer is refused when another key signed it
    forged = TokenPolicy(key=cosmic.key, issuer="jiga/dev", audience="jiga")
    with pytest.raises(Unauthorized):
        JIGA.verify(issue(forged))


def test_a_token_of_the_right_key_for_another_audience_is_refused():
    other = TokenPolicy(key=JIGA.key, issuer="jiga/dev", audience="cosmic")
    with pytest.raises(Unauthorized):
        JIGA.verify(issue(other))


def test_token_types_cannot_stand_in_for_each_other():
    with pytest.raises(Unauthorized):
        JIGA.verify(issue(token_type=SESSION))
    with pytest.raises(Unauthorized):
        JIGA.verify(issue(), SESSION)
    assert JIGA.verify(issue(token_type=REFRESH), REFRESH)["sub"] == "usr_1"


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
    genuine = JIGA.verify(issue())
    with pytest.raises(Unauthorized) as refused:
        JIGA.verify(forge(genuine))
    assert not isinstance(refused.value, TokenExpired)


@pytest.mark.parametrize("roles", [{"admin": True}, "admin", [1], None, [["admin"]]])
def test_a_roles_claim_that_is_not_a_list_of_strings_grants_nothing(roles):
    # Even a token signed with the right key is refused when its roles claim has the wrong shape
    claims = JIGA.verify(issue(roles=roles))
    with pytest.raises(Unauthorized):
        auth.principal_from_claims(claims)


def test_a_principal_carries_its_roles():
    principal = auth.principal_from_claims(JIGA.verify(issue(roles=["admin"])))
    assert principal.user_id == "usr_1"
    assert principal.has_role("admin")


@pytest.fixture
def kms(monkeypatch):
    """KMS in moto, with the cached clients of shared.aws made inside it and forgotten after."""
    from shared import aws

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        aws.reset_clients()
        yield aws.client("kms")
    aws.reset_clients()


def test_rs256_tokens_are_signed_by_kms_and_verify_with_the_published_public_key(kms):

    # Given an asymmetric KMS key, as a Cosmic-style API declares it in its template
    key_id = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    signing_key = KmsSigningKey(key_id)
    policy = TokenPolicy(key=lambda: signing_key, issuer="cosmic-tictactoe", audience=None)
    # When a token is issued
    token = issue(policy, username="stargazer", permissions=["play"])
    # Then its header names RS256 and the key's thumbprint
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    document = jwks(signing_key)
    assert header["kid"] == document["keys"][0]["kid"]
    # And any verifier holding only the JWKS document accepts it
    public = jwt.algorithms.RSAAlgorithm.from_jwk(document["keys"][0])
    claims = jwt.decode(token, public, algorithms=["RS256"], issuer="cosmic-tictactoe")
    assert claims["username"] == "stargazer"
    assert policy.verify(token)["permissions"] == ["play"]
    # And an HS256 token made with the public key as a secret (algorithm confusion) is refused
    confused = jwt.encode(
        {"sub": "usr_1", "exp": 9_999_999_999, "iat": 1, "typ": "access", "iss": "cosmic-tictactoe"},
        "not-the-key",
        algorithm="HS256",
    )
    with pytest.raises(Unauthorized):
        policy.verify(confused)
