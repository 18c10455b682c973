"""Recall of listed parties from the names users meet: Chinese names, tickers, former names.

Usage: python bench/bench_kb.py [--cases tests/cases/names_listed.csv] [--as-of 2026-07-09]
                                 [--out bench/results/kb.md]

Reads the labelled set (columns ``category, query, expected_list, expected_name, label, source,
split``; one source per row, built independently of the knowledge base) and screens each query as
a record's name against the bundled lists with the knowledge base. A positive (label 1) is found
when a finding points at the expected entry: a ``listed_entity`` finding (strong or possible), or
for the ``parent_group`` category a ``related_party`` finding. Negatives (label 0: confusable
unlisted companies) count the records with a ``strong`` listed-entity hit on any forced-labour
list (UFLPA, CBP, BIS). Dev and test parts are reported separately.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from laborlens.core.lists import load_bundled
from laborlens.core.model import ListEntry, Record
from laborlens.core.screen import ScreeningIndex, screen_record
from laborlens.core.sources import name_key
from laborlens.core.sources.uflpa import parse_cell

ROOT = Path(__file__).resolve().parents[1]
FORCED_LABOUR = ("us_uflpa_entity_list", "us_cbp_wro_findings", "us_bis_entity_list")


def _names(e: ListEntry) -> set[str]:
    out = {name_key(n) for n in e.names()}
    if (v := e.prop("entity_as_listed")) is not None:
        out.add(name_key(v))
    for cell in (e.prop("names_as_published") or "").split(" | "):
        if cell:
            out |= {name_key(cell), name_key(parse_cell(cell).name)}
    return out


def _expected(lists: Any) -> dict[tuple[str, str], set[str]]:
    """(list id, name key) -> entry ids bearing that name."""
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rl in lists.lists:
        for e in rl.entries:
            for k in _names(e):
                out[(e.list_id, k)].add(e.entry_id)
    return out


def evaluate(cases: Path, day: date) -> tuple[list[dict[str, Any]], int]:
    lists = load_bundled()
    index = ScreeningIndex.build(lists)
    expected = _expected(lists)
    rows = list(csv.DictReader(cases.open(encoding="utf-8")))
    out = []
    unresolved = 0
    for n, r in enumerate(rows, start=1):
        rec = Record(row=n, id=str(n), name=r["query"])
        findings = screen_record(rec, index, day).findings
        item: dict[str, Any] = dict(r)
        if r["label"] == "1":
            targets = expected.get((r["expected_list"], name_key(r["expected_name"])), set())
            unresolved += not targets
            kinds = {"listed_entity"} | (
                {"related_party"} if r["category"] == "parent_group" else set()
            )
            hits = [
                f
                for f in findings
                if f.list == r["expected_list"] and f.entry_id in targets and f.kind in kinds
            ]
            item["found"] = bool(hits)
            item["strong"] = any(f.kind == "listed_entity" and f.match == "strong" for f in hits)
            item["resolved"] = bool(targets)
        else:
            item["strong_hit"] = any(
                f.kind == "listed_entity" and f.match == "strong" and f.list in FORCED_LABOUR
                for f in findings
            )
            item["any_hit"] = any(f.list in FORCED_LABOUR for f in findings)
        out.append(item)
    return out, unresolved


def _table(items: list[dict[str, Any]], split: str) -> list[str]:
    part = [i for i in items if i.get("split", "test") == split]
    if not part:
        return [f"No {split} rows."]
    lines = [
        f"**{split}** ({len(part)} rows)",
        "",
        "| category | pairs | found (listed or, for parent_group, related) | strong listed |",
        "|---|---|---|---|",
    ]
    by_cat: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for i in part:
        if i["label"] == "1":
            by_cat[i["category"]].append(i)
    total = found = strong = 0
    for cat in sorted(by_cat):
        xs = by_cat[cat]
        f = sum(x["found"] for x in xs)
        s = sum(x["strong"] for x in xs)
        total, found, strong = total + len(xs), found + f, strong + s
        lines.append(f"| {cat} | {len(xs)} | {f} ({f / len(xs):.2f}) | {s} ({s / len(xs):.2f}) |")
    if total:
        lines.append(
            f"| **all positives** | {total} | {found} (**{found / total:.3f}**) | "
            f"{strong} ({strong / total:.3f}) |"
        )
    neg = [i for i in part if i["label"] == "0"]
    if neg:
        sh = sum(i["strong_hit"] for i in neg)
        ah = sum(i["any_hit"] for i in neg)
        lines += [
            "",
            f"Negatives (confusable unlisted companies): {len(neg)}; with a `strong` "
            f"listed-entity hit: **{sh}**; with any finding on a forced-labour list: {ah}.",
        ]
    return lines


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cases", type=Path, default=ROOT / "tests" / "cases" / "names_listed.csv")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 7, 9))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "kb.md")
    parser.add_argument("--misses", action="store_true", help="also list the missed positives")
    args = parser.parse_args(argv)
    if not args.cases.is_file():
        print(f"bench_kb: no case file {args.cases}", file=sys.stderr)
        return 2
    items, unresolved = evaluate(args.cases, args.as_of)
    load = os.getloadavg()
    lines = [
        "## Knowledge base: listed parties from Chinese names, tickers and former names",
        "",
        f"Command: `python bench/bench_kb.py --as-of {args.as_of}`",
        "",
        f"Case set `{_shown(args.cases)}`"
        f" ({len(items)} rows); screened as a record's name against the bundled lists and the "
        f"knowledge base as of {args.as_of}. {unresolved} positive row(s) name an entry not on "
        "the bundled list (counted as missed).",
        "",
        f"- Python {platform.python_version()}; load average {load[0]:.1f} (quality figures do "
        "not depend on it)",
        "",
    ]
    for split in ("dev", "test"):
        lines += [*_table(items, split), ""]
    if args.misses:
        lines += ["Missed positives:", ""]
        lines += [
            f"- {i['split']} {i['category']}: `{i['query']}` -> {i['expected_name']}"
            for i in items
            if i["label"] == "1" and not i["found"]
        ]
        lines += ["", "Negatives with a strong hit:", ""]
        lines += [f"- `{i['query']}`" for i in items if i["label"] == "0" and i["strong_hit"]]
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
