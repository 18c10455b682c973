"""Throughput of ``products.classify`` and ``rules.evaluate`` + ``risk_of`` (one core).

Workload: the labelled product descriptions of ``tests/cases/products.csv`` (with their HS
codes) crossed with four record countries (CN, VN, US, none) and an evaluation date of
2026-01-15. Two product-text mixes are timed:

* ``unique``: every record's text is made unique (a row number is appended), so the
  per-text cache never hits -- the cost of the lexicon itself;
* ``repeated``: the descriptions recur, as they do in a customs or supplier file (the same
  SKU on many lines) -- the cost with the per-text cache warm.

``evaluate`` + ``risk_of`` run on the findings ``classify`` produced, with a Xinjiang region
finding added to every 20th record and a UFLPA Entity List match to every 50th (most records
have few findings), and again with every finding made distinct so that the per-finding memo
never hits. Times are CPU time of this process (``time.process_time``), because the
machine may be shared.

Usage: python bench/bench_products_rules.py [--records N] [--out MD] [--no-write]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from laborlens.core import rules
from laborlens.core.lists import load_bundled
from laborlens.core.model import Finding, Record
from laborlens.core.products import build_product_index, classify

sys.path.insert(0, str(Path(__file__).resolve().parent))
from products_lexicon import _machine  # one machine description for both product benchmarks

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Products and rules: throughput"
DAY = date(2026, 1, 15)
COUNTRIES = ("CN", "VN", "US", None)
XJ = Finding(kind="region", region="CN-XJ", label="Xinjiang", score=0.95, why="bench")
ENTITY = Finding(
    kind="listed_entity",
    list="us_uflpa_entity_list",
    entry_id="bench",
    entry_name="Bench Co.",
    match="strong",
    score=0.97,
    effective_date=date(2023, 6, 9),
    why="bench",
)


def _records(rows: list[dict[str, str]], n: int, unique: bool) -> list[tuple[Record, str | None]]:
    out = []
    for i in range(n):
        row = rows[i % len(rows)]
        text = f"{row['product']} #{i}" if unique else row["product"]
        rec = Record(row=i + 1, id=str(i), product=text, hs_code=row["hs_code"])
        out.append((rec, COUNTRIES[i % len(COUNTRIES)]))
    return out


def run(n: int) -> tuple[list[str], dict[str, float]]:
    with open(ROOT / "tests/cases/products.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    lists = load_bundled()
    t0 = time.process_time()
    index = build_product_index(lists, rules.load_regimes().designations())
    build = time.process_time() - t0
    regimes = rules.load_regimes()
    rates: dict[str, float] = {}
    results = []
    for label, unique in (("unique", True), ("repeated", False)):
        recs = _records(rows, n, unique)
        t0 = time.process_time()
        res = [classify(index, r, c, DAY) for r, c in recs]
        rates[f"classify_{label}"] = n / max(time.process_time() - t0, 1e-9)
        results = [(r.findings, c) for r, (_, c) in zip(res, recs, strict=True)]
    batches = []
    for i, (fs, c) in enumerate(results):
        extra: tuple[Finding, ...] = ()
        if i % 20 == 0:
            extra += (XJ,)
        if i % 50 == 0:
            extra += (ENTITY,)
        batches.append((fs + extra, c))
    t0 = time.process_time()
    with_findings = 0
    for fs, c in batches:
        outcomes = rules.evaluate(regimes, fs, country=c, as_of=DAY)
        rules.risk_of(outcomes, fs, regimes)
        with_findings += bool(fs)
    rates["evaluate_risk"] = n / max(time.process_time() - t0, 1e-9)
    # the same, with every finding made distinct (the per-finding memo never hits)
    distinct = [
        (tuple(replace(f, why=f"{f.why} #{i}") for f in fs), c) for i, (fs, c) in enumerate(batches)
    ]
    t0 = time.process_time()
    for fs, c in distinct:
        outcomes = rules.evaluate(regimes, fs, country=c, as_of=DAY)
        rules.risk_of(outcomes, fs, regimes)
    rates["evaluate_risk_distinct"] = n / max(time.process_time() - t0, 1e-9)
    t0 = time.process_time()
    for _ in range(n):
        outcomes = rules.evaluate(regimes, (), country="US", as_of=DAY)
        rules.risk_of(outcomes, (), regimes)
    rates["evaluate_risk_empty"] = n / max(time.process_time() - t0, 1e-9)
    lines = [
        f"- `build_product_index`: {build:.2f} s CPU (once per process)",
        f"- `classify`, unique texts (text cache cold): {rates['classify_unique']:,.0f} records/s",
        f"- `classify`, repeated texts (text cache warm): "
        f"{rates['classify_repeated']:,.0f} records/s",
        f"- `rules.evaluate` + `risk_of` on those findings ({with_findings:,} of {n:,} records "
        f"with findings): {rates['evaluate_risk']:,.0f} records/s",
        f"- the same with every finding distinct (per-finding memo cold): "
        f"{rates['evaluate_risk_distinct']:,.0f} records/s",
        f"- `rules.evaluate` + `risk_of`, no findings: {rates['evaluate_risk_empty']:,.0f} "
        "records/s",
    ]
    return lines, rates


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--records", type=int, default=20_000)
    ap.add_argument("--out", default=str(ROOT / "bench/results/products.md"))
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args()
    lines, _ = run(args.records)
    cmd = f"python bench/bench_products_rules.py --records {args.records}"
    section = "\n".join(
        [
            SECTION,
            "",
            f"Machine: {_machine()}. Command: `{cmd}` (from the repository root). CPU time "
            f"(`time.process_time`), {args.records:,} records per measurement, one core; "
            "workload in the script's docstring.",
            "",
            *lines,
            "",
        ]
    )
    sys.stdout.write(section)
    if args.no_write:
        return
    out = Path(args.out)
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    head, sep, tail = old.partition(SECTION)
    if sep:  # replace our section, keep the others
        nxt = tail.find("\n## ")
        old = head + (tail[nxt + 1 :] if nxt >= 0 else "")
    out.write_text(old.rstrip("\n") + "\n\n" + section if old.strip() else section, "utf-8")


if __name__ == "__main__":
    main()
