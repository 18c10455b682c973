"""A `laborlens screen` killed with SIGKILL at random points leaves no complete-looking output,
and the next run removes (and reports) what it left behind."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from laborlens.adapters.io.atomic import PARTIAL_SUFFIX

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and flock are POSIX")

CLI = [sys.executable, "-c", "from laborlens.interfaces.cli.main import run; run()", "screen"]
ROWS = 20_000  # enough that a quiet machine is still writing when the kill comes


def _input(folder: Path) -> Path:
    path = folder / "big.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("id,name,address\n")
        for i in range(ROWS):
            fh.write(f"R{i},Supplier {i} Trading Co. Ltd,{i} Harbour Road Ningbo\n")
    return path


def _wait_for_partial(target: Path, proc: subprocess.Popen[bytes], limit: float) -> bool:
    end = time.monotonic() + limit
    while time.monotonic() < end and proc.poll() is None:
        if any(
            p.name.startswith(f".{target.name}.") and p.name.endswith(PARTIAL_SUFFIX)
            for p in target.parent.iterdir()
        ):
            return True
        time.sleep(0.02)
    return False


@pytest.mark.slow
def test_kill_leaves_no_output_and_next_run_cleans_up(tmp_path: Path) -> None:
    source = _input(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    rng = random.Random(17)
    killed = 0
    leftovers: list[Path] = []
    for suffix in (".csv", ".xlsx"):
        target = out_dir / f"result{suffix}"
        proc = subprocess.Popen(
            [*CLI, str(source), "-o", str(target), "--workers", "1", "-q"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        writing = _wait_for_partial(target, proc, limit=120)
        if writing:
            time.sleep(rng.uniform(0.0, 1.0))  # somewhere in the middle of writing
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if proc.returncode == 0:  # finished before the kill: the output is complete
            target.unlink()
            continue
        killed += writing
        assert not target.exists(), "a killed run left a file under the target name"
        # each run starts by sweeping what earlier killed runs left: at most this run's file
        leftovers = [p for p in out_dir.iterdir() if p.name.endswith(PARTIAL_SUFFIX)]
        assert len(leftovers) == int(writing)
    assert killed >= 1
    small = tmp_path / "small.csv"
    small.write_text("name\nFoo Ltd\nBar Ltd\n", encoding="utf-8")
    target = out_dir / "result.csv"
    done = subprocess.run(
        [*CLI, str(small), "-o", str(target)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert [p.name for p in out_dir.iterdir()] == [target.name]
    assert done.stderr.count("left by an interrupted run") == len(leftovers)
    assert "wrote 2 rows to" in done.stderr
