"""Cases, evidence, gap analysis, dossiers and tracing."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from laborlens.interfaces.api import models as m
from laborlens.interfaces.api.state import need, state_of
from laborlens.interfaces.api.uploads import multipart_body, receive
from laborlens.ops import casework
from laborlens.ops.workspace import Workspace

router = APIRouter(prefix="/api", tags=["cases"])

Reader = Annotated[Workspace, Depends(need("read"))]
Screener = Annotated[Workspace, Depends(need("screen"))]

_EVIDENCE_FIELDS = {
    "doc_type": {"type": "string", "description": "a document type (see /api/evidence/types)"},
    "nodes": {"type": "string", "description": "comma-separated node ids it covers"},
    "edges": {"type": "string", "description": "comma-separated edge ids (FROM->TO)"},
    "shipments": {"type": "string"},
    "lots": {"type": "string"},
    "date": {"type": "string", "format": "date"},
    "valid_until": {"type": "string", "format": "date"},
    "quantity": {"type": "string"},
    "unit": {"type": "string"},
    "producer": {"type": "string"},
    "issuer": {"type": "string"},
    "language": {"type": "string"},
    "title": {"type": "string"},
    "translation_of": {"type": "string"},
}


def case_out(case: Any) -> m.CaseOut:
    return m.CaseOut(**case.to_dict())


def _dossier_out(row: dict[str, Any]) -> m.DossierOut:
    return m.DossierOut(
        build_id=row["build_id"], case_id=row["case_id"], path=row["path"],
        manifest_sha256=row["manifest_sha256"], gaps=row["gaps"], created_by=row["created_by"],
        created_at=row["created_at"], download=f"/api/dossiers/{row['build_id']}/download",
    )  # fmt: skip


@router.get("/cases", response_model=m.CasePage, summary="Cases of this tenant")
def list_cases(ws: Reader) -> m.CasePage:
    return m.CasePage(cases=[case_out(c) for c in ws.evidence().cases()])


@router.post("/cases", status_code=201, response_model=m.CaseOut, summary="Open a case on a chain")
def create_case(body: m.CaseIn, ws: Screener) -> m.CaseOut:
    return case_out(ws.add_case(body.case_id, body.chain.mapping(), body.title))


@router.get("/cases/{case_id}", response_model=m.CaseDetail, summary="A case with its chain")
def get_case(case_id: str, ws: Reader) -> m.CaseDetail:
    case = ws.case(case_id)
    docs = ws.evidence().documents(case_id)
    return m.CaseDetail(
        case=case_out(case),
        chain=m.ChainIn.model_validate(case.chain.to_mapping()),
        documents=[m.DocumentOut(**d.to_dict()) for d in docs],
        dossiers=[_dossier_out(r) for r in ws.work.dossiers(case_id)],
    )


@router.post("/cases/{case_id}/status", response_model=m.CaseOut, summary="Record a status")
def case_status(case_id: str, body: m.StatusIn, ws: Screener) -> m.CaseOut:
    return case_out(ws.set_case_status(case_id, body.status, body.note))


@router.post(
    "/cases/{case_id}/evidence",
    status_code=201,
    response_model=m.DocumentOut,
    summary="Register a document as evidence",
    openapi_extra=multipart_body(_EVIDENCE_FIELDS, required=("doc_type",)),
    responses={413: {"model": m.ErrorBody}},
)
async def add_evidence(case_id: str, request: Request, ws: Screener) -> m.DocumentOut:
    await run_in_threadpool(ws.case, case_id)  # 404 before reading a large body
    state = state_of(request)
    upload = await receive(request, state.upload_dir, state.max_upload_bytes)
    try:
        doc = await run_in_threadpool(
            casework.add_evidence, ws, case_id, upload.path, upload.filename, upload.fields
        )
    finally:
        upload.discard()
    return m.DocumentOut(**doc.to_dict())


@router.get("/cases/{case_id}/gaps", response_model=m.GapReportOut, summary="Gap analysis")
def case_gaps(
    case_id: str,
    ws: Reader,
    path: Literal["applicability_review", "exception_request"] = "applicability_review",
    as_of: date | None = None,
) -> m.GapReportOut:
    return m.GapReportOut(**casework.gaps(ws, case_id, path, as_of).to_dict())


@router.post("/cases/{case_id}/dossiers", status_code=201, response_model=m.DossierOut,
             summary="Build the dossier (submission package)")  # fmt: skip
def build_dossier(case_id: str, body: m.DossierRequest, ws: Screener) -> m.DossierOut:
    return _dossier_out(casework.build_dossier(ws, case_id, body.path, body.as_of))


@router.get(
    "/dossiers/{build_id}/download",
    response_class=FileResponse,
    summary="Download a built dossier (zip)",
    responses={200: {"content": {"application/zip": {}}}},
)
def download_dossier(build_id: str, ws: Reader) -> FileResponse:
    tmp = Path(tempfile.mkdtemp(prefix="dossier-", dir=ws.settings.data_dir))
    try:
        path = casework.dossier_zip(ws, build_id, tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return FileResponse(path, media_type="application/zip", filename=path.name,
                        background=BackgroundTask(shutil.rmtree, tmp, True))  # fmt: skip


@router.post("/trace", response_model=m.TraceOut, summary="Trace a supply chain")
def trace(body: m.TraceRequest, ws: Reader) -> m.TraceOut:
    """Screen every party of the chain and trace taint, mass balance and routes; the result
    comes with the chain drawn by tier."""
    result, svg = casework.trace_with_drawing(ws, body.chain.mapping(), body.as_of)
    return m.TraceOut(**result.to_dict(), svg=svg)


@router.get("/evidence/types", response_model=list[m.DocTypeOut], summary="Document types")
def evidence_types(
    ws: Reader, q: Annotated[str | None, Query(max_length=100)] = None
) -> list[m.DocTypeOut]:
    """The document-type vocabulary (from CBP's guidance, with citations)."""
    out = [
        m.DocTypeOut(
            id=t.id,
            label=t.label,
            scope=list(t.scope),
            categories=list(t.categories),
            source=t.source,
            aliases=list(t.aliases),
        )
        for t in ws.evidence().vocabulary.types
    ]
    if q:
        out = [t for t in out if q.casefold() in f"{t.id} {t.label} {t.aliases}".casefold()]
    return out
