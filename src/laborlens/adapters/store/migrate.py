"""Bring a database to the newest schema with Alembic (run on every open; cheap when current)."""

from __future__ import annotations

from importlib import resources
from typing import Any

from laborlens.adapters.store.base import StoreError
from laborlens.adapters.store.sql import Database, DuckDatabase, PgDatabase, redact

#: The newest revision under ``migrations/versions`` (a test checks it against Alembic's head).
HEAD = "0004"


def current_revision(db: Database) -> str | None:
    """The database's revision, ``None`` when it has never been migrated."""
    try:
        with db.read() as tx:
            row = tx.one("SELECT version_num FROM alembic_version")
    except StoreError:
        return None
    return str(row[0]) if row else None


def _config(connection: Any) -> Any:
    from alembic.config import Config

    cfg = Config()
    folder = resources.files("laborlens.adapters.store") / "migrations"
    cfg.set_main_option("script_location", str(folder))
    cfg.attributes["connection"] = connection
    return cfg


def _engine(db: Database) -> Any:
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    if isinstance(db, DuckDatabase):
        from duckdb_engine import ConnectionWrapper

        _register_duckdb_ddl()

        con = db._con  # the file is open once per process: Alembic borrows a cursor of it
        return sa.create_engine(
            "duckdb://", creator=lambda: ConnectionWrapper(con.cursor()), poolclass=NullPool
        )
    if isinstance(db, PgDatabase):
        url = db.url.replace("postgres://", "postgresql://", 1)
        return sa.create_engine(
            url.replace("postgresql://", "postgresql+psycopg://", 1), poolclass=NullPool
        )
    raise StoreError(f"no migrations for {type(db).__name__}")


def _register_duckdb_ddl() -> None:
    """Alembic knows DuckDB's DDL once an implementation is declared for the dialect name:
    DuckDB speaks PostgreSQL's dialect of DDL (our scripts are plain SQL anyway)."""
    from alembic.ddl import impl
    from alembic.ddl.postgresql import PostgresqlImpl

    if "duckdb" not in impl._impls:
        type("DuckDBImpl", (PostgresqlImpl,), {"__dialect__": "duckdb"})


def upgrade(db: Database) -> None:
    """Upgrade ``db`` to :data:`HEAD` (several processes may try at once on PostgreSQL: the
    first takes an advisory lock, the others wait and then find nothing to do)."""
    if current_revision(db) == HEAD:
        return
    from alembic import command
    from sqlalchemy import text

    engine = _engine(db)
    try:
        with engine.begin() as conn:
            if db.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(7164001)"))
            command.upgrade(_config(conn), "head")
    except Exception as exc:
        raise StoreError(f"cannot migrate {redact(db.url)}: {exc}") from exc
    finally:
        engine.dispose()


def script_head() -> str | None:
    """Alembic's own idea of the newest revision (for the consistency test)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config(None)).get_current_head()
