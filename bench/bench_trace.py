"""Tracing benchmark: propagation + mass balance + exposure on a large synthetic chain.

Usage (from the repository root):

    python bench/bench_trace.py                          # 1,000,000 nodes, 5,000,000 edges
    python bench/bench_trace.py --nodes 100000 --edges 500000 --no-write
    python bench/bench_trace.py --cli-nodes 2000         # also time `laborlens trace` end to end

The large-scale path is the array API of :mod:`laborlens.core.chain.graph` (the same functions
``trace_chain`` calls): CSR build, breadth-first reach for each taint channel (Xinjiang, listed
entities, third-country routing seeds), conversion of quantities through the yield table, mass
balance per node and period, and exposure shares. Per-node screening is separate (see
bench_screen.py): here the generator marks Xinjiang and listed nodes directly.

Peak memory is the process's maximum resident set size (``resource.getrusage``), which includes
the generated arrays. Figures go to ``bench/results/trace.md`` with the machine and the command.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_chains import generate, write_folder

from laborlens.core import rules
from laborlens.core.chain import graph as g
from laborlens.core.chain.tables import load_tables

ROOT = Path(__file__).resolve().parents[1]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _machine() -> str:
    try:
        mem = subprocess.run(["free", "-g"], capture_output=True, text=True, check=False).stdout
    except OSError:
        mem = "free: unavailable"
    return (
        f"- CPU cores (nproc): {os.cpu_count()}\n"
        f"- Python: {platform.python_version()} ({platform.machine()}, {platform.system()})\n"
        f"- numpy: {np.__version__}\n"
        "- `free -g`:\n\n```\n" + mem.strip("\n") + "\n```\n"
    )


def run_arrays(n_nodes: int, n_edges: int, seed: int) -> dict[str, float]:
    """Time each phase of the array path; returns seconds per phase and figures."""
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    ch = generate(n_nodes, n_edges, seed)
    out["generate_s"] = time.perf_counter() - t0
    tables = load_tables()
    mat_ids = {m.id: i for i, m in enumerate(tables.materials)}
    dims = [d for d, _ in tables.base]
    nm, nd = len(tables.materials), len(dims)
    ytab = np.full((nm, nm, nd, nd), np.nan)
    for y in tables.yields:
        ytab[mat_ids[y.src], mat_ids[y.dst], dims.index(y.from_dim), dims.index(y.to_dim)] = y.value
    as_of = date(2025, 12, 1)
    designated = {s for r, s in rules.load_regimes().designated(as_of) if r == "us_uflpa"}
    hp = np.array([m.sector in designated for m in tables.materials])
    cn = ch.countries.index("CN")

    t, c = time.perf_counter(), time.process_time()
    gr = g.Graph.build(ch.n, ch.src, ch.dst)
    out["csr_s"] = time.perf_counter() - t
    out["csr_cpu"] = time.process_time() - c

    t, c = time.perf_counter(), time.process_time()
    xj = g.reach(gr, ch.xj)
    listed = g.reach(gr, ch.listed)
    is_cn = ch.country == cn
    routing_seed = g.reach(gr, is_cn, seed_edge_ok=hp[ch.material])
    producer = np.ones(ch.n, dtype=bool)
    importer_code = ch.role.index("importer")
    producer[ch.role_code == importer_code] = False
    routing_nodes = (routing_seed.dist > 0) & ~is_cn & producer
    routing = g.reach(gr, routing_nodes)
    out["propagate_s"] = time.perf_counter() - t
    out["propagate_cpu"] = time.process_time() - c

    t, c = time.perf_counter(), time.process_time()
    own = ch.xj | ch.listed
    tainted = xj.reached | listed.reached
    in_eq, out_q, _, _ = g.equivalents(
        gr,
        material=ch.material,
        dim=ch.dim,
        qty_base=ch.qty,
        node_material=ch.node_material,
        node_yield=np.full(ch.n, np.nan),
        yields=ytab,
    )
    bal = g.mass_balance(
        gr,
        tainted=tainted,
        own=own,
        in_equiv=in_eq,
        out_qty=out_q,
        declared_tainted=np.zeros(gr.m, dtype=bool),
        period=ch.period,
        declared_untainted=ch.declared_untainted,
    )
    out["mass_balance_s"] = time.perf_counter() - t
    out["mass_balance_cpu"] = time.process_time() - c

    t, c = time.perf_counter(), time.process_time()
    expo = g.exposure(gr, own, in_eq, ch.value)
    out["exposure_s"] = time.perf_counter() - t
    out["exposure_cpu"] = time.process_time() - c

    phases = ("csr", "propagate", "mass_balance", "exposure")
    out["total_s"] = sum(out[f"{p}_s"] for p in phases)
    out["total_cpu"] = sum(out[f"{p}_cpu"] for p in phases)
    out["core_s"] = sum(out[f"{p}_s"] for p in phases[:3])
    out["core_cpu"] = sum(out[f"{p}_cpu"] for p in phases[:3])
    out["nodes"] = float(ch.n)
    out["edges"] = float(gr.m)
    out["tainted_nodes"] = float(tainted.sum())
    out["routing_nodes"] = float(routing_nodes.sum())
    out["routing_reached"] = float(routing.reached.sum())
    out["balance_rows"] = float(bal.node.shape[0])
    out["shortfall_rows"] = float(np.nansum(bal.shortfall > 0))
    out["exposure_sweeps"] = float(expo.sweeps)
    out["exposure_converged"] = float(expo.converged)
    out["max_depth"] = float(max(int(xj.dist.max()), int(listed.dist.max())))
    out["peak_rss_mb"] = _peak_mb()
    return out


def run_cli(n_nodes: int, seed: int) -> dict[str, float]:
    """Time ``laborlens trace`` end to end (read, screen, trace, write JSON Lines)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "chain"
        write_folder(generate(n_nodes, n_nodes * 5, seed), folder)
        exe = Path(sys.executable).with_name("laborlens")
        cmd = [
            str(exe),
            "trace",
            str(folder),
            "--as-of",
            "2025-12-01",
            "-o",
            str(Path(tmp) / "out.jsonl"),
        ]
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        wall = time.perf_counter() - t
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)  # the largest child: the CLI
        size = (Path(tmp) / "out.jsonl").stat().st_size
    return {
        "wall_s": wall,
        "peak_rss_mb": ru.ru_maxrss / 1024.0,
        "output_mb": size / 1e6,
        "nodes": float(n_nodes),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description="laborlens trace benchmark")
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--edges", type=int, default=5_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cli-nodes", type=int, default=0, help="also time the CLI on this size")
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args()
    command = "python bench/bench_trace.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    # the CLI run goes first: child processes forked later would inherit the big arrays' pages
    # in their peak RSS
    c = run_cli(args.cli_nodes, args.seed) if args.cli_nodes else None
    r = run_arrays(args.nodes, args.edges, args.seed)
    lines = [
        "## laborlens trace: propagation + mass balance at scale",
        "",
        f"Command: `{command.strip()}`. 1-minute load average at the end: "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; wall times grow with load, CPU "
        "seconds (time.process_time) show the work itself.",
        "",
        _machine(),
        f"Synthetic chain: {int(r['nodes']):,} nodes, {int(r['edges']):,} edges (cotton, solar, "
        "aluminium families; bench/gen_chains.py, seed "
        f"{args.seed}); generation took {r['generate_s']:.1f} s (not counted below).",
        "",
        "| phase | wall s | CPU s |",
        "|---|---|---|",
        f"| CSR build | {r['csr_s']:.2f} | {r['csr_cpu']:.2f} |",
        f"| propagation (Xinjiang, listed, routing seeds, routing) | {r['propagate_s']:.2f} | "
        f"{r['propagate_cpu']:.2f} |",
        f"| conversions + mass balance ({int(r['balance_rows']):,} node-periods) | "
        f"{r['mass_balance_s']:.2f} | {r['mass_balance_cpu']:.2f} |",
        f"| *subtotal: CSR + propagation + mass balance* | *{r['core_s']:.2f}* | "
        f"*{r['core_cpu']:.2f}* |",
        f"| exposure ({int(r['exposure_sweeps'])} sweeps, converged="
        f"{bool(r['exposure_converged'])}) | {r['exposure_s']:.2f} | {r['exposure_cpu']:.2f} |",
        f"| **total** | **{r['total_s']:.2f}** | **{r['total_cpu']:.2f}** |",
        "",
        f"Peak RSS of the process (including the generated arrays): {r['peak_rss_mb']:,.0f} MB. "
        f"Tainted nodes: {int(r['tainted_nodes']):,}; routing producers: "
        f"{int(r['routing_nodes']):,}; node-periods with a shortfall: "
        f"{int(r['shortfall_rows']):,}; deepest taint path: {int(r['max_depth'])} hops.",
        "",
    ]
    if c is not None:
        lines += [
            f"End to end, `laborlens trace` on a generated folder of {int(c['nodes']):,} nodes "
            f"and {int(c['nodes']) * 5:,} edges (read, screen every node, trace, write JSON "
            f"Lines): {c['wall_s']:.1f} s wall, peak RSS {c['peak_rss_mb']:,.0f} MB, output "
            f"{c['output_mb']:.1f} MB.",
            "",
        ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        dest = ROOT / "bench" / "results" / "trace.md"
        dest.write_text(text, encoding="utf-8")
        print(f"written to {dest}")


if __name__ == "__main__":
    main()
