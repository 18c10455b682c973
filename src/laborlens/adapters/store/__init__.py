"""Storage adapters: the evidence registry, cases and the audit log (DuckDB by default)."""

from __future__ import annotations

from pathlib import Path

from laborlens.adapters.store.base import FileStore, Store, StoreError, sha256_file
from laborlens.adapters.store.duckdb_store import DuckDBStore

__all__ = ["DuckDBStore", "FileStore", "Store", "StoreError", "open_store", "sha256_file"]


def open_store(data_dir: Path, backend: str = "duckdb") -> Store:
    """Open (creating if needed) the store under ``data_dir``.

    Raises:
        StoreError: unknown backend or the store cannot be opened.
    """
    if backend == "duckdb":
        return DuckDBStore(data_dir)
    raise StoreError(f"unknown store backend '{backend}' (available: duckdb)")
