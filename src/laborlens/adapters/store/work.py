"""Saved work of one tenant: screening jobs, result rows, alerts, decisions, dossier builds."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from laborlens.adapters.store.base import StoreError
from laborlens.adapters.store.sql import Database
from laborlens.core.workspace.alerts import Decision
from laborlens.core.workspace.jobs import RESULT_SORTS, AlertQuery, Job, ResultQuery
from laborlens.core.workspace.results import with_details

_JOB_COLS = (
    "job_id, title, filename, file_format, encoding, status, total_rows, done_rows, error, "
    "as_of, list_ids, list_versions, algorithms, parent_id, input_sha256, input_size, "
    "options_key, summary, created_by, created_at, started_at, finished_at, attempts"
)
_RESULT_COLS = (
    'job_id, "row", record_id, name, country, screened, risk, risk_rank, score, kinds, lists, '
    "outcomes, entry_keys, errors, data"
)
_ALERT_COLS = (
    'alert_id, job_id, "row", party_key, party_name, country, entry_key, fingerprint, kind, '
    "band, list_id, entry_id, entry_name, matched_name, score, why, status, decision_id, "
    "reapplied, note, created_at"
)
_DECISION_COLS = (
    "decision_id, alert_id, party_key, entry_key, fingerprint, action, by_user, at_time, reason, "
    "case_id"
)
#: job fields that may be updated, with how to store them
_JOB_UPDATES: dict[str, Callable[[Any], Any]] = {
    "status": str,
    "total_rows": int,
    "done_rows": int,
    "error": str,
    "started_at": datetime.isoformat,
    "finished_at": datetime.isoformat,
    "attempts": int,
    "summary": lambda v: json.dumps(v, sort_keys=True),
    "list_versions": lambda v: json.dumps(v, sort_keys=True),
    "algorithms": lambda v: json.dumps(list(v)),
    "file_format": str,
    "encoding": str,
}


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _job(r: Sequence[Any]) -> Job:
    return Job(
        job_id=r[0],
        title=r[1],
        filename=r[2],
        file_format=r[3],
        encoding=r[4],
        status=r[5],
        total_rows=None if r[6] is None else int(r[6]),
        done_rows=int(r[7]),
        error=r[8],
        as_of=date.fromisoformat(r[9]),
        list_ids=tuple(json.loads(r[10])) if r[10] else None,
        list_versions=json.loads(r[11]) if r[11] else {},
        algorithms=tuple(json.loads(r[12])) if r[12] else (),
        parent_id=r[13],
        input_sha256=r[14],
        input_size=int(r[15]),
        options_key=r[16],
        summary=json.loads(r[17]) if r[17] else {},
        created_by=r[18],
        created_at=datetime.fromisoformat(r[19]),
        started_at=_dt(r[20]),
        finished_at=_dt(r[21]),
        attempts=int(r[22]),
    )


def _result(r: Sequence[Any]) -> dict[str, Any]:
    return {
        "job_id": r[0],
        "row": int(r[1]),
        "record_id": r[2],
        "name": r[3],
        "country": r[4],
        "screened": bool(r[5]),
        "risk": r[6],
        "score": float(r[8]),
        "kinds": [k for k in (r[9] or "").split(",") if k],
        "lists": [k for k in (r[10] or "").split(",") if k],
        "outcomes": [k for k in (r[11] or "").split(",") if k],
        "errors": r[13],
        "data": json.loads(r[14]),
    }


def _alert(r: Sequence[Any]) -> dict[str, Any]:
    keys = [k.strip().strip('"') for k in _ALERT_COLS.split(",")]
    out = dict(zip(keys, r, strict=True))
    out["row"] = int(out["row"])
    out["score"] = float(out["score"])
    out["reapplied"] = bool(out["reapplied"])
    return out


def _decision(r: Sequence[Any]) -> Decision:
    return Decision(
        decision_id=r[0],
        alert_id=r[1],
        party_key=r[2],
        entry_key=r[3],
        fingerprint=r[4],
        action=r[5],
        by=r[6],
        at=datetime.fromisoformat(r[7]),
        reason=r[8],
        case_id=r[9],
    )


def like(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere (its own wildcards escaped)."""
    esc = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{esc}%"


class WorkStore:
    """Jobs, results, alerts and decisions of one tenant."""

    def __init__(self, db: Database, tenant: str) -> None:
        self.db = db
        self.tenant = tenant

    # ----------------------------------------------------------------- jobs

    def add_job(self, job: Job) -> None:
        with self.db.write() as tx:
            if tx.one(
                "SELECT 1 FROM jobs WHERE tenant = ? AND job_id = ?", [self.tenant, job.job_id]
            ):
                raise StoreError(f"job '{job.job_id}' already exists")
            tx.execute(
                f"INSERT INTO jobs (tenant, {_JOB_COLS}) VALUES ({', '.join(['?'] * 24)})",
                [
                    self.tenant, job.job_id, job.title, job.filename, job.file_format,
                    job.encoding, job.status, job.total_rows, job.done_rows, job.error,
                    job.as_of.isoformat(),
                    json.dumps(list(job.list_ids)) if job.list_ids is not None else None,
                    json.dumps(job.list_versions, sort_keys=True),
                    json.dumps(list(job.algorithms)), job.parent_id, job.input_sha256,
                    job.input_size, job.options_key, json.dumps(job.summary, sort_keys=True),
                    job.created_by, job.created_at.isoformat(),
                    job.started_at.isoformat() if job.started_at else None,
                    job.finished_at.isoformat() if job.finished_at else None, job.attempts,
                ],
            )  # fmt: skip

    def get_job(self, job_id: str) -> Job | None:
        with self.db.read() as tx:
            row = tx.one(
                f"SELECT {_JOB_COLS} FROM jobs WHERE tenant = ? AND job_id = ?",
                [self.tenant, job_id],
            )
        return _job(row) if row else None

    def list_jobs(self, limit: int = 50, offset: int = 0) -> tuple[int, list[Job]]:
        with self.db.read() as tx:
            total = tx.one("SELECT count(*) FROM jobs WHERE tenant = ?", [self.tenant])
            rows = tx.all(
                f"SELECT {_JOB_COLS} FROM jobs WHERE tenant = ? "
                "ORDER BY created_at DESC, job_id DESC LIMIT ? OFFSET ?",
                [self.tenant, limit, offset],
            )
        return int(total[0]) if total else 0, [_job(r) for r in rows]

    def active_duplicate(self, options_key: str) -> Job | None:
        """A queued or running job of the same file and options (a double submission)."""
        with self.db.read() as tx:
            row = tx.one(
                f"SELECT {_JOB_COLS} FROM jobs WHERE tenant = ? AND options_key = ? "
                "AND status IN ('queued', 'running') ORDER BY created_at LIMIT 1",
                [self.tenant, options_key],
            )
        return _job(row) if row else None

    def update_job(self, job_id: str, **fields: Any) -> None:
        sets, params = [], []
        for name, value in fields.items():
            if name not in _JOB_UPDATES:
                raise StoreError(f"job field {name!r} cannot be updated")
            sets.append(f"{name} = ?")
            params.append(None if value is None else _JOB_UPDATES[name](value))
        with self.db.write() as tx:
            tx.execute(
                f"UPDATE jobs SET {', '.join(sets)} WHERE tenant = ? AND job_id = ?",
                [*params, self.tenant, job_id],
            )

    def reset_job(self, job_id: str) -> None:
        """Forget a job's partial results and alerts (before it runs again)."""
        with self.db.write() as tx:
            for table in ("results", "alerts"):
                tx.execute(
                    f"DELETE FROM {table} WHERE tenant = ? AND job_id = ?", [self.tenant, job_id]
                )
            tx.execute(
                "UPDATE jobs SET done_rows = 0 WHERE tenant = ? AND job_id = ?",
                [self.tenant, job_id],
            )

    def add_part(self, job_id: str, results: Any, alerts: Any, done_rows: int) -> None:
        """Store one part of a job's output (Arrow tables) and its progress, all or nothing."""
        with self.db.write() as tx:
            tx.insert_arrow("results", results)
            if alerts is not None and alerts.num_rows:
                tx.insert_arrow("alerts", alerts)
            tx.execute(
                "UPDATE jobs SET done_rows = ? WHERE tenant = ? AND job_id = ?",
                [done_rows, self.tenant, job_id],
            )

    def count_rows(self, job_id: str) -> tuple[int, int]:
        """Stored (results, alerts) of a job."""
        with self.db.read() as tx:
            r = tx.one(
                "SELECT count(*) FROM results WHERE tenant = ? AND job_id = ?",
                [self.tenant, job_id],
            )
            a = tx.one(
                "SELECT count(*) FROM alerts WHERE tenant = ? AND job_id = ?",
                [self.tenant, job_id],
            )
        return int(r[0]) if r else 0, int(a[0]) if a else 0

    def job_summary(self, job_id: str) -> dict[str, Any]:
        """Counts by status and alert status, computed from the stored rows."""
        with self.db.read() as tx:
            risks = tx.all(
                "SELECT coalesce(risk, 'not_screened'), count(*) FROM results "
                "WHERE tenant = ? AND job_id = ? GROUP BY 1",
                [self.tenant, job_id],
            )
            alerts = tx.all(
                "SELECT status, count(*) FROM alerts WHERE tenant = ? AND job_id = ? GROUP BY 1",
                [self.tenant, job_id],
            )
        return {
            "risk": {str(k): int(v) for k, v in risks},
            "alerts": {str(k): int(v) for k, v in alerts},
        }

    # -------------------------------------------------------------- results

    def results(self, job_id: str, q: ResultQuery) -> tuple[int, list[dict[str, Any]]]:
        where = ["tenant = ?", "job_id = ?"]
        params: list[Any] = [self.tenant, job_id]
        if q.risk:
            parts = []
            for r in q.risk:
                if r == "not_screened":
                    parts.append("risk IS NULL")
                else:
                    parts.append("risk = ?")
                    params.append(r)
            where.append("(" + " OR ".join(parts) + ")")
        for column, value in (("kinds", q.kind), ("lists", q.list_id)):
            if value:
                where.append(f"{column} LIKE ? ESCAPE '\\'")
                params.append(like("," + value + ","))
        if q.outcome:
            where.append("outcomes LIKE ? ESCAPE '\\'")
            params.append(like(q.outcome if ":" in q.outcome else ":" + q.outcome + ","))
        if q.text:
            where.append("search LIKE ? ESCAPE '\\'")
            params.append(like(" ".join(q.text.split())))
        if q.screened is not None:
            where.append("screened = ?")
            params.append(q.screened)
        direction = "DESC" if q.descending else "ASC"
        col = RESULT_SORTS[q.sort]
        order = f'"{col}" {direction}' if col == "row" else f"{col} {direction} NULLS LAST"
        if q.sort == "risk":
            order += f", score {direction}"
        sql_where = " AND ".join(where)
        with self.db.read() as tx:
            total = tx.one(f"SELECT count(*) FROM results WHERE {sql_where}", params)
            # the page's row numbers first, then their wide columns: sorting narrow rows is
            # what keeps a page fast on a job of a million rows
            picked = [
                int(r[0])
                for r in tx.all(
                    f'SELECT "row" FROM results WHERE {sql_where} ORDER BY {order}, "row" '
                    "LIMIT ? OFFSET ?",
                    [*params, q.limit, q.offset],
                )
            ]
            rows = self._rows(tx, job_id, picked)
        return int(total[0]) if total else 0, [_result(r) for r in rows]

    def _rows(self, tx: Any, job_id: str, picked: list[int]) -> list[tuple[Any, ...]]:
        if not picked:
            return []
        marks = ", ".join("?" * len(picked))
        found = tx.all(
            f'SELECT {_RESULT_COLS} FROM results WHERE tenant = ? AND job_id = ? AND "row" IN '
            f"({marks})",
            [self.tenant, job_id, *picked],
        )
        by_row = {int(r[1]): r for r in found}
        return [by_row[n] for n in picked if n in by_row]

    def result(self, job_id: str, row: int) -> dict[str, Any] | None:
        """One row, with its findings' details."""
        with self.db.read() as tx:
            r = tx.one(
                f"SELECT {_RESULT_COLS}, details FROM results "
                'WHERE tenant = ? AND job_id = ? AND "row" = ?',
                [self.tenant, job_id, row],
            )
        if not r:
            return None
        out = _result(r[:-1])
        out["data"] = with_details(out["data"], json.loads(r[-1]) if r[-1] else None)
        return out

    def iter_results(self, job_id: str, batch: int = 5000) -> Any:
        """Every result row of a job, worst first, in batches (for exports)."""
        offset = 0
        while True:
            with self.db.read() as tx:
                rows = tx.all(
                    f"SELECT {_RESULT_COLS} FROM results WHERE tenant = ? AND job_id = ? "
                    'ORDER BY risk_rank DESC, score DESC, "row" LIMIT ? OFFSET ?',
                    [self.tenant, job_id, batch, offset],
                )
            if not rows:
                return
            yield [_result(r) for r in rows]
            offset += len(rows)

    def diff_rows(
        self, old_job: str, new_job: str, limit: int, offset: int
    ) -> tuple[int, list[tuple[Any, ...]]]:
        """Rows whose status or alert entries differ between two jobs:
        (row, name, old risk, old keys, old present, new risk, new keys, new present)."""
        base = (
            "FROM (SELECT * FROM results WHERE tenant = ? AND job_id = ?) a "
            "FULL OUTER JOIN (SELECT * FROM results WHERE tenant = ? AND job_id = ?) b "
            'ON a."row" = b."row" WHERE a."row" IS NULL OR b."row" IS NULL '
            "OR coalesce(a.risk, '-') <> coalesce(b.risk, '-') OR a.entry_keys <> b.entry_keys"
        )
        params = [self.tenant, old_job, self.tenant, new_job]
        with self.db.read() as tx:
            total = tx.one(f"SELECT count(*) {base}", params)
            rows = tx.all(
                f'SELECT coalesce(a."row", b."row") AS r, coalesce(b.name, a.name), a.risk, '
                f'a.entry_keys, a."row" IS NOT NULL, b.risk, b.entry_keys, b."row" IS NOT NULL '
                f"{base} ORDER BY r LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
        return int(total[0]) if total else 0, rows

    # --------------------------------------------------------------- alerts

    def alerts(self, q: AlertQuery) -> tuple[int, list[dict[str, Any]]]:
        where = ["tenant = ?"]
        params: list[Any] = [self.tenant]
        if q.status:
            where.append(f"status IN ({', '.join(['?'] * len(q.status))})")
            params.extend(q.status)
        for column, value in (("job_id", q.job_id), ("kind", q.kind), ("party_key", q.party_key)):
            if value:
                where.append(f"{column} = ?")
                params.append(value)
        if q.text:
            where.append(
                "(lower(coalesce(party_name, '')) LIKE ? ESCAPE '\\' "
                "OR lower(coalesce(entry_name, '')) LIKE ? ESCAPE '\\')"
            )
            params.extend([like(q.text), like(q.text)])
        sql_where = " AND ".join(where)
        with self.db.read() as tx:
            total = tx.one(f"SELECT count(*) FROM alerts WHERE {sql_where}", params)
            picked = [
                str(r[0])
                for r in tx.all(
                    f"SELECT alert_id FROM alerts WHERE {sql_where} ORDER BY score DESC, "
                    'created_at DESC, job_id, "row", alert_id LIMIT ? OFFSET ?',
                    [*params, q.limit, q.offset],
                )
            ]
            found = (
                tx.all(
                    f"SELECT {_ALERT_COLS} FROM alerts WHERE tenant = ? AND alert_id IN "
                    f"({', '.join('?' * len(picked))})",
                    [self.tenant, *picked],
                )
                if picked
                else []
            )
        by_id = {r[0]: r for r in found}
        return int(total[0]) if total else 0, [_alert(by_id[i]) for i in picked if i in by_id]

    def get_alert(self, alert_id: str) -> dict[str, Any] | None:
        with self.db.read() as tx:
            r = tx.one(
                f"SELECT {_ALERT_COLS} FROM alerts WHERE tenant = ? AND alert_id = ?",
                [self.tenant, alert_id],
            )
        return _alert(r) if r else None

    def row_alerts(self, job_id: str, row: int) -> list[dict[str, Any]]:
        with self.db.read() as tx:
            rows = tx.all(
                f"SELECT {_ALERT_COLS} FROM alerts WHERE tenant = ? AND job_id = ? AND "
                '"row" = ? ORDER BY alert_id',
                [self.tenant, job_id, row],
            )
        return [_alert(r) for r in rows]

    def latest_decisions(self) -> dict[tuple[str, str], Decision]:
        """The newest decision per (party, entry) of this tenant."""
        with self.db.read() as tx:
            rows = tx.all(
                f"SELECT {_DECISION_COLS} FROM decisions WHERE tenant = ? "
                "ORDER BY at_time, decision_id",
                [self.tenant],
            )
        out: dict[tuple[str, str], Decision] = {}
        for r in rows:
            d = _decision(r)
            out[(d.party_key, d.entry_key)] = d
        return out

    def decisions(self, party_key: str | None = None) -> list[Decision]:
        sql = f"SELECT {_DECISION_COLS} FROM decisions WHERE tenant = ?"
        params: list[Any] = [self.tenant]
        if party_key:
            sql += " AND party_key = ?"
            params.append(party_key)
        with self.db.read() as tx:
            return [_decision(r) for r in tx.all(sql + " ORDER BY at_time, decision_id", params)]

    def add_decision(
        self,
        d: Decision,
        status: str,
        list_versions: Mapping[str, str],
        algorithms: Sequence[str],
    ) -> int:
        """Record a decision; set its alert, and every other open alert on the same party and
        unchanged entry, to ``status``. Returns how many other alerts it settled."""
        with self.db.write() as tx:
            tx.execute(
                f"INSERT INTO decisions (tenant, {_DECISION_COLS}, list_versions, algorithms) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [self.tenant, d.decision_id, d.alert_id, d.party_key, d.entry_key, d.fingerprint,
                 d.action, d.by, d.at.isoformat(), d.reason, d.case_id,
                 json.dumps(dict(list_versions), sort_keys=True), json.dumps(list(algorithms))],
            )  # fmt: skip
            tx.execute(
                "UPDATE alerts SET status = ?, decision_id = ?, reapplied = ?, note = ? "
                "WHERE tenant = ? AND alert_id = ?",
                [status, d.decision_id, False, None, self.tenant, d.alert_id],
            )
            others = tx.one(
                "SELECT count(*) FROM alerts WHERE tenant = ? AND party_key = ? AND "
                "entry_key = ? AND fingerprint = ? AND status = 'open' AND alert_id <> ?",
                [self.tenant, d.party_key, d.entry_key, d.fingerprint, d.alert_id],
            )
            tx.execute(
                "UPDATE alerts SET status = ?, decision_id = ?, reapplied = ?, note = ? "
                "WHERE tenant = ? AND party_key = ? AND entry_key = ? AND fingerprint = ? "
                "AND status = 'open' AND alert_id <> ?",
                [status, d.decision_id, True,
                 f"settled with {d.alert_id} by {d.by} ({d.action})", self.tenant,
                 d.party_key, d.entry_key, d.fingerprint, d.alert_id],
            )  # fmt: skip
        return int(others[0]) if others else 0

    # ------------------------------------------------------------- dossiers

    def add_dossier(self, row: Mapping[str, Any]) -> None:
        with self.db.write() as tx:
            tx.execute(
                "INSERT INTO dossiers (tenant, build_id, case_id, path, folder, manifest_sha256, "
                "gaps, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [self.tenant, row["build_id"], row["case_id"], row["path"], row["folder"],
                 row.get("manifest_sha256"), row.get("gaps"), row["created_by"],
                 row["created_at"]],
            )  # fmt: skip

    def dossiers(self, case_id: str) -> list[dict[str, Any]]:
        with self.db.read() as tx:
            rows = tx.all(
                "SELECT build_id, case_id, path, folder, manifest_sha256, gaps, created_by, "
                "created_at FROM dossiers WHERE tenant = ? AND case_id = ? ORDER BY created_at",
                [self.tenant, case_id],
            )
        keys = ("build_id", "case_id", "path", "folder", "manifest_sha256", "gaps",
                "created_by", "created_at")  # fmt: skip
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def get_dossier(self, build_id: str) -> dict[str, Any] | None:
        with self.db.read() as tx:
            r = tx.one("SELECT case_id FROM dossiers WHERE tenant = ? AND build_id = ?",
                       [self.tenant, build_id])  # fmt: skip
        if not r:
            return None
        return next(d for d in self.dossiers(str(r[0])) if d["build_id"] == build_id)


def unfinished_jobs(db: Database) -> list[tuple[str, str]]:
    """(tenant, job id) of every queued or running job (to resume after a restart)."""
    with db.read() as tx:
        rows = tx.all(
            "SELECT tenant, job_id FROM jobs WHERE status IN ('queued', 'running') "
            "ORDER BY created_at"
        )
    return [(str(t), str(j)) for t, j in rows]
