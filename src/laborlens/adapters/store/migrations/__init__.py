"""Alembic migrations of the store's schema (both DuckDB and PostgreSQL run the same scripts)."""
