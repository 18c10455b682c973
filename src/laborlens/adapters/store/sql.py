"""One SQL database behind the stores: DuckDB (a file, embedded) or PostgreSQL (a server).

SQL is written once, with ``?`` placeholders and types both engines know (TEXT, BIGINT,
DOUBLE PRECISION, BOOLEAN); dates and times are ISO-8601 text. What differs between the two is
kept here: how a connection is obtained per thread, how writes are serialised, how a batch of
rows is loaded in bulk (DuckDB scans an Arrow table; PostgreSQL takes ``COPY`` of CSV that
pyarrow writes), and which errors mean "the database is not reachable".
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import duckdb

from laborlens.adapters.store.base import StoreError


class StoreUnavailableError(StoreError):
    """The database cannot be reached right now (server down, connection lost)."""


def redact(url: str) -> str:
    """A database URL without its password (for messages and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, ""))


class Tx(Protocol):
    """A cursor inside a transaction (or an autocommit read)."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...
    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None: ...
    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...
    def insert_arrow(self, table: str, data: Any) -> None:
        """Append the rows of a ``pyarrow.Table`` whose column names match ``table``'s."""
        ...


class Database(Protocol):
    """Where the stores' tables live."""

    dialect: str
    url: str

    def write(self) -> Any:
        """Context manager: a :class:`Tx` in a transaction, committed on success."""
        ...

    def read(self) -> Any:
        """Context manager: a :class:`Tx` for reads."""
        ...

    def close(self) -> None: ...


# --------------------------------------------------------------------------------- DuckDB


class _DuckTx:
    def __init__(self, cur: duckdb.DuckDBPyConnection) -> None:
        self.cur = cur

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.cur.execute(sql, list(params))

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        row = self.cur.execute(sql, list(params)).fetchone()
        return tuple(row) if row is not None else None

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.cur.execute(sql, list(params)).fetchall()]

    def insert_arrow(self, table: str, data: Any) -> None:
        cols = ", ".join(_quote(c) for c in data.column_names)
        self.cur.register("_incoming", data)
        try:
            self.cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _incoming")
        finally:
            self.cur.unregister("_incoming")


class DuckDatabase:
    """A DuckDB file, opened once per process; each use gets its own cursor.

    DuckDB lets one process open a file; within it, cursors of one connection may be used from
    several threads. Writes are serialised by a lock (DuckDB's optimistic concurrency would
    otherwise abort one of two concurrent writers of the same table).
    """

    dialect = "duckdb"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.url = f"duckdb:{self.path}"
        try:
            self._con = duckdb.connect(str(self.path))
        except duckdb.Error as exc:
            raise StoreError(
                f"cannot open store {self.path}: {exc} (a DuckDB store serves one process at a "
                "time; for several, use --database postgresql://…)"
            ) from exc
        self._lock = threading.RLock()

    @contextmanager
    def write(self) -> Iterator[_DuckTx]:
        with self._lock:
            cur = self._con.cursor()
            try:
                cur.execute("BEGIN TRANSACTION")
                try:
                    yield _DuckTx(cur)
                except BaseException:
                    cur.execute("ROLLBACK")
                    raise
                cur.execute("COMMIT")
            except duckdb.Error as exc:
                raise StoreError(f"store {self.path}: {exc}") from exc
            finally:
                cur.close()

    @contextmanager
    def read(self) -> Iterator[_DuckTx]:
        cur = self._con.cursor()
        try:
            yield _DuckTx(cur)
        except duckdb.Error as exc:
            raise StoreError(f"store {self.path}: {exc}") from exc
        finally:
            cur.close()

    def close(self) -> None:
        self._con.close()


# ----------------------------------------------------------------------------- PostgreSQL


@lru_cache(maxsize=1024)
def _pg_sql(sql: str) -> str:
    # our SQL never holds a literal '?' or '%'; psycopg wants %s placeholders
    return sql.replace("%", "%%").replace("?", "%s")


class _PgTx:
    def __init__(self, cur: Any) -> None:
        self.cur = cur

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.cur.execute(_pg_sql(sql), list(params))

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        self.cur.execute(_pg_sql(sql), list(params))
        row = self.cur.fetchone()
        return tuple(row) if row is not None else None

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self.cur.execute(_pg_sql(sql), list(params))
        return [tuple(r) for r in self.cur.fetchall()]

    def insert_arrow(self, table: str, data: Any) -> None:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        if data.num_rows == 0:
            return
        sink = pa.BufferOutputStream()
        # pyarrow writes nulls as nothing and strings quoted: COPY's CSV reads both back
        pacsv.write_csv(data, sink, pacsv.WriteOptions(include_header=False))
        buf = sink.getvalue()
        cols = ", ".join(_quote(c) for c in data.column_names)
        with self.cur.copy(f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)") as copy:
            view = memoryview(buf)
            for start in range(0, len(view), 1 << 20):
                copy.write(view[start : start + (1 << 20)])


class PgDatabase:
    """A PostgreSQL server through a small connection pool.

    Connections are checked when taken from the pool, so a server restart costs the requests
    in flight at that moment, not every later one.
    """

    dialect = "postgresql"

    def __init__(self, url: str, *, max_size: int = 10) -> None:
        import psycopg
        from psycopg_pool import ConnectionPool

        self.url = url
        self._errors = (psycopg.OperationalError, psycopg.InterfaceError)
        self._psycopg = psycopg
        try:  # one plain connection first: an unreachable server fails in seconds, clearly
            psycopg.connect(url, connect_timeout=5).close()
        except psycopg.Error as exc:
            raise StoreUnavailableError(f"cannot connect to {redact(url)}: {exc}") from exc
        try:
            self._pool = ConnectionPool(
                url,
                min_size=1,
                max_size=max_size,
                kwargs={"autocommit": True},
                check=ConnectionPool.check_connection,
                open=False,
                timeout=15,
            )
            self._pool.open(wait=True, timeout=15)
        except Exception as exc:  # pool errors wrap the driver's
            raise StoreUnavailableError(f"cannot connect to {redact(url)}: {exc}") from exc

    @contextmanager
    def _conn(self, transaction: bool) -> Iterator[_PgTx]:
        try:
            with self._pool.connection() as conn:
                if transaction:
                    with conn.transaction(), conn.cursor() as cur:
                        yield _PgTx(cur)
                else:
                    with conn.cursor() as cur:
                        yield _PgTx(cur)
        except self._errors as exc:
            raise StoreUnavailableError(f"database {redact(self.url)} unavailable: {exc}") from exc
        except self._psycopg.Error as exc:
            raise StoreError(f"database {redact(self.url)}: {exc}") from exc
        except Exception as exc:
            if type(exc).__name__ == "PoolTimeout":
                raise StoreUnavailableError(
                    f"database {redact(self.url)} unavailable: {exc}"
                ) from exc
            raise

    def write(self) -> Any:
        return self._conn(True)

    def read(self) -> Any:
        return self._conn(False)

    def close(self) -> None:
        self._pool.close()


_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def _quote(name: str) -> str:
    if not _IDENT.match(name):
        raise StoreError(f"bad column name {name!r}")
    return f'"{name}"'


def is_postgres_url(value: str | None) -> bool:
    return bool(value) and str(value).startswith(("postgresql://", "postgres://"))
