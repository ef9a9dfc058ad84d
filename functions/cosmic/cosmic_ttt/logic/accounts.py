"""Accounts: registration rules the spec leaves open, and what tokens a session gets.

* **Username**: 3 to 20 characters, letters, digits, ``_`` and ``-``; unique regardless of case
  (``CosmicPlayer`` and ``cosmicplayer`` are one name), shown as registered. Otherwise 400
  ``INVALID_USERNAME``.
* **Email**: a plausible address (400 ``INVALID_EMAIL``), unique regardless of case.
* **Password policy** (400 ``WEAK_PASSWORD``, ``details.rules`` lists the rules broken): 10 to 128
  characters; at least one letter and at least one digit or symbol; must not contain the username
  or the email's name; not one of the commonest passwords. Length over composition, as NIST
  SP 800-63B advises, with the composition minimum the spec's example meets.
* **Registration is race-proof**: the username and the email are claimed in one transaction with
  the account. 409 ``USERNAME_TAKEN`` is reported before 409 ``EMAIL_EXISTS`` when both apply.
* Tokens: registration and login answer an access token (one hour) and a refresh token (30 days);
  ``/auth/refresh`` rotates the refresh token and answers the new one beside the access token
  (the spec shows only the access token, but a rotated-away refresh token no longer works, so
  the client must get its successor). ``/auth/logout`` needs the access token and revokes its
  session: its refresh token and every access token of the session stop working at once.
* Login failures are one answer, 401 ``INVALID_CREDENTIALS``, for an unknown email and a wrong
  password, in the same time.
"""

import re

from cosmic_ttt.models.common import USERNAME_PATTERN
from shared.errors import InvalidInput
from shared.identity import is_valid_email

USERNAME = re.compile(USERNAME_PATTERN)
MIN_PASSWORD, MAX_PASSWORD = 10, 128
COMMON_PASSWORDS = frozenset(
    {
        "password123",
        "password1234",
        "1234567890",
        "12345678910",
        "qwertyuiop",
        "qwerty12345",
        "iloveyou123",
        "letmein1234",
        "welcome123",
        "abc1234567",
        "admin12345",
        "password!!",
        "passw0rd123",
        "football123",
        "monkey12345",
    }
)


def check_username(username: str) -> None:
    if not USERNAME.fullmatch(username):  # fullmatch: "$" alone would let a trailing newline through
        raise InvalidInput(
            "Usernames are 3 to 20 letters, digits, _ or -", {"username": username}, code="INVALID_USERNAME"
        )


def check_email(email: str) -> None:
    if len(email) > 254 or not is_valid_email(email):
        raise InvalidInput("Email format invalid", {"field": "email"}, code="INVALID_EMAIL")


def password_problems(password: str, username: str, email: str) -> list[str]:
    problems = []
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        problems.append(f"between {MIN_PASSWORD} and {MAX_PASSWORD} characters")
    if not any(char.isalpha() for char in password) or all(char.isalpha() for char in password):
        problems.append("at least one letter and at least one digit or symbol")
    lowered = password.lower()
    names = [name for name in (username.lower(), email.split("@", 1)[0].lower()) if len(name) >= 3]
    if any(name in lowered for name in names):
        problems.append("must not contain your username or email")
    if lowered in COMMON_PASSWORDS:
        problems.append("must not be a common password")
    return problems


def check_password(password: str, username: str, email: str) -> None:
    problems = password_problems(password, username, email)
    if problems:
        raise InvalidInput("Password doesn't meet requirements", {"rules": problems}, code="WEAK_PASSWORD")
