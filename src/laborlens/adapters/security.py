"""Secrets: API tokens, session ids and password hashes.

Tokens and session ids are 256-bit random strings; the store keeps only their SHA-256 (a
token is as strong as a key, so a slow hash adds nothing). Passwords are hashed with Argon2id
(argon2-cffi, RFC 9106 parameters of the library's defaults).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_PREFIX = "llt_"


def new_token() -> str:
    """A new API token (shown once; only its digest is kept)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_secret() -> str:
    """A new session id or CSRF token."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def hash_password(password: str) -> str:
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when ``password`` matches the stored Argon2 hash (False for no hash)."""
    if not stored:
        return False
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return PasswordHasher().verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
