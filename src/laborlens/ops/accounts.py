"""Accounts: users, API tokens and web sessions (the operations behind ``laborlens users`` and
the server's sign-in)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from laborlens.adapters import security
from laborlens.adapters.store import SqlStore, StoreError, check_tenant, open_store
from laborlens.core.workspace.accounts import (
    GRANTS,
    ROLES,
    AccountError,
    User,
    check_password,
    check_role,
    check_user_name,
)
from laborlens.settings import Settings

__all__ = [
    "GRANTS",
    "ROLES",
    "SESSION_HOURS",
    "AccountError",
    "Accounts",
    "Session",
    "User",
    "open_accounts",
    "same_secret",
]

same_secret = security.same

SESSION_HOURS = 12


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in browser: its id (the cookie) and its CSRF token."""

    session_id: str
    csrf: str
    user: User
    expires: datetime


def _now() -> datetime:
    return datetime.now(UTC)


class Accounts:
    """User management and authentication over a store's database."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self.db = store.accounts

    def add_user(
        self,
        name: str,
        role: str,
        tenant: str = "default",
        *,
        password: str | None = None,
        by: str | None = None,
    ) -> tuple[User, str]:
        """Create a user and its first API token; returns (user, token). The token is shown
        once: only its digest is stored.

        Raises:
            AccountError: bad name, role or password.
            StoreError: the user exists, or a bad tenant name.
        """
        check_user_name(name)
        check_role(role)
        check_tenant(tenant)
        hashed = security.hash_password(check_password(password)) if password else None
        now = _now()
        self.db.add_tenant(tenant, now)
        user = User(name=name, tenant=tenant, role=role, created_at=now)
        self.db.add_user(user, password_hash=hashed, created_by=by)
        token = self.issue_token(name)
        self.store.scoped(tenant).append_audit(
            at=now, actor=by or name, action="user.add", subject=name,
            details={"role": role, "tenant": tenant, "password": bool(password)},
        )  # fmt: skip
        return user, token

    def issue_token(self, name: str, label: str | None = None) -> str:
        if self.db.get_user(name) is None:
            raise StoreError(f"unknown user '{name}'")
        token = security.new_token()
        self.db.add_token(security.digest(token), name, _now(), label)
        return token

    def set_password(self, name: str, password: str) -> None:
        self.db.set_password(name, security.hash_password(check_password(password)))

    def user_for_token(self, token: str) -> User | None:
        user = self.db.user_for_token(security.digest(token))
        return user if user is not None and not user.disabled else None

    def login(self, name: str, secret: str) -> User | None:
        """The user when ``secret`` is their password or one of their API tokens."""
        user = self.db.get_user(name)
        if user is None or user.disabled:
            security.verify_password(None, secret)
            return None
        if security.verify_password(self.db.password_hash(name), secret):
            return user
        by_token = self.user_for_token(secret)
        return user if by_token is not None and by_token.name == name else None

    def start_session(self, user: User, hours: int = SESSION_HOURS) -> Session:
        sid, csrf = security.new_secret(), security.new_secret()
        now = _now()
        expires = now + timedelta(hours=hours)
        self.db.add_session(security.digest(sid), user.name, csrf, now, expires)
        return Session(sid, csrf, user, expires)

    def session(self, session_id: str) -> Session | None:
        found = self.db.session(security.digest(session_id), _now())
        if found is None or found[0].disabled:
            return None
        return Session(session_id, found[1], found[0], _now())

    def end_session(self, session_id: str) -> None:
        self.db.end_session(security.digest(session_id))

    def users(self, tenant: str | None = None) -> list[User]:
        return self.db.list_users(tenant)

    def disable(self, name: str) -> None:
        now = _now()
        self.db.set_disabled(name, now)
        self.db.revoke_tokens(name, now)


def open_accounts(settings: Settings, database: str | None = None) -> Accounts:
    """The accounts of the store under ``settings.data_dir`` (or on a PostgreSQL server)."""
    return Accounts(open_store(Path(settings.data_dir), database))
