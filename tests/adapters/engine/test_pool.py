"""Worker processes: results in order, errors reported, and no worker outlives its parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from laborlens.adapters.engine.pool import Pool, WorkerError, can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="worker processes need fork()")


def _square(n: int) -> int:
    if n == 13:
        raise ValueError("thirteen is unlucky")
    return n * n


def test_results_come_back_in_task_order() -> None:
    with Pool(3, _square, ahead=4) as pool:
        assert list(pool.map(range(12))) == [n * n for n in range(12)]


def test_an_exception_in_a_worker_ends_the_run_with_its_message() -> None:
    with pytest.raises(WorkerError, match="thirteen is unlucky"), Pool(2, _square) as pool:
        list(pool.map(range(20)))


def test_a_worker_that_dies_ends_the_run() -> None:
    def die(n: int) -> int:
        if n == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return n

    with pytest.raises(WorkerError, match="signal 9"), Pool(2, die) as pool:
        list(pool.map(range(10)))


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _wait_gone(pids: list[int], seconds: float) -> list[int]:
    """The processes still running after ``seconds`` (killed then, so no test leaves any)."""
    end = time.monotonic() + seconds
    alive = pids
    while alive and time.monotonic() < end:
        time.sleep(0.1)
        alive = [p for p in alive if _alive(p)]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    return alive


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_workers_die_when_the_parent_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(
        textwrap.dedent(
            """
            import sys, time
            from laborlens.adapters.engine.pool import Pool

            def slow(n):
                time.sleep(60)
                return n

            with Pool(2, slow) as pool:
                print(" ".join(map(str, pool.pids)), flush=True)
                list(pool.map(range(4)))
            """
        )
    )
    with subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True
    ) as parent:
        assert parent.stdout is not None
        workers = [int(p) for p in parent.stdout.readline().split()]
        assert len(workers) == 2 and all(_alive(p) for p in workers)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    assert _wait_gone(workers, 10) == [], "workers outlived their killed parent"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_screen_workers_die_with_a_killed_screen(tmp_path: Path) -> None:
    source = tmp_path / "big.csv"
    with source.open("w", encoding="utf-8") as fh:
        fh.write("id,name,address\n")
        for i in range(60_000):
            fh.write(f"R{i},Supplier {i} Trading Co. Ltd,{i} Harbour Road Ningbo\n")
    cmd = [sys.executable, "-c", "from laborlens.interfaces.cli.main import run; run()"]
    parent = subprocess.Popen(
        [*cmd, "screen", str(source), "-o", str(tmp_path / "out.jsonl"), "--workers", "2", "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "LABORLENS_DATA_DIR": str(tmp_path / "data")},
    )
    end = time.monotonic() + 300
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < end and parent.poll() is None:
        time.sleep(0.1)
        workers = [p for p in _children(parent.pid) if _alive(p)]
    assert len(workers) >= 2, "the run ended before its workers could be seen"
    time.sleep(0.5)  # let them screen
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    assert _wait_gone(workers, 10) == [], "workers outlived their killed parent"
    assert not (tmp_path / "out.jsonl").exists()
