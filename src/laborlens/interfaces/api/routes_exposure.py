"""Exposure of purchases: upload order lines, get the exposure report (JSON, or the web page's
tables and charts)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from laborlens.interfaces.api import models as m
from laborlens.interfaces.api.state import need, state_of
from laborlens.interfaces.api.uploads import Upload, multipart_body, receive_files
from laborlens.ops.workspace import Workspace

router = APIRouter(prefix="/api", tags=["exposure"])

Reader = Annotated[Workspace, Depends(need("read"))]

_FIELDS: dict[str, dict[str, Any]] = {
    "file": {
        "type": "array",
        "items": {"type": "string", "format": "binary"},
        "description": "order-line files (CSV/TSV/XLSX/Parquet/JSON Lines); repeat the field",
    },
    "suppliers": {"type": "string", "format": "binary", "description": "supplier master"},
    "as_of": {"type": "string", "format": "date", "description": "evaluation date (today)"},
    "regime": {"type": "string", "description": "regime of the outcome (default us_uflpa)"},
    "currency": {"type": "string", "description": "report currency (default USD)"},
}


def _body() -> Any:
    extra = multipart_body(_FIELDS)
    content = extra["requestBody"]["content"]
    del content["application/octet-stream"]  # several files: multipart only
    return extra


async def exposure_report(request: Request, ws: Workspace) -> dict[str, Any]:
    """Receive the files and fields of an exposure request and return the report.

    Raises:
        HTTPException: 400 naming the file, row or field that cannot be used; 413 too large.
    """
    from laborlens.ops.exposure_uploads import ExposureError, SavedFile, analyse_uploads

    state = state_of(request)
    parts, fields = await receive_files(
        request, state.upload_dir, state.max_upload_bytes, ("file", "suppliers")
    )
    uploads: list[Upload] = [*parts["file"], *parts["suppliers"]]
    try:
        if not parts["file"]:
            raise HTTPException(400, "send one or more order-line files in form fields 'file'")
        if len(parts["suppliers"]) > 1:
            raise HTTPException(400, "send at most one supplier master ('suppliers')")
        master = parts["suppliers"][0] if parts["suppliers"] else None
        try:
            report: dict[str, Any] = await run_in_threadpool(
                analyse_uploads,
                [SavedFile(u.path, u.filename) for u in parts["file"]],
                state.upload_dir,
                suppliers=SavedFile(master.path, master.filename) if master else None,
                as_of=_date(fields.get("as_of")),
                regime=fields.get("regime") or "us_uflpa",
                currency=fields.get("currency") or "USD",
                lists=ws.lists(),
            )
        except ExposureError as exc:
            raise HTTPException(400, str(exc)) from None
    finally:
        for u in uploads:
            u.discard()
    return report


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise HTTPException(400, f"as_of: not a date (YYYY-MM-DD): {value!r}") from exc


@router.post(
    "/exposure",
    summary="Exposure of purchases per sector, regime outcome, supplier and month",
    response_model=m.ExposureReport,
    openapi_extra=_body(),
    responses={413: {"model": m.ErrorBody}},
)
async def exposure(request: Request, ws: Reader) -> JSONResponse:
    """Upload order lines (supplier, HS code or product, quantity with unit, value with
    currency, date; one or more files in fields named ``file``) and optionally a supplier
    master (``suppliers``); answered with the exposure report, the same JSON as
    ``laborlens exposure --format json``: totals, per sector, outcome, supplier and month the
    value, quantity and share, the undetermined part and the data-quality section. Nothing is
    stored."""
    return JSONResponse(await exposure_report(request, ws))
