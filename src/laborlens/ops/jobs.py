"""Saved screening jobs: a worker process screens, the server only stores.

The worker (:func:`screen_job`, run in a separate process so the server's event loop and
request threads never wait on screening) counts the file's rows, refuses a file over the row
limit before screening any of it, then screens it into numbered Parquet parts (results and
alerts, remembered review decisions already applied). The :class:`JobRunner`, a thread in the
server, stores each part in one transaction as soon as it is complete, so progress shows while
the job runs; the job is ``done`` only when every row is stored. Whatever stops a job half-way
(an error, a database restart, a server restart) leaves it ``failed`` with the reason, or
``running``/``queued`` to be resumed from the start when the server starts again: partial rows
are never shown as complete.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from laborlens.adapters.io.counting import count_rows
from laborlens.adapters.store import SqlStore, StoreError, StoreUnavailableError
from laborlens.adapters.store.sql import Database
from laborlens.adapters.store.work import WorkStore, unfinished_jobs
from laborlens.core.model import ListEntry
from laborlens.core.workspace import alerts as alert_rules
from laborlens.core.workspace.alerts import AlertCandidate, Decision
from laborlens.core.workspace.results import ResultRow, result_row
from laborlens.ops import listcache
from laborlens.ops.screening import index_for, open_inputs, reference_lists, screen_pairs

log = logging.getLogger("laborlens.jobs")

PART_ROWS = 20_000
TEXT_FORMATS = ("csv", "tsv", "jsonl")


class JobRefusedError(ValueError):
    """The file cannot be screened as a job (too many rows, unreadable)."""


@dataclass(frozen=True, slots=True)
class JobSpec:
    """Everything the worker process needs (picklable)."""

    tenant: str
    job_id: str
    attempt: int
    input_path: str
    filename: str
    work_dir: str
    encoding: str | None
    as_of: date
    list_ids: tuple[str, ...] | None
    data_dir: str
    max_rows: int
    decisions: tuple[Decision, ...]
    created_at: str
    part_rows: int = PART_ROWS


def _now() -> datetime:
    return datetime.now(UTC)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def _results_table(spec: JobSpec, rows: Sequence[ResultRow], source: str) -> Any:
    import pyarrow as pa

    def clean(text: str | None) -> str | None:
        # the worker reads a server-side copy: show the uploaded file's name, not its path
        return text.replace(source, spec.filename) if text else text

    cols: dict[str, list[Any]] = {
        "tenant": [spec.tenant] * len(rows),
        "job_id": [spec.job_id] * len(rows),
        "row": [r.row for r in rows],
        "record_id": [r.record_id for r in rows],
        "name": [r.name for r in rows],
        "country": [r.country for r in rows],
        "screened": [r.screened for r in rows],
        "risk": [r.risk for r in rows],
        "risk_rank": [r.risk_rank for r in rows],
        "score": [r.score for r in rows],
        "kinds": [r.kinds for r in rows],
        "lists": [r.lists for r in rows],
        "outcomes": [r.outcomes for r in rows],
        "entry_keys": [r.entry_keys for r in rows],
        "errors": [clean(r.errors) for r in rows],
        "search": [r.search for r in rows],
        "data": [clean(json.dumps(r.data, ensure_ascii=False)) for r in rows],
        "details": [json.dumps(r.details, ensure_ascii=False) for r in rows],
    }
    types = {"row": pa.int64(), "screened": pa.bool_(), "risk_rank": pa.int32(),
             "score": pa.float64()}  # fmt: skip
    return pa.table({k: pa.array(v, type=types.get(k, pa.string())) for k, v in cols.items()})


def _alerts_table(
    spec: JobSpec, cands: Sequence[AlertCandidate], latest: dict[tuple[str, str], Decision]
) -> Any:
    import pyarrow as pa

    applied = [alert_rules.reapply(c, latest.get((c.party_key, c.entry_key))) for c in cands]
    cols: dict[str, Any] = {
        "tenant": [spec.tenant] * len(cands),
        "alert_id": [f"{spec.job_id}.{c.row}.{c.n}" for c in cands],
        "job_id": [spec.job_id] * len(cands),
        "row": pa.array([c.row for c in cands], type=pa.int64()),
    }
    for name in ("party_key", "party_name", "country", "entry_key", "fingerprint", "kind",
                 "band", "list_id", "entry_id", "entry_name", "matched_name"):  # fmt: skip
        cols[name] = pa.array([getattr(c, name) for c in cands], type=pa.string())
    cols["score"] = pa.array([c.score for c in cands], type=pa.float64())
    cols["why"] = pa.array([c.why for c in cands], type=pa.string())
    cols["status"] = pa.array([a.status for a in applied], type=pa.string())
    cols["decision_id"] = pa.array([a.decision_id for a in applied], type=pa.string())
    cols["reapplied"] = pa.array([a.reapplied for a in applied], type=pa.bool_())
    cols["note"] = pa.array([a.note for a in applied], type=pa.string())
    cols["created_at"] = pa.array([spec.created_at] * len(cands), type=pa.string())
    return pa.table({k: pa.array(v, type=pa.string()) if isinstance(v, list) else v
                     for k, v in cols.items()})  # fmt: skip


def _write_part(work: Path, n: int, results: Any, alerts: Any) -> None:
    import pyarrow.parquet as pq

    # alerts first: the results file appearing is the signal that the part is complete
    for kind, table in (("alerts", alerts), ("results", results)):
        final = work / f"part-{n:06d}.{kind}.parquet"
        tmp = final.with_name(final.name + ".tmp")
        pq.write_table(table, str(tmp))
        os.replace(tmp, final)


def screen_job(spec: JobSpec) -> dict[str, Any]:
    """Screen one uploaded file into Parquet parts under ``spec.work_dir`` (worker process).

    Raises:
        JobRefusedError: more rows than ``spec.max_rows``.
        InputError, ListError: the file or the list selection cannot be used.
    """
    work = Path(spec.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    path = Path(spec.input_path)
    total, fmt, enc = count_rows(path, spec.encoding)
    _write_json(work / "progress.json", {"total": total})
    if total > spec.max_rows:
        raise JobRefusedError(
            f"{spec.filename}: {total:,} rows; this server screens at most "
            f"{spec.max_rows:,} rows per file (split the file, or use the CLI)"
        )
    lists = listcache.select(reference_lists(Path(spec.data_dir)), spec.list_ids)
    entries: dict[tuple[str, str], ListEntry] = {
        (e.list_id, e.entry_id): e for rl in lists.lists for e in rl.entries
    }
    latest = {(d.party_key, d.entry_key): d for d in spec.decisions}
    streams = open_inputs([path], encoding=enc if fmt in TEXT_FORMATS else None)
    index = index_for(lists)
    rows: list[ResultRow] = []
    cands: list[AlertCandidate] = []
    part = done = 0
    for record, result in screen_pairs(streams, index, spec.as_of):
        found = alert_rules.alerts_for(result, record, entries) if record.is_screenable() else []
        rows.append(result_row(result, record, found))
        cands.extend(found)
        done += 1
        if len(rows) >= spec.part_rows:
            part += 1
            _write_part(work, part, _results_table(spec, rows, str(path)),
                        _alerts_table(spec, cands, latest))  # fmt: skip
            rows, cands = [], []
    if rows or part == 0:
        part += 1
        _write_part(work, part, _results_table(spec, rows, str(path)),
                    _alerts_table(spec, cands, latest))  # fmt: skip
    return {
        "rows": done,
        "parts": part,
        "file_format": fmt,
        "encoding": enc,
        "list_versions": lists.versions(),
        "algorithms": [*index.algorithms(), alert_rules.ALGORITHM],
    }


def _lower_priority() -> None:
    """The worker yields the CPU to the server process: requests before screening."""
    with contextlib.suppress(OSError):  # not permitted here: normal priority then
        os.nice(10)


class JobRunner:
    """Runs saved jobs one at a time on a worker (a process; a thread with ``processes=0``).

    Args:
        db: the server's database.
        data_dir: the data folder (uploads under ``jobs/``, downloaded lists).
        processes: 1 to screen in a separate process (the server), 0 in a thread (tests).
        max_rows: the largest file (in rows) a job may screen.
        db_wait: seconds to keep retrying while the database is unreachable mid-job.
        part_rows: rows per stored part (progress moves by a part at a time).
    """

    def __init__(
        self,
        db: Database,
        data_dir: Path,
        *,
        processes: int = 1,
        max_rows: int = 5_000_000,
        db_wait: float = 120.0,
        poll: float = 0.25,
        part_rows: int = PART_ROWS,
    ) -> None:
        self.db = db
        self.data_dir = Path(data_dir)
        self.max_rows = max_rows
        self.db_wait = db_wait
        self.poll = poll
        self.part_rows = part_rows
        self._processes = processes
        self._executor: ProcessPoolExecutor | ThreadPoolExecutor | None = None
        self._queue: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # -------------------------------------------------------------- control

    def start(self) -> None:
        """Start the runner and queue the jobs a previous run left unfinished."""
        if self._thread is not None:
            return
        for tenant, job_id in unfinished_jobs(self.db):
            self._queue.put((tenant, job_id))
        self._thread = threading.Thread(target=self._loop, name="laborlens-jobs", daemon=True)
        self._thread.start()

    def submit(self, tenant: str, job_id: str) -> None:
        self._queue.put((tenant, job_id))

    def stop(self) -> None:
        self._stopping.set()
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._shutdown_executor()

    def idle(self) -> bool:
        return self._queue.unfinished_tasks == 0

    def wait_idle(self, timeout: float = 120.0) -> bool:
        """Wait until every submitted job has finished (tests)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.idle():
                return True
            time.sleep(0.05)
        return False

    def _shutdown_executor(self) -> None:
        ex, self._executor = self._executor, None
        if ex is None:
            return
        if isinstance(ex, ProcessPoolExecutor):
            for proc in list(getattr(ex, "_processes", {}).values()):
                proc.terminate()  # a job in progress is resumed at the next start
        ex.shutdown(wait=False, cancel_futures=True)

    def _executor_for(self) -> ProcessPoolExecutor | ThreadPoolExecutor:
        if self._executor is None:
            if self._processes > 0:
                import multiprocessing

                self._executor = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_lower_priority,
                )
            else:
                self._executor = ThreadPoolExecutor(max_workers=1)
        return self._executor

    # ------------------------------------------------------------- the work

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                self._run(*item)
            except Exception:  # a runner that dies would silently stop every later job
                log.exception("job %s failed unexpectedly", item)
            finally:
                self._queue.task_done()

    def _retry(self, what: Callable[[], Any]) -> Any:
        """Run ``what``, waiting out a database that is briefly unreachable."""
        end = time.monotonic() + self.db_wait
        while True:
            try:
                return what()
            except StoreUnavailableError:
                if time.monotonic() > end or self._stopping.is_set():
                    raise
                time.sleep(1.0)

    def _run(self, tenant: str, job_id: str) -> None:
        work = WorkStore(self.db, tenant)
        job = self._retry(lambda: work.get_job(job_id))
        if job is None or job.status in ("done", "failed"):
            return
        attempt = job.attempts + 1
        folder = self.data_dir / "jobs" / tenant / job_id
        inputs = sorted(folder.glob("input.*"))
        if not inputs:
            work.update_job(job_id, status="failed", error="the uploaded file is missing")
            return
        self._retry(lambda: work.reset_job(job_id))
        self._retry(lambda: work.update_job(job_id, status="running", attempts=attempt,
                                            started_at=_now(), error=None))  # fmt: skip
        spec = JobSpec(
            tenant=tenant, job_id=job_id, attempt=attempt, input_path=str(inputs[0]),
            filename=job.filename, work_dir=str(folder / f"attempt-{attempt}"),
            encoding=job.encoding, as_of=job.as_of, list_ids=job.list_ids,
            data_dir=str(self.data_dir), max_rows=self.max_rows,
            decisions=tuple(work.latest_decisions().values()), created_at=_now().isoformat(),
            part_rows=self.part_rows,
        )  # fmt: skip
        try:
            info = self._follow(work, spec)
        except StoreUnavailableError as exc:
            if not self._stopping.is_set():  # try again once the database may be back
                log.error("job %s: database unavailable, retrying in 10 s: %s", job_id, exc)
                retry = threading.Timer(10.0, self.submit, (tenant, job_id))
                retry.daemon = True
                retry.start()
            return
        except Exception as exc:
            message = str(exc) or type(exc).__name__
            self._retry(lambda: work.update_job(job_id, status="failed", error=message,
                                                finished_at=_now()))  # fmt: skip
            return
        finally:
            shutil.rmtree(spec.work_dir, ignore_errors=True)
        self._finish(work, spec, job.created_by, info)

    def _follow(self, work: WorkStore, spec: JobSpec) -> dict[str, Any]:
        """Submit the worker and store its parts as they appear."""
        try:
            future: Future[dict[str, Any]] = self._executor_for().submit(screen_job, spec)
        except RuntimeError:  # a broken pool: start a new one
            self._shutdown_executor()
            future = self._executor_for().submit(screen_job, spec)
        work_dir = Path(spec.work_dir)
        part, stored, total_seen = 1, 0, False
        while True:
            finished = future.done()
            while (work_dir / f"part-{part:06d}.results.parquet").is_file():
                stored += self._store_part(work, spec, work_dir, part, stored)
                part += 1
            if not total_seen and (work_dir / "progress.json").is_file():
                total = int(json.loads((work_dir / "progress.json").read_text())["total"])
                self._retry(partial(work.update_job, spec.job_id, total_rows=total))
                total_seen = True
            if finished:
                break
            if self._stopping.is_set():
                raise StoreUnavailableError("the server is stopping")
            time.sleep(self.poll)
        info = future.result()
        if part - 1 != info["parts"] or stored != info["rows"]:
            raise StoreError(f"stored {stored:,} of {info['rows']:,} rows; the job is incomplete")
        return info

    def _store_part(self, work: WorkStore, spec: JobSpec, folder: Path, n: int, before: int) -> int:
        import pyarrow.parquet as pq

        results = pq.read_table(str(folder / f"part-{n:06d}.results.parquet"))
        alerts = pq.read_table(str(folder / f"part-{n:06d}.alerts.parquet"))
        rows = int(results.num_rows)
        self._retry(lambda: work.add_part(spec.job_id, results, alerts, before + rows))
        return rows

    def _finish(self, work: WorkStore, spec: JobSpec, user: str, info: dict[str, Any]) -> None:
        def done() -> None:
            summary = work.job_summary(spec.job_id)
            work.update_job(
                spec.job_id, status="done", done_rows=info["rows"], total_rows=info["rows"],
                summary=summary, list_versions=info["list_versions"],
                algorithms=info["algorithms"], file_format=info["file_format"],
                encoding=info["encoding"], finished_at=_now(),
            )  # fmt: skip
            details = {"file": spec.filename, "rows": info["rows"], "attempt": spec.attempt,
                       "as_of": spec.as_of.isoformat(), "risk": summary["risk"]}  # fmt: skip
            SqlStore(self.db, self.data_dir, spec.tenant, owns_db=False).append_audit(
                at=_now(), actor=user, action="screen.job", subject=spec.job_id, details=details,
                list_versions=info["list_versions"], algorithms=info["algorithms"],
            )  # fmt: skip

        self._retry(done)
