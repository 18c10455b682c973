"""Storage adapters: cases, evidence, the audit log and saved work, in DuckDB (the embedded
default) or PostgreSQL (a shared server), behind one :class:`Store` protocol."""

from __future__ import annotations

from pathlib import Path

from laborlens.adapters.store.base import FileStore, Store, StoreError, sha256_file
from laborlens.adapters.store.sql import StoreUnavailableError, is_postgres_url, redact
from laborlens.adapters.store.sql_store import (
    DEFAULT_TENANT,
    DuckDBStore,
    SqlStore,
    check_tenant,
    open_database,
)

__all__ = [
    "DEFAULT_TENANT",
    "DuckDBStore",
    "FileStore",
    "SqlStore",
    "Store",
    "StoreError",
    "StoreUnavailableError",
    "check_tenant",
    "is_postgres_url",
    "open_database",
    "open_store",
    "redact",
    "sha256_file",
]


def open_store(
    data_dir: Path, database: str | None = None, tenant: str = DEFAULT_TENANT
) -> SqlStore:
    """Open (creating and migrating if needed) the store.

    Args:
        data_dir: where evidence files and audit heads live (and the DuckDB file).
        database: ``None``/``"duckdb"`` for the embedded file, or a ``postgresql://`` URL.
        tenant: whose data the store sees.

    Raises:
        StoreError: unknown database kind, or the store cannot be opened.
    """
    return SqlStore(open_database(Path(data_dir), database), Path(data_dir), tenant)
