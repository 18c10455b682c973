"""Accounts: users with a role in one tenant, API tokens and web sessions (stored hashed).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE TABLE users (name TEXT PRIMARY KEY, tenant TEXT NOT NULL, role TEXT NOT NULL, "
        "password_hash TEXT, created_at TEXT NOT NULL, created_by TEXT, disabled_at TEXT)"
    )
    op.execute(
        "CREATE TABLE api_tokens (token_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL, "
        "label TEXT, created_at TEXT NOT NULL, last_used_at TEXT, revoked_at TEXT)"
    )
    op.execute(
        "CREATE TABLE web_sessions (session_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL, "
        "csrf TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL)"
    )


def downgrade() -> None:
    for name in ("web_sessions", "api_tokens", "users"):
        op.execute(f"DROP TABLE {name}")
