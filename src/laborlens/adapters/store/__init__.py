"""Storage adapters: the evidence registry, cases and the audit log (DuckDB by default)."""

from __future__ import annotations

from laborlens.adapters.store.base import FileStore, Store, StoreError, sha256_file
from laborlens.adapters.store.duckdb_store import DuckDBStore, open_store

__all__ = ["DuckDBStore", "FileStore", "Store", "StoreError", "open_store", "sha256_file"]
