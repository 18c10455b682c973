"""Precision and recall of the product classifier on the labelled case set.

Runs the text lexicon alone (``product`` column), the HS mapping alone (``hs_code``) and both,
against ``tests/cases/products.csv`` (expected UFLPA sectors per row, one public source per
row), and writes a markdown section to ``bench/results/products.md``.

Usage: python bench/products_lexicon.py [--cases CSV] [--out MD] [--show-errors]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from laborlens.core.lists import load_bundled
from laborlens.core.model import Record
from laborlens.core.products import ALGORITHM, build_product_index, sectors_of
from laborlens.core.rules import load_regimes

ROOT = Path(__file__).resolve().parents[1]


def _machine() -> str:
    def run(cmd: list[str]) -> str:
        if not shutil.which(cmd[0]):
            return "n/a"
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()

    mem = run(["free", "-g"]).splitlines()
    return (
        f"{run(['nproc'])} cores, {mem[1].split()[1] if len(mem) > 1 else '?'} GB RAM, "
        f"Python {platform.python_version()} ({platform.machine()}); "
        f"1-minute load average {os.getloadavg()[0]:.1f}"
    )


def evaluate(
    rows: list[dict[str, str]], mode: str, strong_only: bool = False
) -> dict[str, Counter[str]]:
    index = build_product_index(load_bundled(), load_regimes().designations())
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for n, row in enumerate(rows, start=1):
        rec = Record(
            row=n,
            id=row["id"],
            product=row["product"] if mode in ("text", "both") else None,
            hs_code=row["hs_code"] if mode in ("hs", "both") else None,
        )
        got = {h.sector for h in sectors_of(index, rec).sectors if h.strong or not strong_only}
        want = {s for s in row["expected_sectors"].split(";") if s}
        for s in got & want:
            tp[s] += 1
        for s in got - want:
            fp[s] += 1
        for s in want - got:
            fn[s] += 1
    return {"tp": tp, "fp": fp, "fn": fn}


def _pr(tp: int, fp: int, fn: int) -> tuple[float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r


def table(res: dict[str, Counter[str]]) -> list[str]:
    lines = ["| sector | TP | FP | FN | precision | recall |", "|---|---:|---:|---:|---:|---:|"]
    for s in load_regimes().designations():
        tp, fp, fn = res["tp"][s], res["fp"][s], res["fn"][s]
        if tp + fp + fn == 0:
            continue
        p, r = _pr(tp, fp, fn)
        lines.append(f"| {s} | {tp} | {fp} | {fn} | {p:.3f} | {r:.3f} |")
    tp, fp, fn = (sum(res[k].values()) for k in ("tp", "fp", "fn"))
    p, r = _pr(tp, fp, fn)
    lines.append(f"| **micro-average** | {tp} | {fp} | {fn} | **{p:.3f}** | **{r:.3f}** |")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cases", default=str(ROOT / "tests/cases/products.csv"))
    ap.add_argument("--out", default=str(ROOT / "bench/results/products.md"))
    ap.add_argument("--show-errors", action="store_true", help="print misclassified rows")
    ap.add_argument(
        "--ids",
        default="",
        help="only rows whose id starts with this prefix (e.g. Q: the batch added on "
        "2026-11-27, held out from the lexicon changes made that day)",
    )
    args = ap.parse_args()
    with open(args.cases, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["id"].startswith(args.ids)]
    langs = Counter(r["lang"] for r in rows)
    t0 = time.perf_counter()
    sections = []
    for mode, label in (
        ("text", "product text only (lexicon)"),
        ("hs", "HS code only"),
        ("both", "text and HS code"),
    ):
        sections.append(f"### {label}\n")
        sections.extend(table(evaluate(rows, mode)))
        sections.append("")
    for mode, label in (("text", "product text only"), ("both", "text and HS code")):
        sections.append(f"### {label}, `strong` matches only\n")
        sections.extend(table(evaluate(rows, mode, strong_only=True)))
        sections.append("")
    elapsed = time.perf_counter() - t0
    sections.append(
        "Throughput: `python bench/bench_products_rules.py` (section below, when present)."
    )
    if args.show_errors:
        index = build_product_index(load_bundled(), load_regimes().designations())
        for n, row in enumerate(rows, start=1):
            got = {
                h.sector
                for h in sectors_of(
                    index, Record(row=n, id=row["id"], product=row["product"])
                ).sectors
            }
            want = {s for s in row["expected_sectors"].split(";") if s}
            if got != want:
                print(row["id"], row["product"][:80], "got", sorted(got), "want", sorted(want))
    cmd = "python bench/products_lexicon.py" + (f" --ids {args.ids}" if args.ids else "")
    heading = "## Products: sector classification on the labelled case set" + (
        f" (ids {args.ids}*)" if args.ids else ""
    )
    text = "\n".join(
        [
            heading,
            "",
            f"Case set: `tests/cases/products.csv`, {len(rows)} real product descriptions "
            f"({langs.get('en', 0)} English, {langs.get('zh', 0)} Chinese) from CBP rulings, "
            "tariff and declaration listings, each with its public source. Algorithm: "
            f"{ALGORITHM}. A sector counts as found when any match (strong or possible) names it."
            + (f" Rows: ids starting with `{args.ids}`." if args.ids else ""),
            "",
            f"Machine: {_machine()}. Command: `{cmd}` (run from the repository root with the "
            f"package installed). Wall time for the five accuracy passes: {elapsed:.2f} s.",
            "",
            *sections,
            "",
        ]
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    parts = _sections(out.read_text(encoding="utf-8") if out.exists() else "")
    parts[heading] = text.rstrip("\n") + "\n"  # replace this section, keep the others
    out.write_text("\n".join(parts.values()), encoding="utf-8")
    sys.stdout.write(text)


def _sections(md: str) -> dict[str, str]:
    """``## `` heading line -> section text, in file order."""
    out: dict[str, str] = {}
    current = None
    for line in md.splitlines(keepends=True):
        if line.startswith("## "):
            current = line.rstrip("\n")
            out[current] = ""
        if current is not None:
            out[current] += line
    return out


if __name__ == "__main__":
    main()
