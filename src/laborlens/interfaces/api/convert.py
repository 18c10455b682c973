"""Domain objects to response models (render only: no decisions are taken here)."""

from __future__ import annotations

from datetime import date
from typing import Any

from laborlens.interfaces.api import models as m
from laborlens.ops.accounts import User
from laborlens.ops.workspace import Decision, Job


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def job_out(job: Job, changed: dict[str, tuple[str | None, str]] | None = None) -> m.JobOut:
    return m.JobOut(
        job_id=job.job_id, title=job.title, filename=job.filename, status=job.status,  # type: ignore[arg-type]
        complete=job.complete, progress=round(job.progress, 4), total_rows=job.total_rows,
        done_rows=job.done_rows, error=job.error, as_of=job.as_of, encoding=job.encoding,
        file_format=job.file_format,
        list_ids=list(job.list_ids) if job.list_ids is not None else None,
        list_versions=job.list_versions, algorithms=list(job.algorithms),
        parent_id=job.parent_id, summary=m.JobSummary(**job.summary),
        created_by=job.created_by, created_at=job.created_at.isoformat(),
        started_at=_iso(job.started_at), finished_at=_iso(job.finished_at),
        lists_changed={k: m.ListChange(then=a, now=b) for k, (a, b) in (changed or {}).items()},
    )  # fmt: skip


def result_out(row: dict[str, Any]) -> m.ResultOut:
    data = row["data"]
    result = data.get("result", {})
    return m.ResultOut(
        row=row["row"], record_id=row["record_id"], name=row["name"], country=row["country"],
        status=data.get("status", "not screened"), screened=row["screened"], risk=row["risk"],
        score=row["score"], kinds=row["kinds"], lists=row["lists"], outcomes=row["outcomes"],
        errors=row["errors"], record=m.RecordOut(**data.get("record", {})),
        findings=[m.FindingOut(**f) for f in result.get("findings", [])],
        regimes=[m.RegimeOut(**r) for r in result.get("regimes", [])],
    )  # fmt: skip


def alert_out(a: dict[str, Any]) -> m.AlertOut:
    return m.AlertOut(**{k: v for k, v in a.items() if k != "fingerprint"})


def decision_out(d: Decision) -> m.DecisionOut:
    return m.DecisionOut(
        decision_id=d.decision_id, alert_id=d.alert_id, party_key=d.party_key,
        entry_key=d.entry_key, action=d.action, by=d.by, at=d.at.isoformat(), reason=d.reason,
        case_id=d.case_id,
    )  # fmt: skip


def user_out(u: User) -> m.UserOut:
    return m.UserOut(
        name=u.name, tenant=u.tenant, role=u.role, created_at=_iso(u.created_at),
        disabled=u.disabled,
    )  # fmt: skip


def age_days(snapshot: date | None, today: date) -> int | None:
    return (today - snapshot).days if snapshot else None
