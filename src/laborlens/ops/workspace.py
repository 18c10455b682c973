"""One user's work in their tenant: saved screenings, results, alerts and decisions.

A :class:`Workspace` is what the REST API and the web UI call: it binds a tenant-scoped store,
the acting user and the job runner. Every decision is written to the tenant's hash-chained audit
log with the user, the time, the list versions the screening used and the algorithm versions.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import secrets
import shutil
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from laborlens.adapters.io import job_export
from laborlens.adapters.store import SqlStore, sha256_file
from laborlens.core.evidence.model import Case
from laborlens.core.lists import ListError, ListSet
from laborlens.core.workspace import alerts as rules
from laborlens.core.workspace.accounts import User
from laborlens.core.workspace.alerts import Decision, DecisionError
from laborlens.core.workspace.jobs import AlertQuery, Job, QueryError, ResultQuery
from laborlens.core.workspace.results import Change, compare
from laborlens.ops.evidence import EvidenceService
from laborlens.ops.jobs import JobRunner
from laborlens.ops.screening import reference_lists
from laborlens.settings import Settings

EXPORT_FORMATS = job_export.EXPORT_FORMATS

__all__ = [
    "EXPORT_FORMATS",
    "AlertQuery",
    "Decision",
    "DecisionError",
    "Job",
    "NotFoundError",
    "QueryError",
    "ResultQuery",
    "SqlStore",
    "Workspace",
    "WorkspaceError",
]


class NotFoundError(LookupError):
    """No such job, row, alert or case in this tenant."""


class WorkspaceError(ValueError):
    """A request that cannot be done (bad encoding, unknown list, nothing to re-screen …)."""


@dataclass(frozen=True, slots=True)
class Party:
    """One screened row with everything known about it."""

    job: Job
    result: dict[str, Any]
    alerts: list[dict[str, Any]]
    decisions: list[Decision]


def _now() -> datetime:
    return datetime.now(UTC)


class Workspace:
    """Saved work of ``user`` in their tenant."""

    def __init__(
        self, store: SqlStore, user: User, settings: Settings, runner: JobRunner | None = None
    ) -> None:
        if store.tenant != user.tenant:
            raise ValueError("the store must be scoped to the user's tenant")
        self.store = store
        self.work = store.work
        self.user = user
        self.settings = settings
        self.runner = runner

    def lists(self) -> ListSet:
        return reference_lists(self.settings.data_dir)

    def evidence(self) -> EvidenceService:
        """Cases, documents, gaps and dossiers as this user."""
        return EvidenceService(replace(self.settings, user=self.user.name), store=self.store)

    def audit(
        self,
        action: str,
        subject: str,
        details: dict[str, Any],
        list_versions: dict[str, str],
        algorithms: list[str] | tuple[str, ...],
    ) -> None:
        self.store.append_audit(
            at=_now(), actor=self.user.name, action=action, subject=subject, details=details,
            list_versions=list_versions, algorithms=algorithms,
        )  # fmt: skip

    # ----------------------------------------------------------------- jobs

    def create_job(
        self,
        upload: Path,
        filename: str,
        *,
        encoding: str | None = None,
        as_of: date | None = None,
        list_ids: list[str] | None = None,
        title: str | None = None,
        parent_id: str | None = None,
    ) -> tuple[Job, bool]:
        """Save an uploaded file as a job and queue it; returns (job, duplicate).

        Submitting the same file with the same options while an earlier submission is still
        queued or running returns that job (``duplicate`` True) instead of screening twice.
        """
        if encoding:
            try:
                codecs.lookup(encoding)
            except LookupError as exc:
                raise WorkspaceError(f"unknown encoding {encoding!r}") from exc
        ids = tuple(dict.fromkeys(i.strip() for i in list_ids or () if i.strip())) or None
        lists = self.lists()
        try:
            lists.select(list(ids) if ids else None)
        except ListError as exc:
            raise WorkspaceError(str(exc)) from exc
        day = as_of or date.today()
        digest, size = sha256_file(upload)
        key = hashlib.sha256(
            json.dumps([digest, day.isoformat(), ids, encoding, parent_id]).encode()
        ).hexdigest()
        dup = self.work.active_duplicate(key)
        if dup is not None:
            return dup, True
        job_id = "J" + secrets.token_hex(6)
        folder = self.settings.data_dir / "jobs" / self.user.tenant / job_id
        folder.mkdir(parents=True, exist_ok=True)
        suffix = "".join(Path(filename).suffixes[-2:]).lower() or ".csv"
        shutil.move(str(upload), folder / f"input{suffix}")
        job = Job(
            job_id=job_id, filename=Path(filename).name or "upload.csv", input_sha256=digest,
            input_size=size, as_of=day, created_by=self.user.name, created_at=_now(),
            options_key=key, title=title, encoding=encoding, list_ids=ids,
            parent_id=parent_id, list_versions=lists.versions(),
        )  # fmt: skip
        self.work.add_job(job)
        self.audit("job.create", job_id,
                   {"file": job.filename, "sha256": digest, "size": size, "as_of": day.isoformat(),
                    "lists": list(ids or ()), "parent": parent_id},
                   lists.versions(), [])  # fmt: skip
        if self.runner is not None:
            self.runner.submit(self.user.tenant, job_id)
        return job, False

    def job(self, job_id: str) -> Job:
        job = self.work.get_job(job_id)
        if job is None:
            raise NotFoundError(f"no job '{job_id}'")
        return job

    def jobs(self, limit: int = 50, offset: int = 0) -> tuple[int, list[Job]]:
        return self.work.list_jobs(limit, offset)

    def changed_lists(self, job: Job) -> dict[str, tuple[str | None, str]]:
        """Lists whose version differs now from the one the job used: id -> (then, now)."""
        now = self.lists().versions()
        ids = job.list_ids or tuple(now)
        return {
            i: (job.list_versions.get(i), now[i])
            for i in ids
            if i in now and job.list_versions.get(i) != now[i]
        }

    def rescreen(self, job_id: str, as_of: date | None = None) -> Job:
        """Screen a saved job's file again with today's lists (a new job, linked to it)."""
        old = self.job(job_id)
        src = sorted((self.settings.data_dir / "jobs" / self.user.tenant / job_id).glob("input.*"))
        if not src:
            raise WorkspaceError(f"job '{job_id}' has no stored file to screen again")
        copy = src[0].with_name("rescreen-" + secrets.token_hex(4) + src[0].suffix)
        shutil.copyfile(src[0], copy)
        job, _ = self.create_job(
            copy, old.filename, encoding=old.encoding, as_of=as_of or date.today(),
            list_ids=list(old.list_ids) if old.list_ids else None,
            title=old.title, parent_id=old.job_id,
        )  # fmt: skip
        return job

    def results(self, job_id: str, query: ResultQuery) -> tuple[Job, int, list[dict[str, Any]]]:
        job = self.job(job_id)
        total, rows = self.work.results(job_id, query)
        return job, total, rows

    def party(self, job_id: str, row: int) -> Party:
        job = self.job(job_id)
        result = self.work.result(job_id, row)
        if result is None:
            raise NotFoundError(f"job '{job_id}' has no row {row}")
        alerts = self.work.row_alerts(job_id, row)
        keys = {a["party_key"] for a in alerts}
        history = [d for k in sorted(keys) for d in self.work.decisions(k)]
        return Party(job, result, alerts, history)

    def diff(self, job_id: str, limit: int = 100, offset: int = 0) -> tuple[Job, int, list[Change]]:
        """What changed between a re-screening and the job it re-screened."""
        job = self.job(job_id)
        if not job.parent_id:
            raise WorkspaceError(f"job '{job_id}' is not a re-screening")
        total, rows = self.work.diff_rows(job.parent_id, job_id, limit, offset)
        changes = []
        for r in rows:
            before = (r[2], r[3] or "") if r[4] else None
            after = (r[5], r[6] or "") if r[7] else None
            change = compare(int(r[0]), r[1], before, after)
            if change is not None:
                changes.append(change)
        return job, total, changes

    def export(self, job_id: str, fmt: str, folder: Path) -> Path:
        """Write every result row (worst first) to a file in ``folder``."""
        if fmt not in job_export.EXPORT_FORMATS:
            raise WorkspaceError(
                f"unknown format {fmt!r}; choose one of {', '.join(job_export.EXPORT_FORMATS)}"
            )
        job = self.job(job_id)
        if not job.complete:
            raise WorkspaceError(f"job '{job_id}' is {job.status}; export it once it is done")
        path = folder / f"{Path(job.filename).stem}-{job_id}{job_export.EXPORT_FORMATS[fmt][1]}"
        meta = {"job": job_id, "file": job.filename, "as of": job.as_of.isoformat(),
                "lists": ", ".join(f"{k} {v}" for k, v in sorted(job.list_versions.items())),
                "algorithms": ", ".join(job.algorithms), "screened by": job.created_by}  # fmt: skip
        job_export.export(fmt, self.work.iter_results(job_id), path, meta)
        return path

    # --------------------------------------------------------------- alerts

    def alerts(self, query: AlertQuery) -> tuple[int, list[dict[str, Any]]]:
        return self.work.alerts(query)

    def alert(self, alert_id: str) -> dict[str, Any]:
        found = self.work.get_alert(alert_id)
        if found is None:
            raise NotFoundError(f"no alert '{alert_id}'")
        return found

    def decide(
        self,
        alert_id: str,
        action: str,
        *,
        reason: str | None = None,
        case_id: str | None = None,
    ) -> tuple[dict[str, Any], Decision, int]:
        """Clear (with a reason), confirm, or escalate an alert to a case (a new case on the
        party, or ``case_id``). Returns the alert after the decision, the decision and how many
        other open alerts on the same party and entry it settled."""
        rules.check_decision(action, reason)
        alert = self.alert(alert_id)
        job = self.job(alert["job_id"])
        if action == "escalate":
            case_id = self._escalation_case(alert, case_id)
        decision = Decision(
            decision_id="DEC" + secrets.token_hex(6), alert_id=alert_id,
            party_key=alert["party_key"], entry_key=alert["entry_key"],
            fingerprint=alert["fingerprint"], action=action, by=self.user.name, at=_now(),
            reason=(reason or "").strip() or None, case_id=case_id,
        )  # fmt: skip
        algorithms = [*job.algorithms, rules.ALGORITHM]
        settled = self.work.add_decision(
            decision, rules.ACTIONS[action], job.list_versions, algorithms
        )
        self.audit(f"alert.{action}", alert_id,
                   {"party": alert["party_name"], "party_key": alert["party_key"],
                    "entry": alert["entry_name"], "entry_key": alert["entry_key"],
                    "fingerprint": alert["fingerprint"], "job": job.job_id, "row": alert["row"],
                    "reason": decision.reason, "case_id": case_id, "decision": decision.decision_id,
                    "settled_others": settled},
                   job.list_versions, algorithms)  # fmt: skip
        return self.alert(alert_id), decision, settled

    def _escalation_case(self, alert: dict[str, Any], case_id: str | None) -> str:
        svc = self.evidence()
        if case_id:
            if self.store.get_case(case_id) is None:
                raise NotFoundError(f"no case '{case_id}'")
            return case_id
        new_id = f"A-{alert['alert_id']}".replace(".", "-")
        if self.store.get_case(new_id) is not None:
            return new_id
        node = {"id": "P1", "name": alert["party_name"] or alert["party_key"],
                "country": alert["country"], "role": "supplier"}  # fmt: skip
        svc.create_case(
            new_id,
            {"nodes": [node], "edges": []},
            title=f"{alert['party_name']}: {alert['entry_name']} ({alert['kind']})",
        )
        return new_id

    def add_case(self, case_id: str, chain: dict[str, Any], title: str | None) -> Case:
        return self.evidence().create_case(case_id, chain, title=title)

    def case(self, case_id: str) -> Case:
        found = self.store.get_case(case_id)
        if found is None:
            raise NotFoundError(f"no case '{case_id}'")
        return found

    def set_case_status(self, case_id: str, status: str, note: str | None) -> Case:
        self.case(case_id)
        return self.evidence().set_status(case_id, status, note)
