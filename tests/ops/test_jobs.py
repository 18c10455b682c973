"""Saved jobs: the worker process, double submissions, and jobs resumed after a restart."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from laborlens.adapters.store import open_store
from laborlens.ops.accounts import Accounts
from laborlens.ops.jobs import JobRunner
from laborlens.ops.workspace import ResultQuery, Workspace
from laborlens.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def workspace(data: Path) -> Workspace:
    store = open_store(data)
    user, _ = Accounts(store).add_user("ana", "analyst", "acme")
    return Workspace(store.scoped("acme"), user, Settings(data_dir=data))


def upload(tmp: Path, name: str = "suppliers.csv") -> Path:
    dst = tmp / f"upload-{name}"
    shutil.copyfile(EXAMPLES / name, dst)
    return dst


def test_double_submission_returns_the_queued_job(tmp_path: Path) -> None:
    ws = workspace(tmp_path / "data")
    first, dup1 = ws.create_job(upload(tmp_path), "suppliers.csv")
    second, dup2 = ws.create_job(upload(tmp_path), "suppliers.csv")
    assert not dup1 and dup2 and second.job_id == first.job_id
    other, dup3 = ws.create_job(upload(tmp_path), "suppliers.csv", list_ids=["us_ofac_sdn"])
    assert not dup3 and other.job_id != first.job_id
    ws.store.close()


def test_unfinished_jobs_resume_when_the_runner_starts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = open_store(data)
    user, _ = Accounts(store).add_user("ana", "analyst", "acme")
    ws = Workspace(store.scoped("acme"), user, Settings(data_dir=data))
    queued, _ = ws.create_job(upload(tmp_path), "suppliers.csv", title="queued")
    half, _ = ws.create_job(upload(tmp_path), "suppliers.csv", title="half", as_of=date(2026, 1, 1))
    # a server died while this one ran: some rows stored, status running
    ws.work.update_job(half.job_id, status="running", attempts=1, done_rows=20)
    runner = JobRunner(store.db, data, processes=0)
    runner.start()
    try:
        assert runner.wait_idle(120)
    finally:
        runner.stop()
    for job in (queued, half):
        done = ws.job(job.job_id)
        assert done.status == "done" and done.done_rows == done.total_rows == 55
        assert ws.work.count_rows(job.job_id)[0] == 55
    assert ws.job(half.job_id).attempts == 2
    store.close()


@pytest.mark.slow
def test_the_worker_is_a_separate_process(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = open_store(data)
    user, _ = Accounts(store).add_user("ana", "analyst", "acme")
    runner = JobRunner(store.db, data, processes=1, part_rows=20)
    ws = Workspace(store.scoped("acme"), user, Settings(data_dir=data), runner)
    runner.start()
    try:
        job, _ = ws.create_job(upload(tmp_path), "suppliers.csv")
        assert runner.wait_idle(300)
        pids = {p.pid for p in runner._executor._processes.values()}  # type: ignore[union-attr]
    finally:
        runner.stop()
    import os

    assert pids and os.getpid() not in pids
    done = ws.job(job.job_id)
    assert done.status == "done" and done.total_rows == 55, done.error
    total, rows = ws.work.results(job.job_id, ResultQuery(limit=3))
    assert total == 55 and rows[0]["risk"] == "high"
    assert not list((data / "jobs" / "acme" / job.job_id).glob("attempt-*"))  # parts cleaned
    store.close()
