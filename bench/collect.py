"""Assemble BENCHMARKS.md from the sections each benchmark writes into bench/results/.

Usage: python bench/collect.py
Each bench/bench_*.py script writes bench/results/<area>.md with its figures, the machine and
the command; this script only concatenates them (in a fixed order) under a common header.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDER = [
    "screen",
    "names",
    "names_v2",
    "names_v2_test_runs",
    "geo",
    "products",
    "trace",
    "evidence",
]

HEADER = """# Benchmarks

Figures come from the scripts in `bench/`; each section names the command that produced it and
the machine it ran on. Rerun a script to refresh its section, then `python bench/collect.py` to
rebuild this file. Unit tests never assert timings; these scripts are where speed and memory
targets are checked.
"""


def main() -> None:
    results = ROOT / "bench" / "results"
    files = sorted(
        results.glob("*.md"),
        key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else len(ORDER), p.stem),
    )
    parts = [HEADER]
    for f in files:
        parts.append(f.read_text(encoding="utf-8").strip() + "\n")
    (ROOT / "BENCHMARKS.md").write_text("\n".join(parts), encoding="utf-8")
    print(f"BENCHMARKS.md: {len(files)} sections")


if __name__ == "__main__":
    main()
