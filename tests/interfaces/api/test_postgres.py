"""The server on PostgreSQL: the same flows, a second process on the same database, and a
database restart in the middle of a job."""

from __future__ import annotations

import csv
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.postgres

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


@pytest.fixture
def pg_srv(tmp_path: Path, pg_url: str, start_server: Any) -> Iterator[Any]:
    with start_server(tmp_path / "server", database=pg_url) as srv:
        srv.pg_url = pg_url
        yield srv


def test_flows_on_postgres(pg_srv: Any, tmp_path: Path) -> None:
    pg_srv.seed()
    job = pg_srv.client.get(f"/api/jobs/{pg_srv.ids['job_id']}", headers=pg_srv.h()).json()
    assert job["status"] == "done" and job["summary"]["risk"]["not_screened"] == 1
    audit = pg_srv.client.get("/api/audit", headers=pg_srv.h()).json()
    assert audit["verified"] and "alert.escalate" in {r["action"] for r in audit["records"]}
    # a second process reads the same database while the server holds it
    code = (
        "import sys; from pathlib import Path; from laborlens.adapters.store import open_store; "
        "s = open_store(Path(sys.argv[1]), sys.argv[2], 'acme'); "
        "print(s.work.list_jobs()[0], len(s.list_cases())); s.close()"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "other"), pg_srv.pg_url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "1"]


def _rows(path: Path, n: int) -> Path:
    with (EXAMPLES / "suppliers.csv").open(encoding="utf-8") as fh:
        src = list(csv.reader(fh))
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(src[0])
        for i in range(n):
            row = list(src[1 + i % (len(src) - 1)])
            row[0] = f"S{i}"
            w.writerow(row)
    return path


@pytest.mark.slow
def test_database_restart_mid_job(pg_srv: Any, pg_server: Any, tmp_path: Path) -> None:
    pg_srv.state.runner.part_rows = 250
    res = pg_srv.upload(_rows(tmp_path / "many.csv", 2000))
    job_id = res.json()["job"]["job_id"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until some parts are stored
        job = pg_srv.client.get(f"/api/jobs/{job_id}", headers=pg_srv.h()).json()
        if job["done_rows"] >= 250:
            break
        time.sleep(0.2)
    assert job["status"] == "running" and job["done_rows"] < 2000, job
    pg_server.stop("fast")
    down = pg_srv.client.get(f"/api/jobs/{job_id}", headers=pg_srv.h())
    assert down.status_code == 503 and "unavailable" in down.json()["detail"]
    assert pg_srv.client.get("/api/health").status_code == 200  # the server itself lives on
    time.sleep(2)
    pg_server.start()
    pg_srv.wait()
    job = pg_srv.client.get(f"/api/jobs/{job_id}", headers=pg_srv.h()).json()
    stored = pg_srv.client.get(
        f"/api/jobs/{job_id}/results", headers=pg_srv.h(), params={"limit": 1}
    ).json()["total"]
    if job["status"] == "done":  # resumed: every row, once
        assert job["done_rows"] == job["total_rows"] == stored == 2000
    else:  # or failed visibly, never shown as complete
        assert job["status"] == "failed" and job["error"] and not job["complete"]
