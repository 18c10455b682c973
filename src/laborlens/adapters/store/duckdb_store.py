"""The default store: one DuckDB database file plus a content-addressed file folder.

Layout under ``settings.data_dir``::

    laborlens.duckdb        cases, shipments, detentions, status history, documents, audit log
    evidence/objects/ab/…   registered files, named by sha256
    audit.head              {"seq": N, "hash": "…"} of the newest audit record

Dates and times are stored as ISO-8601 text (exact round trip, no time-zone surprises); lists and
mappings as canonical JSON text.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from laborlens.adapters.store.base import FileStore, Store, StoreError
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

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (
    case_id TEXT PRIMARY KEY, title TEXT, chain_json TEXT NOT NULL, chain_source TEXT,
    created_at TEXT, created_by TEXT);
CREATE TABLE IF NOT EXISTS shipments (
    shipment_id TEXT PRIMARY KEY, case_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS detentions (
    detention_id TEXT PRIMARY KEY, case_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS status_history (
    case_id TEXT NOT NULL, seq INTEGER NOT NULL, status TEXT NOT NULL, at_time TEXT NOT NULL,
    by_user TEXT NOT NULL, note TEXT, PRIMARY KEY (case_id, seq));
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, doc_type TEXT NOT NULL, case_id TEXT,
    data TEXT NOT NULL, removed_at TEXT, removed_by TEXT, removal_reason TEXT);
CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY, at_time TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    subject TEXT NOT NULL, details TEXT NOT NULL, list_versions TEXT NOT NULL,
    algorithms TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
"""


def open_store(data_dir: Path, backend: str = "duckdb") -> Store:
    """Open (creating if needed) the store under ``data_dir``.

    Raises:
        StoreError: unknown backend or the store cannot be opened.
    """
    if backend == "duckdb":
        return DuckDBStore(data_dir)
    raise StoreError(f"unknown store backend '{backend}' (available: duckdb)")


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class DuckDBStore:
    """DuckDB-backed :class:`~laborlens.adapters.store.base.Store`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create data directory {self.data_dir}: {exc}") from exc
        self.files = FileStore(self.data_dir / "evidence" / "objects")
        try:
            self._con = duckdb.connect(str(self.data_dir / DB_FILE))
        except duckdb.Error as exc:
            raise StoreError(f"cannot open store {self.data_dir / DB_FILE}: {exc}") from exc
        for stmt in _SCHEMA.split(";"):
            if stmt.strip():
                self._con.execute(stmt)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> DuckDBStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- cases

    def put_case(self, case: Case) -> None:
        if self._one("SELECT 1 FROM cases WHERE case_id = ?", [case.case_id]):
            raise StoreError(f"case '{case.case_id}' already exists")
        self._con.execute(
            "INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?)",
            [
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
        row = self._one(
            "SELECT case_id, title, chain_json, chain_source, created_at, created_by "
            "FROM cases WHERE case_id = ?",
            [case_id],
        )
        if not row:
            return None
        return self._case_from_row(row)

    def list_cases(self) -> list[Case]:
        rows = self._con.execute(
            "SELECT case_id, title, chain_json, chain_source, created_at, created_by "
            "FROM cases ORDER BY case_id"
        ).fetchall()
        return [self._case_from_row(r) for r in rows]

    def _case_from_row(self, row: Sequence[Any]) -> Case:
        case_id = str(row[0])
        ships = [
            from_json_fields(Shipment, json.loads(r[0]))
            for r in self._con.execute(
                "SELECT data FROM shipments WHERE case_id = ? ORDER BY shipment_id", [case_id]
            ).fetchall()
        ]
        dets = [
            from_json_fields(Detention, json.loads(r[0]))
            for r in self._con.execute(
                "SELECT data FROM detentions WHERE case_id = ? ORDER BY detention_id", [case_id]
            ).fetchall()
        ]
        hist = [
            StatusChange(status=r[0], at=datetime.fromisoformat(r[1]), by=r[2], note=r[3])
            for r in self._con.execute(
                "SELECT status, at_time, by_user, note FROM status_history "
                "WHERE case_id = ? ORDER BY seq",
                [case_id],
            ).fetchall()
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

    def _require_case(self, case_id: str) -> None:
        if not self._one("SELECT 1 FROM cases WHERE case_id = ?", [case_id]):
            raise StoreError(f"unknown case '{case_id}'")

    def add_shipment(self, shipment: Shipment) -> None:
        self._require_case(shipment.case_id)
        if self._one("SELECT 1 FROM shipments WHERE shipment_id = ?", [shipment.shipment_id]):
            raise StoreError(f"shipment '{shipment.shipment_id}' already exists")
        self._con.execute(
            "INSERT INTO shipments VALUES (?, ?, ?)",
            [shipment.shipment_id, shipment.case_id, canonical_json(shipment.to_dict())],
        )

    def add_detention(self, detention: Detention) -> None:
        self._require_case(detention.case_id)
        if self._one("SELECT 1 FROM detentions WHERE detention_id = ?", [detention.detention_id]):
            raise StoreError(f"detention '{detention.detention_id}' already exists")
        self._con.execute(
            "INSERT INTO detentions VALUES (?, ?, ?)",
            [detention.detention_id, detention.case_id, canonical_json(detention.to_dict())],
        )

    def add_status(self, case_id: str, change: StatusChange) -> None:
        self._require_case(case_id)
        row = self._one(
            "SELECT coalesce(max(seq), 0) FROM status_history WHERE case_id = ?", [case_id]
        )
        seq = int(row[0]) + 1 if row else 1
        self._con.execute(
            "INSERT INTO status_history VALUES (?, ?, ?, ?, ?, ?)",
            [case_id, seq, change.status, change.at.isoformat(), change.by, change.note],
        )

    # ------------------------------------------------------------ documents

    def next_doc_id(self) -> str:
        row = self._one("SELECT count(*) FROM documents", [])
        n = int(row[0]) + 1 if row else 1
        while self._one("SELECT 1 FROM documents WHERE doc_id = ?", [f"D{n:04d}"]):
            n += 1
        return f"D{n:04d}"

    def add_document(self, doc: Document) -> None:
        if self._one("SELECT 1 FROM documents WHERE doc_id = ?", [doc.doc_id]):
            raise StoreError(f"document '{doc.doc_id}' already exists")
        data = doc.to_dict()
        if doc.source_path:
            data["source_path"] = doc.source_path
        self._con.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL)",
            [doc.doc_id, doc.sha256, doc.doc_type, doc.case_id, canonical_json(data)],
        )

    def get_document(self, doc_id: str) -> Document | None:
        row = self._one(
            "SELECT data, removed_at, removed_by, removal_reason FROM documents WHERE doc_id = ?",
            [doc_id],
        )
        return _document(row) if row else None

    def find_by_sha256(self, sha256: str, case_id: str | None = None) -> Document | None:
        sql = (
            "SELECT data, removed_at, removed_by, removal_reason FROM documents "
            "WHERE sha256 = ? AND removed_at IS NULL"
        )
        params: list[Any] = [sha256]
        if case_id is not None:
            sql += " AND case_id = ?"
            params.append(case_id)
        row = self._one(sql + " ORDER BY doc_id LIMIT 1", params)
        return _document(row) if row else None

    def list_documents(
        self, case_id: str | None = None, *, include_removed: bool = False
    ) -> list[Document]:
        sql = "SELECT data, removed_at, removed_by, removal_reason FROM documents WHERE 1=1"
        params: list[Any] = []
        if case_id is not None:
            sql += " AND case_id = ?"
            params.append(case_id)
        if not include_removed:
            sql += " AND removed_at IS NULL"
        sql += " ORDER BY doc_id"
        return [_document(r) for r in self._con.execute(sql, params).fetchall()]

    def mark_removed(self, doc_id: str, *, at: datetime, by: str, reason: str) -> None:
        row = self._one("SELECT removed_at FROM documents WHERE doc_id = ?", [doc_id])
        if not row:
            raise StoreError(f"unknown document '{doc_id}'")
        if row[0]:
            raise StoreError(f"document '{doc_id}' was already removed on {row[0]}")
        self._con.execute(
            "UPDATE documents SET removed_at = ?, removed_by = ?, removal_reason = ? "
            "WHERE doc_id = ?",
            [at.isoformat(), by, reason, doc_id],
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
        self._con.execute("BEGIN TRANSACTION")
        try:
            row = self._one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [])
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
            self._con.execute(
                "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
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
            self._con.execute("COMMIT")
        except Exception:
            self._con.execute("ROLLBACK")
            raise
        self._write_head(rec.seq, rec.hash)
        return rec

    def _write_head(self, seq: int, digest: str) -> None:
        head = self.data_dir / HEAD_FILE
        tmp = head.with_suffix(".tmp")
        tmp.write_text(json.dumps({"seq": seq, "hash": digest}) + "\n", encoding="utf-8")
        os.replace(tmp, head)

    def audit_records(self) -> list[AuditRecord]:
        rows = self._con.execute(
            "SELECT seq, at_time, actor, action, subject, details, list_versions, algorithms, "
            "prev_hash, hash FROM audit_log ORDER BY seq"
        ).fetchall()
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
        head = self.data_dir / HEAD_FILE
        if not head.is_file():
            return None
        try:
            data = json.loads(head.read_text(encoding="utf-8"))
            return int(data["seq"]), str(data["hash"])
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{head}: unreadable audit head ({exc})") from exc

    # -------------------------------------------------------------- helpers

    def _one(self, sql: str, params: list[Any]) -> tuple[Any, ...] | None:
        row = self._con.execute(sql, params).fetchone()
        return tuple(row) if row is not None else None

    def execute_raw(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run raw SQL (tests use it to simulate tampering; not part of the Store protocol)."""
        self._con.execute(sql, list(params))


def _chain(data: Mapping[str, Any]) -> Chain:
    """A case's chain as kept (``Chain.to_mapping``, or the chain file as given)."""
    return build_chain(data.get("nodes") or [], data.get("edges") or [])


def _document(row: Sequence[Any]) -> Document:
    removed = {"removed_at": _dt(row[1]), "removed_by": row[2], "removal_reason": row[3]}
    return from_json_fields(Document, json.loads(row[0]), **removed)
