"""Saved work: screening jobs, their results, alerts, review decisions and dossier builds.

Results keep a few columns to sort and filter on (risk rank, score, finding kinds, lists,
regime outcomes, a lower-cased search text) next to the result as JSON; the findings'
machine-readable details (the bulk of it) sit in their own column, read for a party's page only.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = (
    """CREATE TABLE jobs (
    tenant TEXT NOT NULL, job_id TEXT NOT NULL, title TEXT, filename TEXT NOT NULL,
    file_format TEXT, encoding TEXT, status TEXT NOT NULL, total_rows BIGINT,
    done_rows BIGINT NOT NULL, error TEXT, as_of TEXT NOT NULL, list_ids TEXT,
    list_versions TEXT, algorithms TEXT, parent_id TEXT, input_sha256 TEXT NOT NULL,
    input_size BIGINT NOT NULL, options_key TEXT NOT NULL, summary TEXT,
    created_by TEXT NOT NULL, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT,
    attempts INTEGER NOT NULL, PRIMARY KEY (tenant, job_id))""",
    """CREATE TABLE results (
    tenant TEXT NOT NULL, job_id TEXT NOT NULL, "row" BIGINT NOT NULL, record_id TEXT,
    name TEXT, country TEXT, screened BOOLEAN NOT NULL, risk TEXT, risk_rank INTEGER NOT NULL,
    score DOUBLE PRECISION NOT NULL, kinds TEXT NOT NULL, lists TEXT NOT NULL,
    outcomes TEXT NOT NULL, entry_keys TEXT NOT NULL, errors TEXT, search TEXT NOT NULL,
    data TEXT NOT NULL, details TEXT, PRIMARY KEY (tenant, job_id, "row"))""",
    "CREATE INDEX results_rank ON results (tenant, job_id, risk_rank, score)",
    """CREATE TABLE alerts (
    tenant TEXT NOT NULL, alert_id TEXT NOT NULL, job_id TEXT NOT NULL, "row" BIGINT NOT NULL,
    party_key TEXT NOT NULL, party_name TEXT, country TEXT, entry_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL, kind TEXT NOT NULL, band TEXT, list_id TEXT, entry_id TEXT,
    entry_name TEXT, matched_name TEXT, score DOUBLE PRECISION NOT NULL, why TEXT NOT NULL,
    status TEXT NOT NULL, decision_id TEXT, reapplied BOOLEAN NOT NULL, note TEXT,
    created_at TEXT NOT NULL, PRIMARY KEY (tenant, alert_id))""",
    "CREATE INDEX alerts_status ON alerts (tenant, status, job_id)",
    "CREATE INDEX alerts_party ON alerts (tenant, party_key, entry_key)",
    """CREATE TABLE decisions (
    tenant TEXT NOT NULL, decision_id TEXT NOT NULL, alert_id TEXT NOT NULL,
    party_key TEXT NOT NULL, entry_key TEXT NOT NULL, fingerprint TEXT NOT NULL,
    action TEXT NOT NULL, reason TEXT, case_id TEXT, by_user TEXT NOT NULL, at_time TEXT NOT NULL,
    list_versions TEXT NOT NULL, algorithms TEXT NOT NULL, PRIMARY KEY (tenant, decision_id))""",
    "CREATE INDEX decisions_party ON decisions (tenant, party_key, entry_key)",
    """CREATE TABLE dossiers (
    tenant TEXT NOT NULL, build_id TEXT NOT NULL, case_id TEXT NOT NULL, path TEXT NOT NULL,
    folder TEXT NOT NULL, manifest_sha256 TEXT, gaps INTEGER, created_by TEXT NOT NULL,
    created_at TEXT NOT NULL, PRIMARY KEY (tenant, build_id))""",
)


def upgrade() -> None:
    for sql in TABLES:
        op.execute(sql)


def downgrade() -> None:
    for name in ("dossiers", "decisions", "alerts", "results", "jobs"):
        op.execute(f"DROP TABLE {name}")
