"""The store over SQL: DuckDB (one file, the embedded default) or PostgreSQL (a shared server).

Layout under ``data_dir``::

    laborlens.duckdb        (DuckDB only) every table: cases, documents, audit log, jobs …
    evidence/objects/ab/…   registered files, named by sha256 (shared by tenants: same bytes,
                            same object; who may see a document is decided by its row)
    audit.head              {"seq": N, "hash": "…"} of the newest audit record of tenant
                            ``default``; ``audit.<tenant>.head`` for the others

Every row belongs to a tenant; a :class:`SqlStore` is bound to one tenant and never reads or
writes another's rows. Dates and times are stored as ISO-8601 text (exact round trip, no
time-zone surprises); lists and mappings as canonical JSON text.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from laborlens.adapters.store import migrate
from laborlens.adapters.store.accounts import AccountStore
from laborlens.adapters.store.base import FileStore, StoreError
from laborlens.adapters.store.sql import Database, DuckDatabase, PgDatabase
from laborlens.adapters.store.work import WorkStore
from laborlens.core.canonical import canonical_json
from laborlens.core.chain import Chain, build_chain
from laborlens.core.evidence.audit import GENESIS, AuditRecord, make_record
from laborlens.core.evidence.model import (
    Case,
    Detention,
    Document,
    Shipment,
    StatusChange,
)
from laborlens.core.model import from_json_fields

DB_FILE = "laborlens.duckdb"
HEAD_FILE = "audit.head"
DEFAULT_TENANT = "default"
_TENANT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_AUDIT_LOCKS: dict[tuple[str, str], threading.Lock] = {}


def check_tenant(name: str) -> str:
    """A tenant name: lower-case letters, digits, ``_`` and ``-`` (it names files too)."""
    if not _TENANT.match(name or ""):
        raise StoreError(
            f"bad tenant name {name!r}: use lower-case letters, digits, '_' or '-' (max 63)"
        )
    return name


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class SqlStore:
    """The :class:`~laborlens.adapters.store.base.Store` of one tenant over a SQL database.

    Args:
        db: the database (opened and migrated by :func:`open_database`).
        data_dir: where evidence files and audit heads live.
        tenant: whose rows this store sees.
        owns_db: close the database with the store (a store made by :meth:`scoped` does not).
    """

    def __init__(
        self, db: Database, data_dir: Path, tenant: str = DEFAULT_TENANT, *, owns_db: bool = True
    ) -> None:
        self.db = db
        self.data_dir = Path(data_dir)
        self.tenant = check_tenant(tenant)
        self.files = FileStore(self.data_dir / "evidence" / "objects")
        self.work = WorkStore(db, self.tenant)
        self.accounts = AccountStore(db)
        self._owns_db = owns_db

    def scoped(self, tenant: str) -> SqlStore:
        """The same database seen as another tenant (shares the connection)."""
        return SqlStore(self.db, self.data_dir, tenant, owns_db=False)

    def close(self) -> None:
        if self._owns_db:
            self.db.close()

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- cases

    _CASE_COLS = "case_id, title, chain_json, chain_source, created_at, created_by"

    def put_case(self, case: Case) -> None:
        with self.db.write() as tx:
            if tx.one(
                "SELECT 1 FROM cases WHERE tenant = ? AND case_id = ?", [self.tenant, case.case_id]
            ):
                raise StoreError(f"case '{case.case_id}' already exists")
            tx.execute(
                "INSERT INTO cases (tenant, case_id, title, chain_json, chain_source, created_at, "
                "created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    self.tenant,
                    case.case_id,
                    case.title,
                    canonical_json(case.chain.to_mapping()),
                    case.chain_source,
                    case.created_at.isoformat() if case.created_at else None,
                    case.created_by,
                ],
            )
        for s in case.shipments:
            self.add_shipment(s)
        for d in case.detentions:
            self.add_detention(d)
        for h in case.history:
            self.add_status(case.case_id, h)

    def get_case(self, case_id: str) -> Case | None:
        with self.db.read() as tx:
            row = tx.one(
                f"SELECT {self._CASE_COLS} FROM cases WHERE tenant = ? AND case_id = ?",
                [self.tenant, case_id],
            )
            return self._case_from_row(tx, row) if row else None

    def list_cases(self) -> list[Case]:
        with self.db.read() as tx:
            rows = tx.all(
                f"SELECT {self._CASE_COLS} FROM cases WHERE tenant = ? ORDER BY case_id",
                [self.tenant],
            )
            return [self._case_from_row(tx, r) for r in rows]

    def _case_from_row(self, tx: Any, row: Sequence[Any]) -> Case:
        case_id = str(row[0])
        key = [self.tenant, case_id]
        ships = [
            from_json_fields(Shipment, json.loads(r[0]))
            for r in tx.all(
                "SELECT data FROM shipments WHERE tenant = ? AND case_id = ? ORDER BY shipment_id",
                key,
            )
        ]
        dets = [
            from_json_fields(Detention, json.loads(r[0]))
            for r in tx.all(
                "SELECT data FROM detentions WHERE tenant = ? AND case_id = ? "
                "ORDER BY detention_id",
                key,
            )
        ]
        hist = [
            StatusChange(status=r[0], at=datetime.fromisoformat(r[1]), by=r[2], note=r[3])
            for r in tx.all(
                "SELECT status, at_time, by_user, note FROM status_history "
                "WHERE tenant = ? AND case_id = ? ORDER BY seq",
                key,
            )
        ]
        return Case(
            case_id=case_id,
            title=row[1],
            chain=_chain(json.loads(row[2])),
            chain_source=row[3],
            created_at=_dt(row[4]),
            created_by=row[5],
            shipments=tuple(ships),
            detentions=tuple(dets),
            history=tuple(hist),
        )

    def _require_case(self, tx: Any, case_id: str) -> None:
        if not tx.one(
            "SELECT 1 FROM cases WHERE tenant = ? AND case_id = ?", [self.tenant, case_id]
        ):
            raise StoreError(f"unknown case '{case_id}'")

    def add_shipment(self, shipment: Shipment) -> None:
        with self.db.write() as tx:
            self._require_case(tx, shipment.case_id)
            if tx.one(
                "SELECT 1 FROM shipments WHERE tenant = ? AND shipment_id = ?",
                [self.tenant, shipment.shipment_id],
            ):
                raise StoreError(f"shipment '{shipment.shipment_id}' already exists")
            tx.execute(
                "INSERT INTO shipments (tenant, shipment_id, case_id, data) VALUES (?, ?, ?, ?)",
                [
                    self.tenant,
                    shipment.shipment_id,
                    shipment.case_id,
                    canonical_json(shipment.to_dict()),
                ],
            )

    def add_detention(self, detention: Detention) -> None:
        with self.db.write() as tx:
            self._require_case(tx, detention.case_id)
            if tx.one(
                "SELECT 1 FROM detentions WHERE tenant = ? AND detention_id = ?",
                [self.tenant, detention.detention_id],
            ):
                raise StoreError(f"detention '{detention.detention_id}' already exists")
            tx.execute(
                "INSERT INTO detentions (tenant, detention_id, case_id, data) VALUES (?, ?, ?, ?)",
                [
                    self.tenant,
                    detention.detention_id,
                    detention.case_id,
                    canonical_json(detention.to_dict()),
                ],
            )

    def add_status(self, case_id: str, change: StatusChange) -> None:
        with self.db.write() as tx:
            self._require_case(tx, case_id)
            row = tx.one(
                "SELECT coalesce(max(seq), 0) FROM status_history WHERE tenant = ? AND case_id = ?",
                [self.tenant, case_id],
            )
            seq = int(row[0]) + 1 if row else 1
            tx.execute(
                "INSERT INTO status_history (tenant, case_id, seq, status, at_time, by_user, note) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [self.tenant, case_id, seq, change.status, change.at.isoformat(), change.by,
                 change.note],
            )  # fmt: skip

    # ------------------------------------------------------------ documents

    _DOC_COLS = "data, removed_at, removed_by, removal_reason"

    def next_doc_id(self) -> str:
        with self.db.read() as tx:
            row = tx.one("SELECT count(*) FROM documents WHERE tenant = ?", [self.tenant])
            n = int(row[0]) + 1 if row else 1
            while tx.one(
                "SELECT 1 FROM documents WHERE tenant = ? AND doc_id = ?",
                [self.tenant, f"D{n:04d}"],
            ):
                n += 1
        return f"D{n:04d}"

    def add_document(self, doc: Document) -> None:
        data = doc.to_dict()
        if doc.source_path:
            data["source_path"] = doc.source_path
        with self.db.write() as tx:
            if tx.one(
                "SELECT 1 FROM documents WHERE tenant = ? AND doc_id = ?", [self.tenant, doc.doc_id]
            ):
                raise StoreError(f"document '{doc.doc_id}' already exists")
            tx.execute(
                "INSERT INTO documents (tenant, doc_id, sha256, doc_type, case_id, data) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [self.tenant, doc.doc_id, doc.sha256, doc.doc_type, doc.case_id,
                 canonical_json(data)],
            )  # fmt: skip

    def get_document(self, doc_id: str) -> Document | None:
        with self.db.read() as tx:
            row = tx.one(
                f"SELECT {self._DOC_COLS} FROM documents WHERE tenant = ? AND doc_id = ?",
                [self.tenant, doc_id],
            )
        return _document(row) if row else None

    def find_by_sha256(self, sha256: str, case_id: str | None = None) -> Document | None:
        sql = (
            f"SELECT {self._DOC_COLS} FROM documents "
            "WHERE tenant = ? AND sha256 = ? AND removed_at IS NULL"
        )
        params: list[Any] = [self.tenant, sha256]
        if case_id is not None:
            sql += " AND case_id = ?"
            params.append(case_id)
        with self.db.read() as tx:
            row = tx.one(sql + " ORDER BY doc_id LIMIT 1", params)
        return _document(row) if row else None

    def list_documents(
        self, case_id: str | None = None, *, include_removed: bool = False
    ) -> list[Document]:
        sql = f"SELECT {self._DOC_COLS} FROM documents WHERE tenant = ?"
        params: list[Any] = [self.tenant]
        if case_id is not None:
            sql += " AND case_id = ?"
            params.append(case_id)
        if not include_removed:
            sql += " AND removed_at IS NULL"
        with self.db.read() as tx:
            return [_document(r) for r in tx.all(sql + " ORDER BY doc_id", params)]

    def mark_removed(self, doc_id: str, *, at: datetime, by: str, reason: str) -> None:
        with self.db.write() as tx:
            row = tx.one(
                "SELECT removed_at FROM documents WHERE tenant = ? AND doc_id = ?",
                [self.tenant, doc_id],
            )
            if not row:
                raise StoreError(f"unknown document '{doc_id}'")
            if row[0]:
                raise StoreError(f"document '{doc_id}' was already removed on {row[0]}")
            tx.execute(
                "UPDATE documents SET removed_at = ?, removed_by = ?, removal_reason = ? "
                "WHERE tenant = ? AND doc_id = ?",
                [at.isoformat(), by, reason, self.tenant, doc_id],
            )

    # ------------------------------------------------------------ audit log

    def append_audit(
        self,
        *,
        at: datetime,
        actor: str,
        action: str,
        subject: str,
        details: Mapping[str, Any] | None = None,
        list_versions: Mapping[str, str] | None = None,
        algorithms: Sequence[str] = (),
    ) -> AuditRecord:
        # one appender per tenant at a time: in this process by a lock, across processes
        # (PostgreSQL) by the primary key — a second writer that read the same head fails
        # its insert and retries on the new head
        lock = _AUDIT_LOCKS.setdefault((self.db.url, self.tenant), threading.Lock())
        with lock:
            for attempt in range(5):
                try:
                    rec = self._append_once(
                        at=at,
                        actor=actor,
                        action=action,
                        subject=subject,
                        details=details,
                        list_versions=list_versions,
                        algorithms=algorithms,
                    )
                    break
                except StoreError:
                    if attempt == 4:
                        raise
            self._write_head(rec.seq, rec.hash)
        return rec

    def _append_once(
        self,
        *,
        at: datetime,
        actor: str,
        action: str,
        subject: str,
        details: Mapping[str, Any] | None,
        list_versions: Mapping[str, str] | None,
        algorithms: Sequence[str],
    ) -> AuditRecord:
        with self.db.write() as tx:
            row = tx.one(
                "SELECT seq, hash FROM audit_log WHERE tenant = ? ORDER BY seq DESC LIMIT 1",
                [self.tenant],
            )
            seq, prev = (int(row[0]) + 1, str(row[1])) if row else (1, GENESIS)
            rec = make_record(
                seq=seq,
                at=at,
                actor=actor,
                action=action,
                subject=subject,
                prev_hash=prev,
                details=details,
                list_versions=list_versions,
                algorithms=algorithms,
            )
            tx.execute(
                "INSERT INTO audit_log (tenant, seq, at_time, actor, action, subject, details, "
                "list_versions, algorithms, prev_hash, hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    self.tenant,
                    rec.seq,
                    rec.at.isoformat(),
                    rec.actor,
                    rec.action,
                    rec.subject,
                    canonical_json(dict(rec.details)),
                    canonical_json(dict(rec.list_versions)),
                    canonical_json(list(rec.algorithms)),
                    rec.prev_hash,
                    rec.hash,
                ],
            )
        return rec

    def _head_path(self) -> Path:
        if self.tenant == DEFAULT_TENANT:
            return self.data_dir / HEAD_FILE
        return self.data_dir / f"audit.{self.tenant}.head"

    def _write_head(self, seq: int, digest: str) -> None:
        head = self._head_path()
        head.parent.mkdir(parents=True, exist_ok=True)
        tmp = head.with_name(head.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"seq": seq, "hash": digest}) + "\n", encoding="utf-8")
        os.replace(tmp, head)

    def audit_records(self, since: int = 0, limit: int | None = None) -> list[AuditRecord]:
        sql = (
            "SELECT seq, at_time, actor, action, subject, details, list_versions, algorithms, "
            "prev_hash, hash FROM audit_log WHERE tenant = ? AND seq > ? ORDER BY seq"
        )
        params: list[Any] = [self.tenant, since]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        with self.db.read() as tx:
            rows = tx.all(sql, params)
        return [
            AuditRecord(
                seq=int(r[0]),
                at=datetime.fromisoformat(r[1]),
                actor=r[2],
                action=r[3],
                subject=r[4],
                details=tuple(sorted(json.loads(r[5]).items())),
                list_versions=tuple(sorted(json.loads(r[6]).items())),
                algorithms=tuple(json.loads(r[7])),
                prev_hash=r[8],
                hash=r[9],
            )
            for r in rows
        ]

    def audit_head(self) -> tuple[int, str] | None:
        head = self._head_path()
        if not head.is_file():
            return None
        try:
            data = json.loads(head.read_text(encoding="utf-8"))
            return int(data["seq"]), str(data["hash"])
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{head}: unreadable audit head ({exc})") from exc

    # -------------------------------------------------------------- helpers

    def execute_raw(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run raw SQL (tests use it to simulate tampering; not part of the Store protocol)."""
        with self.db.write() as tx:
            tx.execute(sql, list(params))


def open_database(data_dir: Path, database: str | None = None) -> Database:
    """Open and migrate the database: the DuckDB file under ``data_dir`` by default, or the
    PostgreSQL server named by a ``postgresql://`` URL."""
    from laborlens.adapters.store.sql import is_postgres_url

    db: Database
    if database is None or database in ("", "duckdb"):
        try:
            Path(data_dir).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create data directory {data_dir}: {exc}") from exc
        db = DuckDatabase(Path(data_dir) / DB_FILE)
    elif is_postgres_url(database):
        db = PgDatabase(database)
    else:
        raise StoreError(
            f"unknown database {database!r}: use 'duckdb' (the default, a file in the data "
            "folder) or a postgresql://user@host:port/dbname URL"
        )
    try:
        migrate.upgrade(db)
    except BaseException:
        db.close()
        raise
    return db


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


class DuckDBStore(SqlStore):
    """The embedded default: every table in ``data_dir/laborlens.duckdb``."""

    def __init__(self, data_dir: Path, tenant: str = DEFAULT_TENANT) -> None:
        super().__init__(open_database(Path(data_dir)), Path(data_dir), tenant)


def _chain(data: Mapping[str, Any]) -> Chain:
    """A case's chain as kept (``Chain.to_mapping``, or the chain file as given)."""
    return build_chain(data.get("nodes") or [], data.get("edges") or [])


def _document(row: Sequence[Any]) -> Document:
    removed = {"removed_at": _dt(row[1]), "removed_by": row[2], "removal_reason": row[3]}
    return from_json_fields(Document, json.loads(row[0]), **removed)
