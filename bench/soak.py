"""Soak run: stream many generated rows through `laborlens screen`; memory must stay flat and the
output must hold exactly one record per input row, in order.

Usage (from the repository root):

    python bench/soak.py                          # 10,000,000 rows (hours on a small machine)
    python bench/soak.py --rows 300000 --workers 2

Steps: generate a CSV with ``bench/gen_suppliers.py``'s seeded generator; run ``laborlens screen
FILE --format jsonl --output OUT --workers N --quiet`` in a fresh process while sampling, every
``--every`` seconds, the summed RSS of its process tree and the size of the partial output;
then read the output back and check the record count and that record *i* is row *i* with id
``S-<i>``. Memory is called flat when the peak RSS in the second half of the run (by output
written) is within ``--tolerance`` of the peak in the first half, after a warm-up of the first
10 %. The figures go to ``bench/results/soak.md`` with the machine and its load average.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "soak.md"
sys.path.insert(0, str(ROOT / "bench"))

import bench_screen  # noqa: E402 - the shared RSS sampler and machine description
import gen_suppliers  # noqa: E402 - the shared seeded generator

TARGET_ROWS = 10_000_000
_PREFIX = re.compile(r'^\{"id": "([^"]*)", "row": (\d+),')


def _partial_size(out: Path) -> int:
    total = 0
    for p in out.parent.iterdir():
        if p.name.startswith(f".{out.name}.") or p == out:
            with contextlib.suppress(OSError):
                total += p.stat().st_size
    return total


def _screen(csv_path: Path, out: Path, workers: int, every: float) -> dict[str, object]:
    cmd = [
        sys.executable,
        "-c",
        "from laborlens.interfaces.cli.main import run; run()",
        "screen",
        str(csv_path),
        "--format",
        "jsonl",
        "--output",
        str(out),
        "--workers",
        str(workers),
        "--quiet",
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    samples: list[tuple[float, int, int]] = []  # (seconds, output bytes, tree RSS kB)
    while proc.poll() is None:
        samples.append(
            (
                time.perf_counter() - start,
                _partial_size(out),
                bench_screen._tree_rss_kb(proc.pid)[0],
            )
        )
        time.sleep(every)
    _, stderr = proc.communicate()
    return {
        "seconds": time.perf_counter() - start,
        "returncode": proc.returncode,
        "stderr": stderr,
        "samples": samples,
    }


def _check(out: Path, rows: int) -> tuple[int, list[str]]:
    problems: list[str] = []
    n = 0
    with out.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle, start=1):
            found = _PREFIX.match(line)
            wrong = not found or int(found.group(2)) != n or found.group(1) != f"S-{n:06d}"
            if wrong and len(problems) < 5:
                problems.append(f"output line {n}: {line[:60]!r}")
    if n != rows:
        problems.append(f"{n:,} records for {rows:,} input rows")
    return n, problems


def _flatness(samples: list[tuple[float, int, int]], tolerance: float) -> tuple[str, bool]:
    done = [s for s in samples if s[1] > 0]
    if len(done) < 10:
        return "too few samples while writing to judge", True
    last = done[-1][1]
    warm = [s for s in done if s[1] >= 0.1 * last]
    first = [s[2] for s in warm if s[1] < 0.55 * last]
    second = [s[2] for s in warm if s[1] >= 0.55 * last]
    if not first or not second:
        return "too few samples while writing to judge", True
    a, b = max(first), max(second)
    flat = b <= a * (1 + tolerance)
    return (
        f"peak RSS {a / 1024:,.0f} MB in the first half of the output, {b / 1024:,.0f} MB in "
        f"the second ({(b - a) / max(a, 1):+.1%}); {'flat' if flat else 'GROWING'}",
        flat,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=TARGET_ROWS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--every", type=float, default=1.0, help="seconds between samples")
    parser.add_argument("--tolerance", type=float, default=0.10)
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: temp)")
    parser.add_argument("--no-write", action="store_true", help="do not update results")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="laborlens-soak-", dir=args.dir))
    try:
        csv_path, out = work / "soak.csv", work / "soak.jsonl"
        t0 = time.perf_counter()
        gen_suppliers.generate(csv_path, args.rows)
        generated = time.perf_counter() - t0
        load_before = os.getloadavg()
        run = _screen(csv_path, out, args.workers, args.every)
        load_after = os.getloadavg()
        if run["returncode"] != 0:
            raise SystemExit(f"screen failed ({run['returncode']}): {run['stderr']}")
        count, problems = _check(out, args.rows)
        samples = run["samples"]
        assert isinstance(samples, list)
        verdict, flat = _flatness(samples, args.tolerance)
        size_mb = csv_path.stat().st_size / 1e6
    finally:
        shutil.rmtree(work, ignore_errors=True)
    seconds = float(run["seconds"])  # type: ignore[arg-type]
    peak = max((s[2] for s in samples), default=0) / 1024
    lines = [
        "## Soak (`laborlens screen`, many rows, memory and exact counts)",
        "",
        f"{args.rows:,} generated rows ({size_mb:,.0f} MB CSV, generated in {generated:.0f} s) "
        f"screened by one `laborlens screen --format jsonl --output OUT --workers "
        f"{args.workers}` process in {seconds:,.0f} s ({args.rows / seconds:,.0f} rows/s).",
        "",
        f"- records written: {count:,} for {args.rows:,} input rows; record *i* is row *i* with "
        f"its id: {'yes' if not problems else 'NO: ' + '; '.join(problems)}",
        f"- memory (summed RSS of the process tree, {len(samples)} samples every "
        f"{args.every:g} s): peak {peak:,.0f} MB; {verdict}",
        f"- load average (1/5/15 min) before: {' / '.join(f'{x:.1f}' for x in load_before)}, "
        f"after: {' / '.join(f'{x:.1f}' for x in load_after)}",
        "",
        *(
            [
                f"The target is {TARGET_ROWS:,} rows; this run is smaller because the machine was "
                "shared. Rerun `python bench/soak.py` on a quiet machine to record the full soak.",
                "",
            ]
            if args.rows < TARGET_ROWS
            else []
        ),
        f"Command: `python bench/soak.py --rows {args.rows} --workers {args.workers}`",
        "",
        "Machine:",
        "",
        bench_screen.machine(),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")
    if problems or not flat:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
