"""Index build time and memory with the full bundled lists (and the knowledge base).

Usage: python bench/bench_lists.py [--repeat 3] [--out bench/results/lists.md]

Each measurement runs in a fresh Python process (imports included, nothing cached): loading the
bundled lists with their hash checks, resolving the knowledge base, building the name index,
and the whole ``ScreeningIndex.build`` (names, gazetteer, products, regimes, knowledge base).
Reported: CPU seconds and wall seconds of each step (best of ``--repeat`` runs) and the peak
resident memory of the process. Targets: index build <= 5 s and <= 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_PROBE = r"""
import json, resource, time
def clock():
    return time.process_time(), time.perf_counter()
def since(t):
    c, w = clock()
    return round(c - t[0], 3), round(w - t[1], 3)
t0 = clock()
from laborlens.core.lists import load_bundled
from laborlens.core import kb, names
from laborlens.core.screen import ScreeningIndex
imports = since(t0)
t = clock(); lists = load_bundled(); load = since(t)
t = clock(); knowledge = kb.load_kb(); kbi = kb.build_index(knowledge, lists); kb_t = since(t)
infos = {rl.info.list_id: rl.info for rl in lists.lists}
t = clock(); ni = names.build_name_index(kbi.entries, infos); names_t = since(t)
del ni
t = clock(); index = ScreeningIndex.build(lists); full = since(t)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({
    "imports": imports, "load": load, "kb": kb_t, "names": names_t, "index": full,
    "rss_mb": round(rss, 1), "entries": sum(len(rl.entries) for rl in lists.lists),
    "party_entries": len(index.names.entries), "names_indexed": len(index.names.refs),
    "kb_entities": len(knowledge.entities),
}))
"""


def run_once() -> dict[str, object]:
    env = dict(os.environ, PYTHONHASHSEED="0")
    out = subprocess.run(
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=ROOT,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "lists.md")
    args = parser.parse_args(argv)
    runs = [run_once() for _ in range(args.repeat)]

    def best(key: str) -> tuple[float, float]:
        cpu = min(float(r[key][0]) for r in runs)  # type: ignore[index]
        wall = min(float(r[key][1]) for r in runs)  # type: ignore[index]
        return cpu, wall

    first = runs[0]
    rss = max(float(r["rss_mb"]) for r in runs)  # type: ignore[arg-type]
    load = os.getloadavg()
    lines = [
        "## Lists: index build with the full official lists",
        "",
        f"Command: `python bench/bench_lists.py --repeat {args.repeat}`",
        "",
        f"- CPU: {os.cpu_count()} cores ({platform.machine()}); Python "
        f"{platform.python_version()} on {platform.system()} {platform.release()}",
        f"- load average at the end of the run: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
        " (wall-clock figures suffer when the load exceeds the cores; CPU time is the better "
        "single-core figure)",
        "",
        f"Bundled lists: {first['entries']:,} entries, of which {first['party_entries']:,} "
        f"parties (with the knowledge base's related parties) giving "
        f"{first['names_indexed']:,} indexed names; knowledge base: {first['kb_entities']} "
        "entities.",
        "",
        "| step (fresh process, best of runs) | CPU s | wall s |",
        "|---|---|---|",
    ]
    for key, label in (
        ("imports", "imports"),
        ("load", "load the bundled lists (hash checks)"),
        ("kb", "knowledge base: load, resolve, index"),
        ("names", "name index alone"),
        ("index", "whole ScreeningIndex.build"),
    ):
        cpu, wall = best(key)
        lines.append(f"| {label} | {cpu:.2f} | {wall:.2f} |")
    lines += [
        "",
        f"Peak resident memory of the process after the build: {rss:.0f} MB.",
        "",
        "Targets (issue): index build <= 5 s and <= 500 MB.",
        "",
    ]
    text = "\n".join(lines)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
