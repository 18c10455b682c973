"""Saved screenings, their results and the alert review queue."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from laborlens.interfaces.api import models as m
from laborlens.interfaces.api.convert import alert_out, decision_out, job_out, result_out
from laborlens.interfaces.api.state import need, state_of
from laborlens.interfaces.api.uploads import multipart_body, receive
from laborlens.ops.workspace import EXPORT_FORMATS, AlertQuery, ResultQuery, Workspace

router = APIRouter(prefix="/api", tags=["screenings"])
review = APIRouter(prefix="/api", tags=["review"])

Reader = Annotated[Workspace, Depends(need("read"))]
Screener = Annotated[Workspace, Depends(need("screen"))]
Reviewer = Annotated[Workspace, Depends(need("review"))]
RiskFilter = Annotated[
    list[Literal["high", "medium", "low", "none", "not_screened"]] | None,
    Query(description="keep these levels (repeat the parameter)"),
]
StatusFilter = Annotated[
    list[Literal["open", "cleared", "confirmed", "escalated"]] | None,
    Query(description="keep these statuses (default: open)"),
]

_UPLOAD_FIELDS = {
    "encoding": {"type": "string", "description": "text encoding (default: detected)"},
    "as_of": {"type": "string", "format": "date", "description": "evaluation date"},
    "lists": {"type": "string", "description": "comma-separated list ids (default: all)"},
    "title": {"type": "string"},
}


def _date(value: str | None, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise HTTPException(400, f"{what}: not a date (YYYY-MM-DD): {value!r}") from exc


@router.post(
    "/jobs",
    status_code=202,
    response_model=m.JobCreated,
    summary="Upload a file to screen as a saved job",
    openapi_extra=multipart_body(_UPLOAD_FIELDS),
    responses={
        200: {"model": m.JobCreated, "description": "a duplicate of a queued job"},
        413: {"model": m.ErrorBody},
    },
)
async def create_job(request: Request, ws: Screener) -> m.JobCreated:
    """Stream the file to disk (CSV/TSV/XLSX/Parquet/JSON Lines, optionally gzip), queue it and
    answer at once (202). The worker counts its rows, refuses a file over the row limit before
    screening any of it, and screens the rest off the server's event loop; poll the job."""
    state = state_of(request)
    upload = await receive(request, state.upload_dir, state.max_upload_bytes)
    f = upload.fields
    try:
        from starlette.concurrency import run_in_threadpool

        job, dup = await run_in_threadpool(
            ws.create_job,
            upload.path,
            upload.filename,
            encoding=f.get("encoding") or None,
            as_of=_date(f.get("as_of"), "as_of"),
            list_ids=[i for i in (f.get("lists") or "").split(",") if i.strip()] or None,
            title=f.get("title") or None,
        )
    finally:
        upload.discard()
    out = m.JobCreated(job=job_out(job), duplicate=dup)
    if dup:
        from fastapi.responses import JSONResponse

        return JSONResponse(out.model_dump(mode="json"), status_code=200)  # type: ignore[return-value]
    return out


@router.get("/jobs", response_model=m.JobPage, summary="Saved screenings, newest first")
def list_jobs(
    ws: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> m.JobPage:
    total, jobs = ws.jobs(limit, offset)
    return m.JobPage(total=total, jobs=[job_out(j) for j in jobs])


@router.get("/jobs/{job_id}", response_model=m.JobOut, summary="A job: status and progress")
def get_job(job_id: str, ws: Reader) -> m.JobOut:
    job = ws.job(job_id)
    return job_out(job, ws.changed_lists(job) if job.complete else None)


@router.get("/jobs/{job_id}/results", response_model=m.ResultPage, summary="Results, worst first")
def job_results(  # noqa: PLR0917 - one parameter per query parameter
    job_id: str,
    ws: Reader,
    risk: Annotated[
        list[Literal["high", "medium", "low", "none", "not_screened"]] | None,
        Query(description="keep these levels (repeat)"),
    ] = None,
    kind: Annotated[str | None, Query(max_length=64, description="finding kind")] = None,
    outcome: Annotated[
        str | None, Query(max_length=128, description="e.g. us_uflpa:presumption")
    ] = None,
    list_id: Annotated[str | None, Query(alias="list", max_length=128)] = None,
    q: Annotated[str | None, Query(max_length=200, description="text in name, id, address")] = None,
    sort: Literal["risk", "score", "row", "name"] = "risk",
    order: Literal["desc", "asc"] = "desc",
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> m.ResultPage:
    """Paginated, sorted (worst first by default) and filtered. While the job runs, the rows
    stored so far come back with ``complete`` false."""
    query = ResultQuery(
        risk=tuple(risk or ()), kind=kind, outcome=outcome, list_id=list_id, text=q, sort=sort,
        descending=order == "desc", limit=limit, offset=offset,
    )  # fmt: skip
    job, total, rows = ws.results(job_id, query)
    page = m.ResultPage(job=job_out(job), complete=job.complete, total=total, offset=offset,
                        limit=limit, results=[result_out(r) for r in rows])  # fmt: skip
    # built and checked once here: the hot path skips FastAPI's second validation
    return Response(page.model_dump_json(), media_type="application/json")  # type: ignore[return-value]


@router.get("/jobs/{job_id}/results/{row}", response_model=m.PartyOut, summary="A party's page")
def party(job_id: str, row: int, ws: Reader) -> m.PartyOut:
    """One row with every finding, the names matched, the sources, its alerts and the review
    decisions ever taken on this party."""
    p = ws.party(job_id, row)
    return m.PartyOut(job_id=job_id, result=result_out(p.result),
                      alerts=[alert_out(a) for a in p.alerts],
                      decisions=[decision_out(d) for d in p.decisions])  # fmt: skip


@router.get(
    "/jobs/{job_id}/export",
    summary="Download every result (worst first)",
    response_class=FileResponse,
    responses={200: {"content": {"text/csv": {}, "application/octet-stream": {}}}},
)
def export(
    job_id: str, ws: Reader, format: Literal["csv", "xlsx", "html", "parquet"] = "csv"
) -> FileResponse:
    tmp = Path(tempfile.mkdtemp(prefix="export-", dir=ws.settings.data_dir))
    try:
        path = ws.export(job_id, format, tmp)
    except BaseException:
        _rmtree(tmp)
        raise
    return FileResponse(path, media_type=EXPORT_FORMATS[format][0], filename=path.name,
                        background=BackgroundTask(_rmtree, tmp))  # fmt: skip


def _rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


@router.post("/jobs/{job_id}/rescreen", status_code=202, response_model=m.JobOut,
             summary="Screen the same file again with today's lists")  # fmt: skip
def rescreen(job_id: str, ws: Screener, body: m.RescreenRequest | None = None) -> m.JobOut:
    return job_out(ws.rescreen(job_id, body.as_of if body else None))


@router.get("/jobs/{job_id}/diff", response_model=m.DiffPage,
            summary="What a re-screening changed")  # fmt: skip
def diff(
    job_id: str,
    ws: Reader,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> m.DiffPage:
    job, total, changes = ws.diff(job_id, limit, offset)
    return m.DiffPage(
        job_id=job_id, parent_id=job.parent_id or "", total=total,
        changes=[m.ChangeOut(row=c.row, name=c.name, kind=c.kind, before=c.before,
                             after=c.after, added=list(c.added), removed=list(c.removed))
                 for c in changes],
    )  # fmt: skip


# ---------------------------------------------------------------------------- review queue


@review.get("/alerts", response_model=m.AlertPage, summary="The alert review queue")
def alerts(  # noqa: PLR0917 - one parameter per query parameter
    ws: Reader,
    status: Annotated[
        list[Literal["open", "cleared", "confirmed", "escalated"]] | None,
        Query(description="default: open"),
    ] = None,
    job_id: Annotated[str | None, Query(max_length=64)] = None,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> m.AlertPage:
    query = AlertQuery(status=tuple(status or ("open",)), job_id=job_id, kind=kind, text=q,
                       limit=limit, offset=offset)  # fmt: skip
    total, rows = ws.alerts(query)
    return m.AlertPage(total=total, alerts=[alert_out(a) for a in rows])


@review.get("/alerts/{alert_id}", response_model=m.AlertOut, summary="One alert")
def alert(alert_id: str, ws: Reader) -> m.AlertOut:
    return alert_out(ws.alert(alert_id))


@review.post("/alerts/{alert_id}/decision", response_model=m.DecisionResponse,
             summary="Clear, confirm or escalate an alert")  # fmt: skip
def decide(alert_id: str, body: m.DecisionRequest, ws: Reviewer) -> m.DecisionResponse:
    """Clearing needs a reason. The decision is remembered for this party and list entry and
    applied again, visibly, on later screenings until the entry changes; it is written to the
    audit log with the user, the time, the list versions and the algorithm versions."""
    a, d, settled = ws.decide(alert_id, body.action, reason=body.reason, case_id=body.case_id)
    return m.DecisionResponse(alert=alert_out(a), decision=decision_out(d),
                              settled_others=settled)  # fmt: skip
