"""Health, sign-in, users, lists, the audit log, quick screening and yente-style matching."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response

from laborlens.interfaces.api import models as m
from laborlens.interfaces.api.convert import age_days, user_out
from laborlens.interfaces.api.state import SESSION_COOKIE, Caller, identify, need, state_of
from laborlens.ops import listcache, matching
from laborlens.ops.accounts import GRANTS, SESSION_HOURS
from laborlens.ops.screening import screen as screen_rows
from laborlens.ops.workspace import Workspace
from laborlens.version import __version__

router = APIRouter(prefix="/api")
match_router = APIRouter(tags=["matching"])

Reader = Annotated[Workspace, Depends(need("read"))]
Admin = Annotated[Workspace, Depends(need("admin"))]


@router.get("/health", response_model=m.Health, tags=["service"], summary="Liveness")
async def health() -> m.Health:
    """The only endpoint without credentials (for load balancers and monitors). Answered on
    the event loop itself: no thread, no database."""
    return m.Health(status="ok", version=__version__)


# ------------------------------------------------------------------------------- sessions


class _Throttle:
    """At most ``attempts`` failed sign-ins per user name in ``window`` seconds."""

    def __init__(self, attempts: int = 10, window: float = 600.0) -> None:
        self.attempts, self.window = attempts, window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def blocked(self, name: str) -> bool:
        now = time.monotonic()
        with self._lock:
            q = self._failures[name]
            while q and now - q[0] > self.window:
                q.popleft()
            return len(q) >= self.attempts

    def failed(self, name: str) -> None:
        with self._lock:
            self._failures[name].append(time.monotonic())


_THROTTLE = _Throttle()


def _me(caller: Caller) -> m.Me:
    u = caller.user
    perms = [p for p, roles in GRANTS.items() if u.role in roles]
    return m.Me(name=u.name, tenant=u.tenant, role=u.role, permissions=perms,
                csrf=caller.session.csrf if caller.session else None)  # fmt: skip


@router.post("/session", response_model=m.Me, tags=["session"], summary="Sign in (web UI)",
             responses={429: {"model": m.ErrorBody}})  # fmt: skip
def login(body: m.LoginRequest, request: Request, response: Response) -> m.Me:
    """Start a browser session with a password (or an API token): sets an HttpOnly cookie and
    returns the CSRF token to send as ``X-CSRF-Token`` on every change."""
    state = state_of(request)
    if _THROTTLE.blocked(body.username):
        raise HTTPException(429, "too many failed sign-ins; wait ten minutes")
    user = state.accounts.login(body.username, body.password)
    if user is None:
        _THROTTLE.failed(body.username)
        raise HTTPException(401, "wrong user name or password")
    session = state.accounts.start_session(user)
    response.set_cookie(
        SESSION_COOKIE, session.session_id, httponly=True, samesite="strict",
        secure=state.secure_cookies, max_age=SESSION_HOURS * 3600, path="/",
    )  # fmt: skip
    return _me(Caller(user, session))


@router.delete("/session", status_code=204, tags=["session"], summary="Sign out")
def logout(request: Request, caller: Annotated[Caller, Depends(identify)]) -> Response:
    if caller.session is not None:
        state_of(request).accounts.end_session(caller.session.session_id)
    out = Response(status_code=204)
    out.delete_cookie(SESSION_COOKIE, path="/")
    return out


@router.get("/me", response_model=m.Me, tags=["session"], summary="Who am I")
def me(caller: Annotated[Caller, Depends(identify)]) -> m.Me:
    return _me(caller)


@router.get("/users", response_model=list[m.UserOut], tags=["users"], summary="Users (admin)")
def users(request: Request, ws: Admin) -> list[m.UserOut]:
    return [user_out(u) for u in state_of(request).accounts.users(ws.user.tenant)]


@router.post("/users", status_code=201, response_model=m.NewUserOut, tags=["users"],
             summary="Add a user to this tenant (admin)")  # fmt: skip
def add_user(body: m.NewUser, request: Request, ws: Admin) -> m.NewUserOut:
    user, token = state_of(request).accounts.add_user(
        body.name, body.role, ws.user.tenant, password=body.password, by=ws.user.name
    )
    return m.NewUserOut(user=user_out(user), token=token)


# --------------------------------------------------------------------------------- lists


@router.get("/lists", response_model=list[m.ListOut], tags=["lists"],
            summary="Reference lists, their dates and warnings")  # fmt: skip
def lists(ws: Reader) -> list[m.ListOut]:
    today = date.today()
    out = []
    for rl in ws.lists().lists:
        info = rl.info
        age = age_days(info.snapshot_date, today)
        warnings = []
        if not info.complete:
            warnings.append(info.completeness_note or "this copy of the list is incomplete")
        if age is None:
            warnings.append("the snapshot date is unknown")
        elif info.is_stale(today):
            # the publisher's own cadence decides (OFAC weekly, the UFLPA list a few times a year)
            warnings.append(
                f"snapshot is {age} days old, older than the publisher's cadence "
                f"({info.cadence or info.cadence_days}): run `laborlens lists update`"
            )
        out.append(m.ListOut(
            list_id=info.list_id, title=info.title, publisher=info.publisher, kind=info.kind,
            snapshot_date=info.snapshot_date, age_days=age, entries=info.entries,
            version=info.version, complete=info.complete,
            completeness_note=info.completeness_note, warnings=warnings,
            stale=info.stale or info.is_stale(today), cadence=info.cadence, origin=info.origin,
        ))  # fmt: skip
    return out


# ----------------------------------------------------------------------------- audit log


@router.get("/audit", response_model=m.AuditPage, tags=["audit"], summary="The audit log")
def audit(
    ws: Reader,
    since: Annotated[int, Query(ge=0, le=2**62, description="records after this number")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> m.AuditPage:
    """Records of this tenant, oldest first, and whether the whole hash chain verifies."""
    check = ws.evidence().verify_audit()
    records = ws.store.audit_records(since=since, limit=limit)
    return m.AuditPage(
        records=[m.AuditRecordOut(**r.to_dict()) for r in records],
        verified=check.ok, problems=[str(p) for p in check.problems],
    )  # fmt: skip


# ------------------------------------------------------------------------- quick screening


@router.post("/screen", response_model=m.ScreenResponse, tags=["screenings"],
             summary="Screen up to 1,000 rows now (nothing saved)")  # fmt: skip
def screen(body: m.ScreenRequest, ws: Reader) -> m.ScreenResponse:
    base = ws.lists()
    chosen = listcache.select(base, body.lists)
    day = body.as_of or date.today()
    results = screen_rows(body.records, as_of=day, lists=chosen)
    out = [m.ScreenResultOut(**r.to_dict()) for r in results]
    return m.ScreenResponse(as_of=day, lists=chosen.versions(), results=out)


# ------------------------------------------------------------------------------ matching


@match_router.post("/match/{dataset}", response_model=m.MatchResponse,
                   summary="Match entities (yente-compatible)")  # fmt: skip
def match(
    body: m.MatchRequest,
    ws: Reader,
    dataset: Annotated[str, Path(max_length=128, description="'default' or a list id")],
    limit: Annotated[int, Query(ge=1, le=100)] = 5,
    threshold: Annotated[float, Query(ge=0.0, le=1.0)] = 0.7,
) -> m.MatchResponse:
    """The OpenSanctions ``yente`` matching API over laborlens's lists: send FollowTheMoney
    entities, get the list entries they match, scored, with the reason."""
    try:
        chosen = matching.dataset(ws.lists(), dataset)
    except matching.ListError as exc:
        raise HTTPException(404, f"unknown dataset {dataset!r}: {exc}") from exc
    queries = {k: q.properties for k, q in body.queries.items()}
    found = matching.match(chosen, queries, limit=limit)
    responses = {}
    for qid, cands in found.items():
        results = [
            m.MatchResult(
                id=c.entry.entry_id,
                caption=c.entry.name,
                schema=c.entry.schema,
                properties=matching.properties(c.entry),
                datasets=[c.entry.list_id],
                score=round(c.finding.score, 4),
                match=c.finding.match == "strong" or c.finding.score >= threshold,
                features={c.finding.algorithm or "names": round(c.finding.score, 4)},
                explanation=c.finding.why,
            )
            for c in cands
        ]
        responses[qid] = m.QueryResponse(results=results, total=m.MatchTotal(value=len(results)),
                                         query=body.queries[qid])  # fmt: skip
    return m.MatchResponse(responses=responses, limit=limit)


def _match_result(c: matching.Candidate, threshold: float) -> m.MatchResult:
    score = round(c.finding.score, 4)
    return m.MatchResult(
        id=c.entry.entry_id,
        caption=c.entry.name,
        schema=c.entry.schema,
        properties=matching.properties(c.entry),
        datasets=[c.entry.list_id],
        score=score,
        match=c.finding.match == "strong" or score >= threshold,
        features={c.finding.algorithm or "names": score},
        explanation=c.finding.why,
    )
