"""Password hashing: scrypt from the standard library, parameters stored with each hash."""

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

# scrypt with n=2**14, r=8 uses 16 MiB per hash: memory-hard, in the standard library, and
# about 40 ms on a Lambda core. Parameters are stored with each hash so they can be raised later.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P, _SCRYPT_LEN = 2**14, 8, 1, 32


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=_SCRYPT_LEN)
    encode = base64.urlsafe_b64encode
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${encode(salt).decode()}${encode(digest).decode()}"


def verify_password(password: str, encoded: str) -> bool:
    try:
        scheme, n, r, p, salt, expected = encoded.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            password.encode(),
            salt=base64.urlsafe_b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=_SCRYPT_LEN,
        )
        expected_digest = base64.urlsafe_b64decode(expected)
    except (ValueError, TypeError):  # a malformed stored hash never verifies (binascii.Error is a ValueError)
        return False
    return hmac.compare_digest(digest, expected_digest)


# A hash of a random password, so that a login for an unknown email costs the same as a wrong
# password and response time does not reveal which emails are registered.
@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def burn_password_check(password: str) -> None:
    verify_password(password, _dummy_hash())
