"""Cases on a server: evidence uploads, gap analysis, dossier builds kept per tenant, tracing.

Thin glue over :mod:`laborlens.ops.evidence` and :mod:`laborlens.ops.tracing` for callers that
hold uploaded files and form fields rather than paths and options.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from laborlens.adapters.io.chain_views import render_svg
from laborlens.core.evidence.gaps import GapReport
from laborlens.core.evidence.model import Document, EvidenceError
from laborlens.ops.screening import index_for
from laborlens.ops.tracing import ChainInputError, TraceResult, trace
from laborlens.ops.workspace import NotFoundError, Workspace

__all__ = [
    "ChainInputError",
    "EvidenceError",
    "add_evidence",
    "build_dossier",
    "dossier_zip",
    "gaps",
    "trace_with_drawing",
]

_LISTS = ("nodes", "edges", "shipments", "lots")


def _date(value: str | None, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise EvidenceError(f"{what}: not a date (YYYY-MM-DD): {value!r}") from exc


def _number(value: str | None, what: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError as exc:
        raise EvidenceError(f"{what}: not a number: {value!r}") from exc


def add_evidence(
    ws: Workspace, case_id: str, upload: Path, filename: str, fields: Mapping[str, str]
) -> Document:
    """Register an uploaded file as evidence for a case (typed, hashed, stored, audited)."""
    ws.case(case_id)
    doc_type = (fields.get("doc_type") or "").strip()
    if not doc_type:
        raise EvidenceError("doc_type is required (see the document types)")
    split = {k: [v.strip() for v in (fields.get(k) or "").split(",") if v.strip()] for k in _LISTS}
    folder = Path(tempfile.mkdtemp(prefix="evidence-", dir=upload.parent))
    try:
        named = folder / (Path(filename).name or "document")
        shutil.move(str(upload), named)
        return ws.evidence().register(
            named, doc_type, case_id=case_id, nodes=split["nodes"], edges=split["edges"],
            lots=split["lots"], shipments=split["shipments"], title=fields.get("title") or None,
            issuer=fields.get("issuer") or None, producer=fields.get("producer") or None,
            doc_date=_date(fields.get("date"), "date"),
            valid_until=_date(fields.get("valid_until"), "valid_until"),
            quantity=_number(fields.get("quantity"), "quantity"), unit=fields.get("unit") or None,
            language=fields.get("language") or None,
            translation_of=fields.get("translation_of") or None,
        )  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def gaps(ws: Workspace, case_id: str, path: str, as_of: date | None) -> GapReport:
    ws.case(case_id)
    return ws.evidence().gaps(case_id, path, as_of=as_of)


def _dossier_root(ws: Workspace, case_id: str) -> Path:
    return ws.settings.data_dir / "dossiers" / ws.user.tenant / case_id


def build_dossier(ws: Workspace, case_id: str, path: str, as_of: date | None) -> dict[str, Any]:
    """Build a dossier into the tenant's dossier folder; returns its stored description."""
    ws.case(case_id)
    build_id = "B" + secrets.token_hex(6)
    folder = _dossier_root(ws, case_id) / build_id
    result = ws.evidence().build_dossier(case_id, path, folder, as_of=as_of)
    report = gaps(ws, case_id, path, as_of)
    row = {
        "build_id": build_id, "case_id": case_id, "path": path, "folder": str(folder),
        "manifest_sha256": result.manifest_sha256, "gaps": len(report.gaps),
        "created_by": ws.user.name, "created_at": datetime.now(UTC).isoformat(),
    }  # fmt: skip
    ws.work.add_dossier(row)
    return row


def dossier_zip(ws: Workspace, build_id: str, into: Path) -> Path:
    """The built dossier as one zip file (written into ``into``)."""
    row = ws.work.get_dossier(build_id)
    if row is None:
        raise NotFoundError(f"no dossier '{build_id}'")
    folder = Path(row["folder"])
    if not folder.is_dir():
        raise NotFoundError(f"dossier '{build_id}' is no longer on disk")
    target = into / f"dossier-{row['case_id']}-{build_id}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                z.write(f, f.relative_to(folder).as_posix())
    return target


def trace_with_drawing(
    ws: Workspace, chain: Mapping[str, Any], as_of: date | None
) -> tuple[TraceResult, str]:
    """Trace a chain against the server's lists; the result and its drawing (SVG)."""
    # the screening index of the server's lists, shared with the jobs (built once)
    result = trace(dict(chain), as_of=as_of, index=index_for(ws.lists()))
    return result, render_svg(result)
