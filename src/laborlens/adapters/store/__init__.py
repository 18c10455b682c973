"""Evidence, casework and workspace storage: one ``Store`` protocol over SQL, DuckDB (the embedded
default) or PostgreSQL (a shared server), plus a content-addressed file store."""

from __future__ import annotations

from laborlens.adapters.store.base import FileStore, Store, StoreError, sha256_file
from laborlens.adapters.store.sql import StoreUnavailableError, is_postgres_url, redact
from laborlens.adapters.store.sql_store import (
    DEFAULT_TENANT,
    DuckDBStore,
    SqlStore,
    check_tenant,
    open_database,
    open_store,
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
