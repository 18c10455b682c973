"""Load test of the shared server on loopback: concurrent users screening and reviewing, then a
one-million-row upload screened as a background job while the health check is timed.

Usage:
    python bench/bench_server.py [--users 20] [--duration 600] [--big-rows 1000000]
                                 [--database postgresql://…] [--no-write]

The server runs as its own process (`laborlens serve`, DuckDB store by default); users are
created with `laborlens users add`. Each virtual user signs in (session cookie for pages,
bearer token for the API) and repeats, with 0.5-1.5 s of think time: analysts read results
pages, party pages, the job list and status, and upload a 2,000-row file about every 90 s;
reviewers read the alert queue (API and page), party pages and results, and clear or confirm
alerts. Every request is timed; an error is any transport failure or a status >= 400 that the
step did not expect. Phase two uploads the big file (raw body, streamed), polls /api/health
every 100 ms and two readers keep reading results until the job is done.

Writes bench/results/server.md (collected into BENCHMARKS.md by bench/collect.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from gen_suppliers import generate  # noqa: E402

LAURA = [str(Path(sys.executable).with_name("laborlens"))]


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, seconds: float, ok: bool, detail: str = "") -> None:
        self.times[kind].append(seconds)
        if not ok:
            self.errors[kind] += 1
            self.samples.setdefault(kind, detail[:200])


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def cli(data: Path, *args: str, env: dict[str, str]) -> str:
    out = subprocess.run(
        [*LAURA, *args, "--data-dir", str(data)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return out.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def timed(stats: Stats, kind: str, coro: Any, expect: tuple[int, ...] = (200,)) -> Any:
    t = time.perf_counter()
    try:
        res = await coro
    except httpx.HTTPError as exc:
        stats.add(kind, time.perf_counter() - t, False, repr(exc))
        return None
    stats.add(
        kind,
        time.perf_counter() - t,
        res.status_code in expect,
        f"{res.status_code} {res.text[:150]}",
    )
    return res


async def user(  # noqa: PLR0917 - one virtual user's whole setting
    base: str,
    name: str,
    token: str,
    role: str,
    jobs: list[str],
    small: Path,
    stats: Stats,
    until: float,
    seed: int,
) -> None:
    """One virtual user; ``jobs`` are finished screenings to read (uploads are not read)."""
    rnd = random.Random(seed)
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, timeout=60) as c:
        login = await c.post("/api/session", json={"username": name, "password": token})
        csrf = login.json().get("csrf", "")
        last_upload = time.monotonic() - rnd.uniform(0, 90)
        while time.monotonic() < until:
            job = rnd.choice(jobs)
            roll = rnd.random()
            if role == "analyst":
                if time.monotonic() - last_upload > 90:
                    last_upload = time.monotonic()
                    with small.open("rb") as fh:
                        res = await timed(
                            stats,
                            "upload 2,000 rows (POST /api/jobs)",
                            c.post(
                                "/api/jobs",
                                headers=auth,
                                files={"file": (small.name, fh)},
                                data={"title": f"{name} {int(last_upload)}"},
                            ),
                            (200, 202),
                        )
                elif roll < 0.35:
                    await timed(
                        stats,
                        "results page (API)",
                        c.get(
                            f"/api/jobs/{job}/results",
                            headers=auth,
                            params={"offset": rnd.randrange(0, 1900, 50), "limit": 50},
                        ),
                    )
                elif roll < 0.5:
                    await timed(
                        stats,
                        "results page (HTML)",
                        c.get(f"/jobs/{job}", params={"offset": rnd.randrange(0, 1900, 50)}),
                    )
                elif roll < 0.65:
                    await timed(
                        stats,
                        "party page (API)",
                        c.get(f"/api/jobs/{job}/results/{rnd.randint(1, 2000)}", headers=auth),
                    )
                elif roll < 0.8:
                    await timed(
                        stats,
                        "filtered results (API)",
                        c.get(
                            f"/api/jobs/{job}/results",
                            headers=auth,
                            params={"risk": "high", "q": rnd.choice(["xin", "co", "ltd"])},
                        ),
                    )
                else:
                    await timed(stats, "job list / status (API)", c.get("/api/jobs", headers=auth))
            elif roll < 0.3:
                res = await timed(
                    stats,
                    "alert queue (API)",
                    c.get(
                        "/api/alerts", headers=auth, params={"offset": rnd.randrange(0, 200, 50)}
                    ),
                )
                alerts = res.json()["alerts"] if res is not None and res.status_code == 200 else []
                if alerts and rnd.random() < 0.8:
                    a = rnd.choice(alerts)
                    action = rnd.choice(["clear", "confirm"])
                    await timed(
                        stats,
                        "decide an alert (POST)",
                        c.post(
                            f"/api/alerts/{a['alert_id']}/decision",
                            headers={"X-CSRF-Token": csrf},
                            json={"action": action, "reason": "bench: checked"},
                        ),
                    )
            elif roll < 0.5:
                await timed(stats, "alert queue (HTML)", c.get("/alerts"))
            elif roll < 0.7:
                await timed(
                    stats, "party page (HTML)", c.get(f"/jobs/{job}/rows/{rnd.randint(1, 2000)}")
                )
            else:
                await timed(
                    stats,
                    "results page (API)",
                    c.get(
                        f"/api/jobs/{job}/results",
                        headers=auth,
                        params={"offset": rnd.randrange(0, 1900, 50)},
                    ),
                )
            await asyncio.sleep(rnd.uniform(0.5, 1.5))


async def wait_job(
    c: httpx.AsyncClient, auth: dict[str, str], job_id: str, timeout: float
) -> dict[str, Any]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            job: dict[str, Any] = (await c.get(f"/api/jobs/{job_id}", headers=auth)).json()
        except httpx.HTTPError:  # a dropped connection: ask again (errors are timed elsewhere)
            await asyncio.sleep(1)
            continue
        if job["status"] in ("done", "failed"):
            return job
        await asyncio.sleep(1)
    raise TimeoutError(f"job {job_id} not done in {timeout} s")


async def phase_load(
    base: str, tokens: dict[str, str], small: Path, users: int, duration: float
) -> tuple[Stats, list[str]]:
    auth = {"Authorization": f"Bearer {tokens['a1']}"}
    jobs = []
    async with httpx.AsyncClient(base_url=base, timeout=600) as c:
        for i in range(2):
            with small.open("rb") as fh:
                res = await c.post(
                    "/api/jobs",
                    headers=auth,
                    files={"file": (small.name, fh)},
                    data={"title": f"seed {i}", "as_of": f"2026-0{i + 5}-01"},
                )
            job = await wait_job(c, auth, res.json()["job"]["job_id"], 900)
            assert job["status"] == "done", job
            jobs.append(job["job_id"])
    stats = Stats()
    until = time.monotonic() + duration
    tasks = []
    for i in range(users):
        role = "analyst" if i % 2 == 0 else "reviewer"
        name = f"{role[0]}{i // 2 + 1}"
        tasks.append(user(base, name, tokens[name], role, jobs, small, stats, until, i))
    await asyncio.gather(*tasks)
    return stats, jobs


async def phase_big(
    base: str, tokens: dict[str, str], big: Path, jobs: list[str], timeout: float
) -> tuple[Stats, dict[str, Any], float]:
    auth = {"Authorization": f"Bearer {tokens['a1']}"}
    stats = Stats()
    async with httpx.AsyncClient(base_url=base, timeout=600) as c:

        async def chunks() -> Any:
            with big.open("rb") as fh:
                while block := fh.read(1 << 20):
                    yield block

        t0 = time.perf_counter()
        res = await c.post(
            "/api/jobs", headers=auth, params={"filename": big.name}, content=chunks()
        )
        upload_s = time.perf_counter() - t0
        assert res.status_code == 202, res.text
        job_id = res.json()["job"]["job_id"]
        done = asyncio.Event()
        job: dict[str, Any] = {}

        async def health() -> None:
            async with httpx.AsyncClient(base_url=base, timeout=30) as h:
                while not done.is_set():
                    await timed(
                        stats, "GET /api/health during the 1M-row job", h.get("/api/health")
                    )
                    await asyncio.sleep(0.1)

        async def reader(n: int) -> None:
            rnd = random.Random(n)
            while not done.is_set():
                await timed(
                    stats,
                    "results page (API) during the 1M-row job",
                    c.get(
                        f"/api/jobs/{rnd.choice(jobs)}/results",
                        headers=auth,
                        params={"offset": rnd.randrange(0, 1900, 50)},
                    ),
                )
                await asyncio.sleep(rnd.uniform(0.5, 1.5))

        async def watch() -> None:
            nonlocal job
            try:
                job = await wait_job(c, auth, job_id, timeout)
            except TimeoutError:  # stop measuring; report how far the job got
                job = (await c.get(f"/api/jobs/{job_id}", headers=auth)).json()
                job["measured_s"] = timeout
            done.set()

        await asyncio.gather(health(), reader(1), reader(2), watch())
    return stats, job, upload_s


def table(stats: Stats) -> str:
    lines = [
        "| request | n | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, values in sorted(stats.times.items()):
        ms = [v * 1000 for v in values]
        lines.append(
            f"| {kind} | {len(ms)} | {statistics.median(ms):.0f} | {pct(ms, 95):.0f} | "
            f"{pct(ms, 99):.0f} | {max(ms):.0f} | {stats.errors.get(kind, 0)} |"
        )
    for kind, sample in stats.samples.items():
        lines.append(f"\nFirst error of '{kind}': `{sample}`")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--duration", type=float, default=600)
    ap.add_argument("--big-rows", type=int, default=1_000_000)
    ap.add_argument("--big-timeout", type=float, default=7200,
                    help="stop measuring the big job after this many seconds (it is reported "
                    "with the rows done by then)")  # fmt: skip
    ap.add_argument("--database", default=None, help="postgresql://… (default: DuckDB file)")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="laborlens-bench-server-"))
    data = tmp / "data"
    env = {**os.environ, "LABORLENS_DATA_DIR": str(data)}
    if args.database:
        env["LABORLENS_DATABASE"] = args.database
    tokens: dict[str, str] = {}
    for i in range(args.users):
        role = "analyst" if i % 2 == 0 else "reviewer"
        name = f"{role[0]}{i // 2 + 1}"
        tokens[name] = (
            cli(data, "users", "add", name, "--role", role, "--tenant", "bench", env=env)
            .strip()
            .splitlines()[-1]
        )
    tokens.setdefault("a1", next(iter(tokens.values())))
    small, big = tmp / "suppliers-2000.csv", tmp / f"suppliers-{args.big_rows}.csv"
    generate(small, 2000, seed=11)
    t = time.perf_counter()
    if args.big_rows:
        generate(big, args.big_rows, seed=12)
    gen_s = time.perf_counter() - t
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*LAURA, "serve", "--port", str(port), "--max-rows", "2000000"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp / "server.log").open("w"),
    )
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        started = datetime.now(UTC)
        load_stats, jobs = asyncio.run(phase_load(base, tokens, small, args.users, args.duration))
        # (--duration 0 keeps only the two seed screenings, for the big-upload phase)
        load1 = os.getloadavg()
        only_load = argparse.Namespace(**{**vars(args), "big_rows": 0})
        print(
            render(only_load, started, load_stats, load1, Stats(), {}, 0.0, load1, 0, 0.0),
            flush=True,
        )  # fmt: skip  (kept even if the second phase fails)
        big_stats, big_job, upload_s = Stats(), {}, 0.0
        if args.big_rows:
            big_stats, big_job, upload_s = asyncio.run(
                phase_big(base, tokens, big, jobs, args.big_timeout)
            )
        load2 = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=60)
    report = render(
        args,
        started,
        load_stats,
        load1,
        big_stats,
        big_job,
        upload_s,
        load2,
        big.stat().st_size if args.big_rows else 0,
        gen_s,
    )
    print(report)
    if not args.no_write:
        (ROOT / "bench" / "results" / "server.md").write_text(report + "\n", encoding="utf-8")
    shutil.rmtree(tmp, ignore_errors=True)


def render(  # noqa: PLR0917 - every figure of the report
    args: Any,
    started: datetime,
    load_stats: Stats,
    load1: tuple[float, ...],
    big_stats: Stats,
    big_job: dict[str, Any],
    upload_s: float,
    load2: tuple[float, ...],
    big_bytes: int,
    gen_s: float,
) -> str:
    store = "PostgreSQL" if args.database else "DuckDB (embedded)"
    total = sum(len(v) for v in load_stats.times.values())
    errors = sum(load_stats.errors.values())
    reads = [v for k, vs in load_stats.times.items() if "POST" not in k for v in vs]
    out = [
        "## Shared server (`laborlens serve`, loopback load test)",
        "",
        f"Measured {started:%Y-%m-%d %H:%M} UTC; store: {store}; server: one `laborlens serve` "
        "process (uvicorn, one event loop, request threads) plus one screening worker process.",
        "",
        f"### {args.users} concurrent users for {args.duration:.0f} s",
        "",
        f"{total:,} requests, {errors} errors; page and API reads: p95 "
        f"{pct([v * 1000 for v in reads], 95):.0f} ms over {len(reads):,} reads.",
        "",
        table(load_stats),
        "",
        f"Load average (1/5/15 min) at the end: {load1[0]:.1f} / {load1[1]:.1f} / {load1[2]:.1f}.",
    ]
    if args.big_rows:
        health = [
            v * 1000 for v in big_stats.times.get("GET /api/health during the 1M-row job", [])
        ]
        secs = 0.0
        if big_job.get("started_at"):
            end = big_job.get("finished_at") or datetime.now(UTC).isoformat()
            secs = (
                datetime.fromisoformat(end) - datetime.fromisoformat(big_job["started_at"])
            ).total_seconds()
        if big_job.get("status") != "done":
            big_job["status"] = (
                f"{big_job.get('status')} when measuring stopped after {args.big_timeout:.0f} s "
                f"(of {big_job.get('total_rows') or 0:,} rows counted)"
            )
        out += [
            "",
            f"### {args.big_rows:,}-row upload screened as a background job",
            "",
            f"File {big_bytes / 1e6:.0f} MB (generated in {gen_s:.0f} s), uploaded as a streamed "
            f"raw body in {upload_s:.1f} s (the answer, 202, comes before any screening). Job "
            f"{big_job.get('status')}: {big_job.get('done_rows', 0):,} rows in {secs:.0f} s "
            f"({big_job.get('done_rows', 0) / max(secs, 1):,.0f} rows/s, one worker process), "
            f"{sum((big_job.get('summary') or {}).get('alerts', {}).values()):,} alerts. "
            f"Health check meanwhile: p95 {pct(health, 95):.0f} ms over {len(health):,} checks.",
            "",
            table(big_stats),
            "",
            f"Load average at the end: {load2[0]:.1f} / {load2[1]:.1f} / {load2[2]:.1f}.",
        ]
    out += [
        "",
        f"Command: `python bench/bench_server.py --users {args.users} --duration "
        f"{args.duration:.0f} --big-rows {args.big_rows}`"
        + (" --database postgresql://…" if args.database else ""),
        "",
        f"Machine: nproc {os.cpu_count()}; Python {platform.python_version()} on "
        f"{platform.platform()}. The machine is shared with other jobs: latencies grow with the "
        "load average above.",
    ]
    return "\n".join(out)


if __name__ == "__main__":
    main()
