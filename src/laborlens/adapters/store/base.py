"""The store protocol: what any backend (DuckDB today, PostgreSQL later) must provide.

A store keeps cases (chain snapshot, shipments, detentions, status history), the evidence
registry (document metadata; the files themselves go to a :class:`FileStore`), and the
append-only, hash-chained audit log. ``tests/adapters/test_store.py`` is the behaviour test every
backend must pass.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from laborlens.core.evidence.audit import AuditRecord
from laborlens.core.evidence.model import (
    Case,
    Detention,
    Document,
    Shipment,
    StatusChange,
)


class StoreError(ValueError):
    """A store operation cannot be done (unknown id, duplicate, integrity failure)."""


class Store(Protocol):
    """Persistence for cases, documents and the audit log."""

    data_dir: Path
    files: FileStore

    def close(self) -> None: ...

    # cases
    def put_case(self, case: Case) -> None: ...
    def get_case(self, case_id: str) -> Case | None: ...
    def list_cases(self) -> list[Case]: ...
    def add_shipment(self, shipment: Shipment) -> None: ...
    def add_detention(self, detention: Detention) -> None: ...
    def add_status(self, case_id: str, change: StatusChange) -> None: ...

    # documents
    def next_doc_id(self) -> str: ...
    def add_document(self, doc: Document) -> None: ...
    def get_document(self, doc_id: str) -> Document | None: ...
    def find_by_sha256(self, sha256: str, case_id: str | None = None) -> Document | None:
        """The first active document with this content (in ``case_id`` when given)."""
        ...

    def list_documents(
        self, case_id: str | None = None, *, include_removed: bool = False
    ) -> list[Document]: ...
    def mark_removed(self, doc_id: str, *, at: datetime, by: str, reason: str) -> None: ...

    # audit log (append-only: there is deliberately no update or delete)
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
    ) -> AuditRecord: ...
    def audit_records(self) -> list[AuditRecord]: ...
    def audit_head(self) -> tuple[int, str] | None: ...


def sha256_file(path: Path, chunk: int = 1 << 20) -> tuple[str, int]:
    """sha256 hex digest and size of a file, read in chunks."""
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


class FileStore:
    """Content-addressed files: ``objects/ab/cdef…`` named by their sha256, written once.

    Objects are written to a temporary file and renamed into place (atomic on one filesystem) and
    made read-only, so an object's name is its content's hash unless someone edits it on disk —
    which :meth:`verify` detects.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:]

    def put(self, source: Path) -> tuple[str, int]:
        """Copy ``source`` in (if its content is not already there); return (sha256, size)."""
        digest, size = sha256_file(source)
        target = self.path_of(digest)
        if target.exists():
            return digest, size
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        os.close(fd)
        try:
            shutil.copyfile(source, tmp)
            check, _ = sha256_file(Path(tmp))
            if check != digest:
                raise StoreError(f"{source}: file changed while it was being registered")
            os.chmod(tmp, 0o444)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return digest, size

    def exists(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    def verify(self, sha256: str) -> str | None:
        """None when the object is present and intact, else what is wrong."""
        p = self.path_of(sha256)
        if not p.is_file():
            return "stored file is missing"
        actual, _ = sha256_file(p)
        if actual != sha256:
            return f"stored file was modified (sha256 now {actual[:12]}…)"
        return None
