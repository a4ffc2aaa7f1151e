"""Password hashing with scrypt, a memory-hard KDF from the standard library."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from functools import cache
from importlib import resources

_N, _R, _P = 2**14, 8, 1
MIN_LENGTH = 10
# A stored hash of a password nobody has: signing in as an unknown or disabled user
# checks against it, so every refusal costs one KDF run like a real check (no timing
# difference tells which user names exist).
_DUMMY_HASH = ("scrypt$16384$8$1$bm8tc3VjaC11c2VyLXNhbHQ="
               "$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n),
                             r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def verify_nobody(password: str) -> bool:
    """Run the KDF as ``verify_password`` does, for a user who does not exist (or may not
    sign in); always False."""
    verify_password(password, _DUMMY_HASH)
    return False


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (package data, lower case)."""
    text = resources.files("mca_tui.domain").joinpath("common_passwords.json").read_text(
        encoding="utf-8")
    return frozenset(json.loads(text))


def password_problem(password: str) -> str | None:
    """An i18n key if the password is too weak, else None: fewer than ``MIN_LENGTH``
    characters, only digits, or on the list of common passwords."""
    if len(password) < MIN_LENGTH:
        return "user.password_too_short"
    if password.isdigit():
        return "user.password_only_digits"
    if password.strip().lower() in common_passwords():
        return "user.password_common"
    return None
