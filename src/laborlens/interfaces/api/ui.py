"""The web UI: server-rendered pages over the same workspace as the API.

Pages read; every change (upload, decision, case, evidence, dossier) is a call to the JSON API
made by ``static/app.js`` with the session cookie and the page's CSRF token. A page opened
without a valid session goes to the sign-in page and comes back after it.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from laborlens.interfaces.api.state import SESSION_COOKIE, need, state_of
from laborlens.ops.accounts import Session
from laborlens.ops.workspace import AlertQuery, ResultQuery, Workspace
from laborlens.version import __version__

PAGE = 50
ENCODINGS = ("", "utf-8", "utf-16", "gb18030", "big5", "cp1252", "latin-1", "shift_jis")
RISKS = ("high", "medium", "low", "none", "not_screened")

router = APIRouter(include_in_schema=False)


@cache
def _templates() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("laborlens.interfaces.api", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["qs"] = lambda d: urlencode({k: v for k, v in d.items() if v not in (None, "")},
                                           doseq=True)  # fmt: skip
    return env


def _session(request: Request) -> Session | None:
    sid = request.cookies.get(SESSION_COOKIE)
    return state_of(request).accounts.session(sid) if sid else None


def _render(request: Request, name: str, session: Session, **ctx: Any) -> HTMLResponse:
    html = (
        _templates()
        .get_template(name)
        .render(
            user=session.user, csrf=session.csrf, version=__version__, path=request.url.path, **ctx
        )
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


def _page(request: Request) -> tuple[Session, Workspace] | Response:
    session = _session(request)
    if session is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    return session, state_of(request).workspace(session.user)


@router.get("/login", include_in_schema=False)
def login(request: Request, next: str = "/") -> HTMLResponse:
    safe = next if next.startswith("/") and not next.startswith("//") else "/"
    html = _templates().get_template("login.html.j2").render(next=safe, version=__version__)
    return HTMLResponse(html)


@router.get("/", include_in_schema=False)
def home(request: Request, offset: Annotated[int, Query(ge=0)] = 0) -> Response:
    got = _page(request)
    if isinstance(got, Response):
        return got
    session, ws = got
    total, jobs = ws.jobs(20, offset)
    return _render(request, "jobs.html.j2", session, jobs=jobs, total=total, offset=offset,
                   lists=ws.lists().lists, encodings=ENCODINGS, today=date.today())  # fmt: skip


@router.get("/jobs/{job_id}", include_in_schema=False)
def job_page(  # noqa: PLR0917 - one parameter per query parameter
    request: Request,
    job_id: str,
    risk: Annotated[list[str] | None, Query()] = None,
    kind: str = "",
    outcome: str = "",
    list_id: Annotated[str, Query(alias="list")] = "",
    q: str = "",
    sort: str = "risk",
    order: str = "desc",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    got = _page(request)
    if isinstance(got, Response):
        return got
    session, ws = got
    chosen = [r for r in risk or () if r in RISKS]
    query = ResultQuery(
        risk=tuple(chosen), kind=kind or None, outcome=outcome or None,
        list_id=list_id or None, text=q or None,
        sort=sort if sort in ("risk", "score", "row", "name") else "risk",
        descending=order != "asc", limit=PAGE, offset=offset,
    )  # fmt: skip
    job, total, rows = ws.results(job_id, query)
    filters = {"risk": chosen, "kind": kind, "outcome": outcome, "list": list_id, "q": q,
               "sort": query.sort, "order": "desc" if query.descending else "asc"}  # fmt: skip
    return _render(request, "job.html.j2", session, job=job, rows=rows, total=total,
                   offset=offset, page=PAGE, filters=filters, risks=RISKS,
                   changed=ws.changed_lists(job) if job.complete else {},
                   lists=ws.lists().ids())  # fmt: skip


@router.get("/jobs/{job_id}/rows/{row}", include_in_schema=False)
def party_page(request: Request, job_id: str, row: int) -> Response:
    got = _page(request)
    if isinstance(got, Response):
        return got
    session, ws = got
    return _render(request, "party.html.j2", session, party=ws.party(job_id, row))


@router.get("/jobs/{job_id}/diff", include_in_schema=False)
def diff_page(request: Request, job_id: str, offset: int = 0) -> Response:
    got = _page(request)
    if isinstance(got, Response):
        return got
    session, ws = got
    job, total, changes = ws.diff(job_id, 200, max(0, offset))
    return _render(request, "diff.html.j2", session, job=job, total=total, changes=changes,
                   offset=offset)  # fmt: skip


@router.get("/alerts", include_in_schema=False)
def alerts_page(  # noqa: PLR0917 - one parameter per query parameter
    request: Request,
    status: str = "open",
    kind: str = "",
    q: str = "",
    job_id: str = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    got = _page(request)
    if isinstance(got, Response):
        return got
    session, ws = got
    statuses = ("open", "cleared", "confirmed", "escalated")
    chosen = (status,) if status in statuses else statuses
    query = AlertQuery(status=chosen, kind=kind or None, text=q or None,
                       job_id=job_id or None, limit=PAGE, offset=offset)  # fmt: skip
    total, rows = ws.alerts(query)
    filters = {"status": status, "kind": kind, "q": q, "job_id": job_id}
    return _render(request, "alerts.html.j2", session, alerts=rows, total=total,
                   offset=offset, page=PAGE, filters=filters, statuses=statuses)  # fmt: skip


@router.get("/cases", include_in_schema=False)
def cases_page(request: Request) -> Response:
    got = _page(request)
    if isinstance(got, Response):
        return got
    session, ws = got
    return _render(request, "cases.html.j2", session, cases=ws.evidence().cases())


@router.get("/cases/{case_id}", include_in_schema=False)
def case_page(request: Request, case_id: str, path: str = "applicability_review") -> Response:
    got = _page(request)
    if isinstance(got, Response):
        return got
    session, ws = got
    case = ws.case(case_id)
    svc = ws.evidence()
    path = path if path in ("applicability_review", "exception_request") else (
        "applicability_review")  # fmt: skip
    report = svc.gaps(case_id, path, screen=False)
    return _render(request, "case.html.j2", session, case=case, docs=svc.documents(case_id),
                   report=report, gap_path=path, dossiers=ws.work.dossiers(case_id),
                   types=svc.vocabulary.types)  # fmt: skip


@router.get("/trace", include_in_schema=False)
def trace_page(request: Request) -> Response:
    got = _page(request)
    if isinstance(got, Response):
        return got
    return _render(request, "trace.html.j2", got[0])


@router.get("/exposure", include_in_schema=False)
def exposure_page(request: Request) -> Response:
    got = _page(request)
    if isinstance(got, Response):
        return got
    from laborlens.ops.exposure_uploads import REGIME_IDS

    return _render(request, "exposure.html.j2", got[0], regimes=REGIME_IDS, today=date.today())


@router.post("/exposure/report", include_in_schema=False)
async def exposure_fragment(
    request: Request, ws: Annotated[Workspace, Depends(need("read"))]
) -> HTMLResponse:
    """The exposure page's result (totals, tables, charts) as an HTML fragment."""
    from laborlens.interfaces.api.routes_exposure import exposure_report
    from laborlens.ops.exposure_uploads import chart_images

    report = await exposure_report(request, ws)
    charts = await run_in_threadpool(chart_images, report)
    html = _templates().get_template("exposure_result.html.j2").render(r=report, charts=charts)
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@router.get("/lists", include_in_schema=False)
def lists_page(request: Request) -> Response:
    got = _page(request)
    if isinstance(got, Response):
        return got
    session, ws = got
    return _render(request, "lists.html.j2", session, lists=ws.lists().lists,
                   today=date.today())  # fmt: skip


@router.get("/audit", include_in_schema=False)
def audit_page(request: Request) -> Response:
    got = _page(request)
    if isinstance(got, Response):
        return got
    session, ws = got
    check = ws.evidence().verify_audit()
    records = list(reversed(ws.store.audit_records()))[:200]
    return _render(request, "audit.html.j2", session, records=records, check=check)


def mount(app: FastAPI) -> None:
    """Add the pages and their static assets to ``app``."""
    app.mount("/static/ui", StaticFiles(packages=[("laborlens.interfaces.api", "static")]),
              name="ui-assets")  # fmt: skip
    app.include_router(router)
