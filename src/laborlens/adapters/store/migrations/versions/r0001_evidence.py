"""The evidence store as the first embedded version had it: cases, documents, audit log.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# IF NOT EXISTS: stores created before migrations existed already hold these tables
TABLES = (
    """CREATE TABLE IF NOT EXISTS cases (
    case_id TEXT PRIMARY KEY, title TEXT, chain_json TEXT NOT NULL, chain_source TEXT,
    created_at TEXT, created_by TEXT)""",
    """CREATE TABLE IF NOT EXISTS shipments (
    shipment_id TEXT PRIMARY KEY, case_id TEXT NOT NULL, data TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS detentions (
    detention_id TEXT PRIMARY KEY, case_id TEXT NOT NULL, data TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS status_history (
    case_id TEXT NOT NULL, seq INTEGER NOT NULL, status TEXT NOT NULL, at_time TEXT NOT NULL,
    by_user TEXT NOT NULL, note TEXT, PRIMARY KEY (case_id, seq))""",
    """CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, doc_type TEXT NOT NULL, case_id TEXT,
    data TEXT NOT NULL, removed_at TEXT, removed_by TEXT, removal_reason TEXT)""",
    """CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY, at_time TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    subject TEXT NOT NULL, details TEXT NOT NULL, list_versions TEXT NOT NULL,
    algorithms TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)""",
)


def upgrade() -> None:
    for sql in TABLES:
        op.execute(sql)


def downgrade() -> None:
    for name in ("audit_log", "documents", "status_history", "detentions", "shipments", "cases"):
        op.execute(f"DROP TABLE {name}")
