"""`laborlens screen --resume` continues a killed run's JSON Lines output without losing or
repeating a row, and refuses a partial output that belongs to another run."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from laborlens.interfaces.cli.main import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ROWS = 4500


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with (EXAMPLES / "suppliers.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    path = tmp_path_factory.mktemp("resume") / "suppliers.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(rows[0])
        for i in range(ROWS):
            row = list(rows[1 + i % (len(rows) - 1)])
            row[0] = f"{row[0]}-{i}"
            out.writerow(row)
    return path


def _screen(source: Path, out: Path, *args: str) -> Any:
    return CliRunner().invoke(
        app, ["screen", str(source), "-o", str(out), "--as-of", "2026-06-30", *args]
    )


def _partial(out: Path) -> Path:
    """The temporary name older versions used (still taken over by ``--resume``)."""
    return out.with_name(f".{out.name}.partial")


def _leftovers(out: Path) -> list[Path]:
    """Temporary outputs of runs (``.NAME.PID.laborlens-partial``) for ``out``."""
    return sorted(out.parent.glob(f".{out.name}.*.laborlens-partial"))


def _rows(path: Path) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if "row" in line]


@pytest.mark.parametrize("shape", [(), ("--compact",)])
def test_resume_continues_where_the_killed_run_stopped(
    source: Path, tmp_path: Path, shape: tuple[str, ...]
) -> None:
    whole = tmp_path / "whole.jsonl"
    assert _screen(source, whole, "-q", *shape).exit_code == 0
    lines = whole.read_bytes().splitlines(keepends=True)
    # a run killed after 2,100 rows, in the middle of writing the next line
    cut = next(i for i, line in enumerate(lines) if b'"row":2101,' in line)
    out = tmp_path / "out.jsonl"
    _partial(out).write_bytes(b"".join(lines[:cut]) + lines[cut][:40])

    res = _screen(source, out, "--resume", "--workers", "2", *shape)
    assert res.exit_code == 0, res.output
    assert "resuming after row 2,100" in res.stderr
    assert f"{ROWS} rows" in res.stderr
    assert not _partial(out).exists() and _leftovers(out) == []
    assert _rows(out) == _rows(whole)
    if shape:
        defined: list[str] = []
        for line in map(json.loads, out.read_text(encoding="utf-8").splitlines()[1:]):
            if "row" in line:
                assert line["explanation"] in defined
            else:
                defined.append(line["explanation"])
        assert len(defined) == len(set(defined))


def test_resume_refuses_a_partial_output_of_other_inputs(source: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("id,name\nX-1,Foo Ltd\nX-2,Bar Ltd\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert _screen(other, out, "-q").exit_code == 0
    _partial(out).write_bytes(out.read_bytes())
    res = _screen(source, out, "--resume", "-q")
    assert res.exit_code == 2
    assert "other inputs" in res.stderr and "Traceback" not in res.output


def test_resume_without_a_partial_output_starts_from_the_first_row(
    source: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    res = _screen(source, out, "--resume", "--compact")
    assert res.exit_code == 0 and "from the first row" in res.stderr
    assert len(_rows(out)) == ROWS


@pytest.mark.slow
def test_a_run_killed_with_sigkill_is_resumed_exactly(tmp_path: Path) -> None:
    source = tmp_path / "big.csv"
    with source.open("w", encoding="utf-8") as fh:
        fh.write("id,name,address\n")
        for i in range(30_000):
            fh.write(f"R{i},Supplier {i % 700} Trading Co. Ltd,{i % 50} Harbour Road Ningbo\n")
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "LABORLENS_DATA_DIR": str(tmp_path / "data")}
    cmd = [sys.executable, "-c", "from laborlens.interfaces.cli.main import run; run()", "screen"]
    args = [str(source), "-o", str(out), "--workers", "2", "-q", "--as-of", "2026-06-30"]
    with subprocess.Popen([*cmd, *args], env=env) as first:
        end = time.monotonic() + 300
        while time.monotonic() < end and first.poll() is None:
            if any(p.stat().st_size > 2_000_000 for p in _leftovers(out)):
                break
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait()
    if first.returncode == 0:
        pytest.skip("the run finished before it could be killed")
    assert not out.exists() and len(_leftovers(out)) == 1
    subprocess.run([*cmd, *args, "--resume"], env=env, check=True)
    assert _leftovers(out) == []
    rows = _rows(out)
    assert [r["row"] for r in rows] == list(range(1, 30_001))
    assert [r["id"] for r in rows] == [f"R{i}" for i in range(30_000)]


def test_a_leftover_is_resumed_by_resume_and_removed_without_it(
    source: Path, tmp_path: Path
) -> None:
    whole = tmp_path / "whole.jsonl"
    assert _screen(source, whole, "-q").exit_code == 0
    lines = whole.read_bytes().splitlines(keepends=True)
    out = tmp_path / "out.jsonl"
    dead = out.with_name(f".{out.name}.999999999.laborlens-partial")  # no such process
    dead.write_bytes(b"".join(lines[:1000]))
    res = _screen(source, out, "--resume", "-q")
    assert res.exit_code == 0, res.output
    assert _rows(out) == _rows(whole) and _leftovers(out) == []

    dead.write_bytes(b"".join(lines[:1000]))
    res = _screen(source, out, "-q")
    assert res.exit_code == 0 and "removed" in res.stderr
    assert _rows(out) == _rows(whole) and _leftovers(out) == []


def test_a_refused_resume_keeps_the_leftover(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    _partial(out).write_bytes(b'{"row":1,"id":"NOT-IN-INPUT","risk":"none","regimes":[]}\n')
    res = _screen(source, out, "--resume", "-q")
    assert res.exit_code == 2 and "other inputs" in res.stderr
    assert not out.exists() and len(_leftovers(out)) == 1
