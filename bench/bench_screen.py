"""Screening benchmark: every figure of the screening targets from one command.

Usage (from the repository root):

    python bench/bench_screen.py                         # 1,000,000 rows: the full benchmark
    python bench/bench_screen.py --rows 20000 --spark-rows 20000 --no-write   # a quick look

What it runs, each time in a fresh ``laborlens screen`` process, and reports in
``bench/results/screen.md``:

1. start-up: a one-row file with a cold and then a warm on-disk index cache;
2. the high-cardinality master (``bench/gen_suppliers.py``: every row another supplier) to
   compact JSON Lines with 1 and 2 workers, to Parquet and to full JSON Lines with 2 workers;
3. the repetitive master (a few thousand distinct names, a few dozen addresses) the same way;
4. Spark ``local[1]`` and ``local[2]`` on the high-cardinality master (full JSON Lines, checked
   byte for byte against the local engine's output), with each partition's CPU cost.

For each run: wall time, rows/s, CPU seconds of the whole process tree (user + system, from the
kernel's accounting of waited-for children) and per row, output bytes per row, and the peak RSS
of the largest process and of all processes together (sampled every 0.1 s from /proc). The load
average is recorded next to every wall-clock figure: on a shared machine the CPU time per row is
the figure to compare, wall time needs a quiet machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "screen.md"
CLI = [sys.executable, "-c", "from laborlens.interfaces.cli.main import run; run()", "screen"]
AS_OF = "2026-06-30"

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_suppliers  # noqa: E402 - a sibling script


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


def _tree_rss_kb(root: int) -> tuple[int, int]:
    """(summed RSS of ``root`` and its descendants, largest single RSS), in KiB (Linux /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[int(entry.name)] = int(line.split()[1])
    total, largest, todo = 0, 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        largest = max(largest, rss.get(pid, 0))
        todo.extend(p for p, pp in parents.items() if pp == pid)
    return total, largest


def run(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run ``cmd``; wall, CPU of the process tree and peak memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    peak_tree = peak_one = 0
    while proc.poll() is None:
        if Path("/proc").is_dir():
            tree, one = _tree_rss_kb(proc.pid)
            peak_tree, peak_one = max(peak_tree, tree), max(peak_one, one)
        time.sleep(0.1)
    wall = time.perf_counter() - start
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode()[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "wall": wall,
        "cpu": cpu,
        "peak_tree_mb": peak_tree / 1024,
        "peak_one_mb": peak_one / 1024,
        "load": _load(),  # type: ignore[dict-item]
        "stdout": out.decode(),  # type: ignore[dict-item]
    }


def _rows_of(path: Path) -> int:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return int(pq.read_metadata(path).num_rows)
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.startswith(b'{"row"') or line.startswith(b'{"id"'))


def screen_run(
    source: Path, out: Path, env: dict[str, str], workers: int, *args: str
) -> dict[str, Any]:
    """One ``laborlens screen`` run to ``out`` with its figures."""
    cmd = [*CLI, str(source), "-o", str(out), "--as-of", AS_OF, "--workers", str(workers)]
    m: dict[str, Any] = run([*cmd, "-q", *args], env)
    m["rows"] = _rows_of(out)
    m["bytes"] = out.stat().st_size
    m["what"] = f"{out.suffix[1:]} {' '.join(args)}".strip()
    m["workers"] = workers
    m["sha256"] = hashlib.sha256(out.read_bytes()).hexdigest() if out.suffix == ".jsonl" else ""
    return m


def startup(folder: Path, env: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A one-row file screened with a cold, then a warm, index cache (fresh data folder)."""
    tiny = folder / "one.csv"
    tiny.write_text("name\nFoo Trading Co., Ltd.\n", encoding="utf-8")
    fresh = {**env, "LABORLENS_DATA_DIR": str(folder / "startup-data")}
    cold = run([*CLI, str(tiny), "-o", str(folder / "one.jsonl"), "-q"], fresh)
    warm = [run([*CLI, str(tiny), "-o", str(folder / "one.jsonl"), "-q"], fresh) for _ in range(3)]
    return cold, min(warm, key=lambda m: m["wall"])


SPARK_CHILD = """
import json, sys, time
from datetime import date
from pathlib import Path
from laborlens.adapters.engine.spark import SparkEngine, local_session
from laborlens.adapters.io.sinks import open_sink, write_chunks
from laborlens.ops.screening import index_for, load_lists, open_job
from laborlens.settings import Settings
source, cores, out = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
settings = Settings.from_env()
job = open_job([source], as_of=date.fromisoformat(sys.argv[4]), settings=settings, workers=1)
engine = SparkEngine(cores=cores, session=local_session(cores))
job.engine = engine
shape = job.shape("jsonl", full=True)
start = time.perf_counter()
with out.open("wb") as fh:
    summary = write_chunks(job.chunks(shape), open_sink(fh, shape, job.meta()))
wall = time.perf_counter() - start
costs = [[c.partition, c.rows, c.cpu_seconds, c.wall_seconds] for c in engine.costs]
print(json.dumps({"screen_wall": wall, "rows": summary.rows, "costs": costs}))
"""


def spark_run(source: Path, out: Path, env: dict[str, str], cores: int) -> dict[str, Any]:
    """Spark ``local[cores]`` through the engine's API (to read each partition's cost)."""
    m: dict[str, Any] = run(
        [sys.executable, "-c", SPARK_CHILD, str(source), str(cores), str(out), AS_OF], env
    )
    m.update(json.loads(m.pop("stdout").strip().splitlines()[-1]))
    m["sha256"] = hashlib.sha256(out.read_bytes()).hexdigest()
    m["cores"] = cores
    return m


def machine() -> str:
    def sh(args: list[str]) -> str:
        try:
            return subprocess.run(args, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return "n/a"

    mem = sh(["free", "-g"]).splitlines()
    return (
        f"- nproc: {sh(['nproc'])}; memory (free -g): "
        f"{mem[1].split()[1] if len(mem) > 1 else 'n/a'} GiB total\n"
        f"- Python {platform.python_version()} on {platform.platform()}; CPU "
        f"{platform.processor() or platform.machine()}"
    )


def _row(m: dict[str, Any]) -> str:
    rows = max(1, m["rows"])
    return (
        f"| {m['what']} | {m['workers']} | {m['rows']:,} | {m['wall']:.1f} | "
        f"{m['rows'] / m['wall']:,.0f} | {m['cpu']:.1f} | {m['cpu'] / rows * 1e6:,.0f} | "
        f"{m['bytes'] / rows:,.0f} | {m['peak_one_mb']:,.0f} | {m['peak_tree_mb']:,.0f} | "
        f"{1e6 * m['wall'] / rows:,.0f} | {m['load']} |"
    )


_HEAD = (
    "| output | workers | rows | wall (s) | rows/s | CPU (s) | CPU µs/row | bytes/row | "
    "peak RSS largest (MB) | peak RSS all (MB) | 1M rows at this rate (s) | "
    "load 1/5/15 at end |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
)


def report(args: argparse.Namespace, found: dict[str, Any]) -> str:
    cold, warm = found["startup"]
    lines = [
        "## Screening at scale (`laborlens screen`)",
        "",
        f"Command: `python bench/bench_screen.py {' '.join(sys.argv[1:])}`".replace("  ", " "),
        "",
        "Each figure is one fresh `laborlens screen` process (reading, screening, writing; the",
        "index from the warm on-disk cache). CPU is user + system time of the whole process tree;",
        "on a shared machine compare CPU µs/row, wall time needs a quiet machine (the load",
        'average at the end of each run is next to it). "1M rows at this rate" is the wall',
        "time of the run scaled linearly to 1,000,000 rows (start-up included, so it errs high);",
        "peak RSS does not grow with the rows (the input streams in batches).",
        "",
        "**Start-up** (one-row file): cold index cache "
        f"{cold['wall']:.2f} s wall, {cold['cpu']:.2f} s CPU; warm {warm['wall']:.2f} s wall, "
        f"{warm['cpu']:.2f} s CPU (load {warm['load']}).",
        "",
    ]
    for profile, title in (("high", "High-cardinality"), ("repetitive", "Repetitive")):
        if profile not in found:
            continue
        card = found[f"{profile}-card"]
        lines += [
            f"**{title} supplier master** ({args.rows:,} rows, {found[f'{profile}-mb']:.0f} MB "
            f"CSV; distinct names {card['supplier_name']:,}, addresses {card['address']:,}, "
            f"products {card['product']:,}):",
            "",
            _HEAD,
            *(_row(m) for m in found[profile]),
            "",
        ]
    if "spark" in found:
        runs = found["spark"]
        one, two = runs[0], runs[-1]
        same = all(m["sha256"] == found["spark-local-sha"] for m in runs)
        lines += [
            f"**Spark** (`--engine spark` path, high-cardinality master, {args.spark_rows:,} rows,"
            " full JSON Lines):",
            "",
            "| master | rows | wall (s) | screening wall (s) | rows/s (screening) | partitions |"
            " CPU s/partition (median) | rows/partition | load at end |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for m in runs:
            costs = sorted(c[2] for c in m["costs"]) or [0.0]
            per = sorted(c[1] for c in m["costs"]) or [0]
            lines.append(
                f"| local[{m['cores']}] | {m['rows']:,} | {m['wall']:.1f} | {m['screen_wall']:.1f}"
                f" | {m['rows'] / m['screen_wall']:,.0f} | {len(m['costs'])} | "
                f"{costs[len(costs) // 2]:.2f} | {per[len(per) // 2]:,} | {m['load']} |"
            )
        lines += [
            "",
            f"local[2] / local[1] screening speed: {one['screen_wall'] / two['screen_wall']:.2f}×;"
            f" output identical to the local engine's, byte for byte: {'yes' if same else 'NO'}.",
            "",
        ]
    lines += ["Machine:", "", machine(), ""]
    return "\n".join(lines)


def _master(folder: Path, profile: str, rows: int, found: dict[str, Any]) -> Path:
    path = folder / f"{profile}-{rows}.csv"
    if not path.exists():
        gen_suppliers.generate(path, rows, profile)
    found[f"{profile}-card"] = gen_suppliers.cardinality(path)
    found[f"{profile}-mb"] = path.stat().st_size / 1e6
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--spark-rows", type=int, default=200_000)
    parser.add_argument("--profiles", default="high,repetitive")
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep the generated data in this folder")
    parser.add_argument("--no-write", action="store_true", help="do not update bench/results")
    args = parser.parse_args()
    found: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "LABORLENS_DATA_DIR": str(folder / "data")}
        found["startup"] = startup(folder, env)
        print("start-up", [round(m["wall"], 2) for m in found["startup"]], flush=True)
        for profile in args.profiles.split(","):
            source = _master(folder, profile, args.rows, found)
            runs = []
            for workers, suffix, extra in (
                (2, ".jsonl", ("--compact",)),
                (1, ".jsonl", ("--compact",)),
                (2, ".parquet", ()),
                (2, ".jsonl", ()),
                (2, ".jsonl", ("--compact", "--explain")),
            ):
                out = folder / f"out-{profile}-{workers}-{len(runs)}{suffix}"
                runs.append(screen_run(source, out, env, workers, *extra))
                out.unlink()
                print(profile, {k: v for k, v in runs[-1].items() if k != "stdout"}, flush=True)
            found[profile] = runs
        if not args.no_spark:
            source = _master(folder, "high", args.spark_rows, {})
            local = folder / "spark-local.jsonl"
            screen_run(source, local, env, 2)
            found["spark-local-sha"] = hashlib.sha256(local.read_bytes()).hexdigest()
            found["spark"] = [
                spark_run(source, folder / f"spark-{n}.jsonl", env, n) for n in (1, 2)
            ]
            print("spark", [(m["cores"], m["screen_wall"]) for m in found["spark"]], flush=True)
    text = report(args, found)
    print(text)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
