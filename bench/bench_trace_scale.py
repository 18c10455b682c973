"""End-to-end tracing at scale: ``laborlens trace`` on generated chain folders, files to answers.

Usage (from the repository root):

    python bench/bench_trace_scale.py                        # 20k, 200k and 1M nodes
    python bench/bench_trace_scale.py --sizes 20000,200000   # some sizes only

For each size the generator (bench/gen_chains.py: layered cotton, solar and aluminium chains,
names and addresses in several scripts, Xinjiang and listed parties) writes ``nodes.csv`` and
``edges.csv`` with three edges per node; then the CLI traces the folder to compact JSON Lines
(read, screen every distinct node input, propagate, balance, write), in a process of its own.

Reported per size: wall time of the CLI, its CPU time (user + system), the peak resident set of
the CLI process tree (``os.wait4`` on the child: the largest of the child and the processes it
waited for), output bytes per node, and the 1-minute load average before and after (the machine
is shared: wall time grows with load, CPU time much less). Figures go to
``bench/results/trace_scale.md``.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_chains import generate, write_folder

ROOT = Path(__file__).resolve().parents[1]


def run_size(n_nodes: int, seed: int, edges_per_node: int) -> dict[str, float]:
    """Generate one folder, trace it with the CLI, measure; the folder is removed after."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "chain"
        t = time.perf_counter()
        chain = generate(n_nodes, n_nodes * edges_per_node, seed)
        write_folder(chain, folder)
        gen_s = time.perf_counter() - t
        n_edges = int(chain.src.shape[0])
        del chain
        out = Path(tmp) / "out.jsonl"
        exe = Path(sys.executable).with_name("laborlens")
        cmd = [str(exe), "trace", str(folder), "--as-of", "2025-12-01", "-o", str(out)]
        load_before = os.getloadavg()[0]
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert proc.stderr is not None
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        err = proc.stderr.read().decode("utf-8", "replace")
        proc.stderr.close()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"laborlens trace failed ({proc.returncode}):\n{err}")
        size = out.stat().st_size
        input_bytes = sum(p.stat().st_size for p in folder.iterdir())
    return {
        "nodes": float(n_nodes),
        "edges": float(n_edges),
        "generate_s": gen_s,
        "wall_s": wall,
        "cpu_s": ru.ru_utime + ru.ru_stime,
        "peak_mb": ru.ru_maxrss / 1024.0,
        "bytes_per_node": size / n_nodes,
        "input_mb": input_bytes / 1e6,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description="laborlens trace end to end at scale")
    ap.add_argument("--sizes", default="20000,200000,1000000", help="node counts, comma-separated")
    ap.add_argument("--edges-per-node", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args()
    command = "python bench/bench_trace_scale.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    rows = []
    for n in (int(s) for s in args.sizes.split(",") if s.strip()):
        r = run_size(n, args.seed, args.edges_per_node)
        print(r, flush=True)
        rows.append(r)
    lines = [
        "## laborlens trace end to end at scale (files to compact JSON Lines)",
        "",
        f"Command: `{command.strip()}`. Each size: `laborlens trace FOLDER --as-of 2025-12-01 "
        "-o out.jsonl` on a folder written by bench/gen_chains.py (seed "
        f"{args.seed}, {args.edges_per_node} edges per node), in its own process. The machine "
        f"({os.cpu_count()} cores) is shared with other jobs: the 1-minute load average around "
        "each run is given; wall time grows with it, CPU time (user + system) much less.",
        "",
        "| nodes | edges | input MB | wall s | CPU s | peak RSS MB | output bytes/node "
        "| load before → after |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {int(r['nodes']):,} | {int(r['edges']):,} | {r['input_mb']:.0f} | "
        f"{r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['peak_mb']:,.0f} | "
        f"{r['bytes_per_node']:,.0f} | {r['load_before']:.1f} → {r['load_after']:.1f} |"
        for r in rows
    ]
    lines += [
        "",
        "Targets (issue: 2-core machine): 200,000 nodes ≤ 30 s and ≤ 1.5 GB; 1,000,000 nodes "
        "/ 3,000,000 edges ≤ 120 s and ≤ 4 GB; compact output ≤ 1 KB per node.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        dest = ROOT / "bench" / "results" / "trace_scale.md"
        dest.write_text(text, encoding="utf-8")
        print(f"written to {dest}")


if __name__ == "__main__":
    main()
