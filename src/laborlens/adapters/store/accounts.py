"""Users, API tokens and web sessions (not tenant-scoped: a user name is unique server-wide)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from laborlens.adapters.store.base import StoreError
from laborlens.adapters.store.sql import Database
from laborlens.core.workspace.accounts import User

_USER_COLS = "name, tenant, role, created_at, disabled_at"


def _user(row: Any) -> User:
    return User(
        name=row[0],
        tenant=row[1],
        role=row[2],
        created_at=datetime.fromisoformat(row[3]) if row[3] else None,
        disabled=bool(row[4]),
    )


class AccountStore:
    """Accounts in the shared database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add_tenant(self, name: str, at: datetime) -> None:
        with self.db.write() as tx:
            if not tx.one("SELECT 1 FROM tenants WHERE name = ?", [name]):
                tx.execute("INSERT INTO tenants (name, created_at) VALUES (?, ?)",
                           [name, at.isoformat()])  # fmt: skip

    def tenants(self) -> list[str]:
        with self.db.read() as tx:
            return [r[0] for r in tx.all("SELECT name FROM tenants ORDER BY name")]

    def add_user(
        self, user: User, *, password_hash: str | None = None, created_by: str | None = None
    ) -> None:
        with self.db.write() as tx:
            if tx.one("SELECT 1 FROM users WHERE name = ?", [user.name]):
                raise StoreError(f"user '{user.name}' already exists")
            tx.execute(
                "INSERT INTO users (name, tenant, role, password_hash, created_at, created_by) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [user.name, user.tenant, user.role, password_hash,
                 (user.created_at or datetime.now()).isoformat(), created_by],
            )  # fmt: skip

    def get_user(self, name: str) -> User | None:
        with self.db.read() as tx:
            row = tx.one(f"SELECT {_USER_COLS} FROM users WHERE name = ?", [name])
        return _user(row) if row else None

    def password_hash(self, name: str) -> str | None:
        with self.db.read() as tx:
            row = tx.one("SELECT password_hash FROM users WHERE name = ?", [name])
        return str(row[0]) if row and row[0] else None

    def set_password(self, name: str, password_hash: str) -> None:
        with self.db.write() as tx:
            if not tx.one("SELECT 1 FROM users WHERE name = ?", [name]):
                raise StoreError(f"unknown user '{name}'")
            tx.execute("UPDATE users SET password_hash = ? WHERE name = ?", [password_hash, name])

    def set_disabled(self, name: str, at: datetime | None) -> None:
        with self.db.write() as tx:
            if not tx.one("SELECT 1 FROM users WHERE name = ?", [name]):
                raise StoreError(f"unknown user '{name}'")
            tx.execute(
                "UPDATE users SET disabled_at = ? WHERE name = ?",
                [at.isoformat() if at else None, name],
            )
            if at is not None:
                tx.execute("DELETE FROM web_sessions WHERE user_name = ?", [name])

    def list_users(self, tenant: str | None = None) -> list[User]:
        sql = f"SELECT {_USER_COLS} FROM users"
        params: list[Any] = []
        if tenant is not None:
            sql += " WHERE tenant = ?"
            params.append(tenant)
        with self.db.read() as tx:
            return [_user(r) for r in tx.all(sql + " ORDER BY name", params)]

    # tokens

    def add_token(self, token_hash: str, user: str, at: datetime, label: str | None = None) -> None:
        with self.db.write() as tx:
            tx.execute(
                "INSERT INTO api_tokens (token_hash, user_name, label, created_at) "
                "VALUES (?, ?, ?, ?)",
                [token_hash, user, label, at.isoformat()],
            )

    def user_for_token(self, token_hash: str) -> User | None:
        with self.db.read() as tx:
            row = tx.one(
                f"SELECT {', '.join('u.' + c.strip() for c in _USER_COLS.split(','))} "
                "FROM api_tokens t JOIN users u ON u.name = t.user_name "
                "WHERE t.token_hash = ? AND t.revoked_at IS NULL",
                [token_hash],
            )
        return _user(row) if row else None

    def revoke_tokens(self, user: str, at: datetime) -> int:
        with self.db.write() as tx:
            row = tx.one(
                "SELECT count(*) FROM api_tokens WHERE user_name = ? AND revoked_at IS NULL",
                [user],
            )
            tx.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE user_name = ? AND revoked_at IS NULL",
                [at.isoformat(), user],
            )
        return int(row[0]) if row else 0

    # web sessions

    def add_session(
        self, session_hash: str, user: str, csrf: str, at: datetime, expires: datetime
    ) -> None:
        with self.db.write() as tx:
            tx.execute("DELETE FROM web_sessions WHERE expires_at < ?", [at.isoformat()])
            tx.execute(
                "INSERT INTO web_sessions (session_hash, user_name, csrf, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [session_hash, user, csrf, at.isoformat(), expires.isoformat()],
            )

    def session(self, session_hash: str, now: datetime) -> tuple[User, str] | None:
        """The session's user and CSRF token, ``None`` when unknown or expired."""
        with self.db.read() as tx:
            row = tx.one(
                f"SELECT {', '.join('u.' + c.strip() for c in _USER_COLS.split(','))}, s.csrf, "
                "s.expires_at FROM web_sessions s JOIN users u ON u.name = s.user_name "
                "WHERE s.session_hash = ?",
                [session_hash],
            )
        if not row or datetime.fromisoformat(row[6]) <= now:
            return None
        return _user(row[:5]), str(row[5])

    def end_session(self, session_hash: str) -> None:
        with self.db.write() as tx:
            tx.execute("DELETE FROM web_sessions WHERE session_hash = ?", [session_hash])
