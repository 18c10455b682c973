"""Tenants: every evidence table gains a ``tenant`` column that is part of its key.

Existing rows belong to the tenant ``default`` (what a single user's store was). DuckDB cannot
change a primary key in place, so each table is rebuilt and its rows copied.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NEW = {
    "cases": (
        "tenant TEXT NOT NULL, case_id TEXT NOT NULL, title TEXT, chain_json TEXT NOT NULL, "
        "chain_source TEXT, created_at TEXT, created_by TEXT, PRIMARY KEY (tenant, case_id)",
        "case_id, title, chain_json, chain_source, created_at, created_by",
    ),
    "shipments": (
        "tenant TEXT NOT NULL, shipment_id TEXT NOT NULL, case_id TEXT NOT NULL, "
        "data TEXT NOT NULL, PRIMARY KEY (tenant, shipment_id)",
        "shipment_id, case_id, data",
    ),
    "detentions": (
        "tenant TEXT NOT NULL, detention_id TEXT NOT NULL, case_id TEXT NOT NULL, "
        "data TEXT NOT NULL, PRIMARY KEY (tenant, detention_id)",
        "detention_id, case_id, data",
    ),
    "status_history": (
        "tenant TEXT NOT NULL, case_id TEXT NOT NULL, seq INTEGER NOT NULL, "
        "status TEXT NOT NULL, at_time TEXT NOT NULL, by_user TEXT NOT NULL, note TEXT, "
        "PRIMARY KEY (tenant, case_id, seq)",
        "case_id, seq, status, at_time, by_user, note",
    ),
    "documents": (
        "tenant TEXT NOT NULL, doc_id TEXT NOT NULL, sha256 TEXT NOT NULL, "
        "doc_type TEXT NOT NULL, case_id TEXT, data TEXT NOT NULL, removed_at TEXT, "
        "removed_by TEXT, removal_reason TEXT, PRIMARY KEY (tenant, doc_id)",
        "doc_id, sha256, doc_type, case_id, data, removed_at, removed_by, removal_reason",
    ),
    "audit_log": (
        "tenant TEXT NOT NULL, seq INTEGER NOT NULL, at_time TEXT NOT NULL, actor TEXT NOT NULL, "
        "action TEXT NOT NULL, subject TEXT NOT NULL, details TEXT NOT NULL, "
        "list_versions TEXT NOT NULL, algorithms TEXT NOT NULL, prev_hash TEXT NOT NULL, "
        "hash TEXT NOT NULL, PRIMARY KEY (tenant, seq)",
        "seq, at_time, actor, action, subject, details, list_versions, algorithms, prev_hash, hash",
    ),
}


def upgrade() -> None:
    for table, (columns, old) in NEW.items():
        op.execute(f"CREATE TABLE {table}_v2 ({columns})")
        op.execute(f"INSERT INTO {table}_v2 (tenant, {old}) SELECT 'default', {old} FROM {table}")
        op.execute(f"DROP TABLE {table}")
        op.execute(f"ALTER TABLE {table}_v2 RENAME TO {table}")
    op.execute("CREATE INDEX documents_case ON documents (tenant, case_id)")
    op.execute("CREATE TABLE tenants (name TEXT PRIMARY KEY, created_at TEXT NOT NULL)")


def downgrade() -> None:
    raise NotImplementedError("tenants cannot be merged back into one store")
