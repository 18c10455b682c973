"""Names-v2 evaluation on the cross-script, listed-party and background case sets.

Usage (from the repository root):

    python bench/bench_names_cases.py                 # dev parts only, writes names_v2_dev.md
    python bench/bench_names_cases.py --test          # also the test parts (milestones only):
                                                      # appends the run to names_v2_test_runs.md
    python bench/bench_names_cases.py --no-background --no-compare --no-write

What it measures (laborlens screening; a hit is a ``strong`` or ``possible`` ``listed_entity``
finding naming the expected entry, or for ``parent_group`` rows also a ``related_party``):

* ``tests/cases/names_crossscript.csv``: per split, a watchlist (a user list) holds every
  distinct ``expected_name`` of the split; each ``query`` is screened against it; recall per
  category, and how often the expected entry came out ``strong``;
* ``tests/cases/names_listed.csv`` (all test): screened against every bundled list; recall per
  category; for the ``negative`` rows the number with a ``strong`` hit on any entry (target 0);
* ``bench/data/names_background.csv``: every name screened against every bundled list;
  ``strong`` and ``possible`` records per 1,000 (target 0 and ≤ 1), and screening speed;
* nomenklatura (``logic-v1``, ``name-based``; optional) on the same rows, pair by pair: the query
  against its expected name (no screening: a pair counts when the score is ≥ 0.7) — easier than
  screening a whole watchlist, so an upper bound for it.

The test parts were fixed before names-v2 was tuned; tune on dev only, run ``--test`` at
milestones, and keep every test run's figures (the script appends them).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases"
RESULTS = ROOT / "bench" / "results"
BACKGROUND = ROOT / "bench" / "data" / "names_background.csv"
AS_OF = date(2026, 7, 1)
THRESHOLD_NK = 0.7


@dataclass
class Tally:
    """Per-category counts: rows, hits (strong+possible), strong hits, misses kept as examples."""

    rows: int = 0
    hits: int = 0
    strong: int = 0
    misses: list[tuple[str, str]] = field(default_factory=list)

    def add(self, hit: bool, strong: bool, row: dict[str, str]) -> None:
        self.rows += 1
        self.hits += hit
        self.strong += strong
        if not hit and len(self.misses) < 8:
            self.misses.append((row["query"], row["expected_name"]))

    def recall(self) -> str:
        return f"{self.hits / self.rows:.3f}" if self.rows else "–"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _watchlist_index(names_: Iterable[str]) -> Any:
    from laborlens.core import names
    from laborlens.core.model import ListEntry, ListInfo

    entries = [ListEntry("eval_watchlist", f"w{i}", n) for i, n in enumerate(sorted(set(names_)))]
    info = ListInfo(
        "eval_watchlist",
        "evaluation watchlist",
        "bench",
        "1",
        AS_OF,
        len(entries),
        1,
        "0" * 64,
        True,
        user=True,
    )
    return names.build_name_index(entries, {"eval_watchlist": info})


def same_entry(a: str, b: str) -> bool:
    """Entry names compared as the case files print them: case, punctuation and a trailing
    "and subsidiaries" do not matter (CBP prints it, the bundled entry may not)."""

    def norm(x: str) -> str:
        x = "".join(c for c in x.casefold() if c.isalnum())
        return x.removesuffix("andsubsidiaries").removesuffix("anditssubsidiaries")

    return norm(a) == norm(b)


def _verdict(findings: list[Any], expected: str, related_ok: bool) -> tuple[bool, bool]:
    hit = strong = False
    for f in findings:
        if not same_entry(f.entry_name, expected):
            continue
        if f.kind == "listed_entity":
            hit = True
            strong = strong or f.match == "strong"
        elif related_ok and f.kind == "related_party":
            hit = True
    return hit, strong


def eval_crossscript(split: str) -> dict[str, Tally]:
    from laborlens.core import names
    from laborlens.core.model import Record

    rows = [r for r in read_rows(CASES / "names_crossscript.csv") if r["split"] == split]
    index = _watchlist_index(r["expected_name"] for r in rows)
    names.clear_caches()
    out: dict[str, Tally] = defaultdict(Tally)
    for i, r in enumerate(rows):
        found = names.match_names(index, Record(i + 1, str(i + 1), name=r["query"]), AS_OF)
        hit, strong = _verdict(found, r["expected_name"], related_ok=False)
        out[r["category"]].add(hit, strong, r)
    return dict(out)


def bundled_index() -> Any:
    from laborlens.core import names
    from laborlens.core.lists import load_bundled

    lists = load_bundled()
    infos = {rl.info.list_id: rl.info for rl in lists.lists}
    return names.build_name_index(lists.entities(), infos)


def eval_listed(index: Any) -> tuple[dict[str, Tally], list[str]]:
    """Recall per category of names_listed.csv; the negatives' strong hits (any entry)."""
    from laborlens.core import names
    from laborlens.core.model import Record

    names.clear_caches()
    out: dict[str, Tally] = defaultdict(Tally)
    strong_neg: list[str] = []
    for i, r in enumerate(read_rows(CASES / "names_listed.csv")):
        found = names.match_names(index, Record(i + 1, str(i + 1), name=r["query"]), AS_OF)
        if r["label"] == "0":
            st = [f for f in found if f.kind == "listed_entity" and f.match == "strong"]
            out["negative"].add(not st, False, r)
            strong_neg += [f"{r['query']} → {f.entry_name}" for f in st]
            continue
        hit, strong = _verdict(found, r["expected_name"], r["category"] == "parent_group")
        out[r["category"]].add(hit, strong, r)
    return dict(out), strong_neg


def eval_listed_screening() -> dict[str, Tally]:
    """names_listed.csv through the whole ``screen`` pipeline: the name matcher plus the
    knowledge base of listed parties (Chinese names, former names, tickers, parents)."""
    from laborlens.core.lists import load_bundled
    from laborlens.core.model import Record
    from laborlens.core.screen import ScreeningIndex, screen_batch

    index = ScreeningIndex.build(load_bundled())
    rows = read_rows(CASES / "names_listed.csv")
    records = [Record(i + 1, str(i + 1), name=r["query"]) for i, r in enumerate(rows)]
    out: dict[str, Tally] = defaultdict(Tally)
    for r, res in zip(rows, screen_batch(records, index, AS_OF), strict=True):
        found = [f for f in res.findings if f.kind in ("listed_entity", "related_party")]
        if r["label"] == "0":
            st = [f for f in found if f.kind == "listed_entity" and f.match == "strong"]
            out["negative"].add(not st, False, r)
            continue
        hit, strong = _verdict(found, r["expected_name"], r["category"] == "parent_group")
        out[r["category"]].add(hit, strong, r)
    return dict(out)


def eval_background(index: Any) -> dict[str, Any]:
    from laborlens.core import names
    from laborlens.core.model import Record

    texts = [r["name"] for r in read_rows(BACKGROUND)]
    names.clear_caches()
    strong: list[str] = []
    possible: list[str] = []
    halves = [[0, 0], [0, 0]]  # (strong, possible) for even rows (looked at) / odd rows
    c0 = time.process_time()
    for i, t in enumerate(texts):
        found = names.match_names(index, Record(i + 1, str(i + 1), name=t), AS_OF)
        bands = {f.match for f in found if f.kind == "listed_entity"}
        best = next((f for f in found if f.kind == "listed_entity"), None)
        if "strong" in bands and best is not None:
            halves[i % 2][0] += 1
            if i % 2 == 0:
                strong.append(f"{t} → {best.entry_name} ({best.list})")
        elif bands and best is not None:
            halves[i % 2][1] += 1
            if i % 2 == 0:
                possible.append(
                    f"{t} → {best.entry_name} [{best.matched_name}] ({best.list}, {best.score:.2f})"
                )
    cpu = time.process_time() - c0
    return {
        "n": len(texts),
        "strong": strong,
        "possible": possible,
        "cpu": cpu,
        "halves": halves,
    }


def nomenklatura_pairs(rows: list[dict[str, str]]) -> dict[str, dict[str, Tally]] | None:
    try:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm
        from nomenklatura.matching.types import ScoringConfig
    except ImportError:
        return None
    cfg = ScoringConfig.defaults()

    def entity(name: str) -> Any:
        e = model.make_entity("LegalEntity")
        e.id = "x"
        e.add("name", name)
        return e

    out: dict[str, dict[str, Tally]] = {}
    for algo in ("logic-v1", "name-based"):
        alg = get_algorithm(algo)
        assert alg is not None
        per: dict[str, Tally] = defaultdict(Tally)
        for r in rows:
            score = alg.compare(entity(r["query"]), entity(r["expected_name"]), cfg).score
            if r["label"] == "0":
                per[r["category"]].add(score < THRESHOLD_NK, False, r)
            else:
                per[r["category"]].add(score >= THRESHOLD_NK, False, r)
        out[algo] = dict(per)
    return out


def machine() -> str:
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores; load average at the end of the run {load[0]:.1f} / "
        f"{load[1]:.1f} / {load[2]:.1f}"
    )


def table(
    title: str, ours: dict[str, Tally], nk: dict[str, dict[str, Tally]] | None, note: str = ""
) -> str:
    cols = ["laborlens names-v2 recall", "of which strong"] + [
        f"nomenklatura {a} (pairs)" for a in (nk or {})
    ]
    lines = [f"**{title}**{note}", "", "| category | rows | " + " | ".join(cols) + " |"]
    lines.append("|" + "---|" * (len(cols) + 2))
    for cat in sorted(ours):
        t = ours[cat]
        cells = [t.recall(), f"{t.strong / t.rows:.3f}" if t.rows else "–"]
        cells += [nk[a][cat].recall() if cat in nk[a] else "–" for a in (nk or {})]
        lines.append(f"| {cat} | {t.rows} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def misses(ours: dict[str, Tally]) -> str:
    out = []
    for cat in sorted(ours):
        if ours[cat].misses:
            ex = "; ".join(f"`{q}` → `{e}`" for q, e in ours[cat].misses[:4])
            out.append(f"- {cat}: {ex}")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--test", action="store_true", help="also evaluate the test parts")
    ap.add_argument("--no-background", action="store_true")
    ap.add_argument("--no-compare", action="store_true")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    command = "python bench/bench_names_cases.py " + " ".join(sys.argv[1:])
    cross_rows = read_rows(CASES / "names_crossscript.csv")
    nk: Callable[[list[dict[str, str]]], dict[str, dict[str, Tally]] | None] = (
        (lambda rows: None) if args.no_compare else nomenklatura_pairs
    )
    sections: list[str] = []
    dev = eval_crossscript("dev")
    sections.append(
        table(
            "names_crossscript.csv, dev part (watchlist screening)",
            dev,
            nk([r for r in cross_rows if r["split"] == "dev"]),
        )
    )
    sections.append("Dev misses (first per category):\n\n" + misses(dev))
    index = bundled_index()
    bg: dict[str, Any] | None = None
    if not args.no_background:
        bg = eval_background(index)
        n = bg["n"]
        (se, pe), (so, po) = bg["halves"]
        ne, no = (n + 1) // 2, n // 2
        sections.append(
            f"**Background** (`bench/data/names_background.csv`, {n:,} real unlisted names, "
            f"screened against every bundled list: {len(index.refs):,} names of "
            f"{len(index.entries):,} entries; {n / bg['cpu']:,.0f} names/s, CPU, one core, "
            "no repeats). Even rows are the half whose hits were looked at while writing the "
            "precision rules; odd rows were not looked at.\n\n"
            "| half | names | strong | per 1,000 | possible | per 1,000 |\n"
            "|---|---|---|---|---|---|\n"
            f"| even (looked at) | {ne:,} | {se} | {1000 * se / ne:.2f} | {pe} | "
            f"{1000 * pe / ne:.2f} |\n"
            f"| odd (held out) | {no:,} | {so} | {1000 * so / no:.2f} | {po} | "
            f"{1000 * po / no:.2f} |\n"
            f"| all | {n:,} | {se + so} | {1000 * (se + so) / n:.2f} | {pe + po} | "
            f"{1000 * (pe + po) / n:.2f} |\n\n"
            "Hits of the even half:\n\n"
            + "\n".join(f"- strong: {x}" for x in bg["strong"][:20])
            + ("\n" if bg["strong"] else "")
            + "\n".join(f"- possible: {x}" for x in bg["possible"][:40])
        )
    test_sections: list[str] = []
    if args.test:
        test = eval_crossscript("test")
        test_sections.append(
            table(
                "names_crossscript.csv, TEST part (watchlist screening)",
                test,
                nk([r for r in cross_rows if r["split"] == "test"]),
            )
        )
        listed, strong_neg = eval_listed(index)
        listed_rows = read_rows(CASES / "names_listed.csv")
        test_sections.append(
            table(
                "names_listed.csv, TEST (screened against every bundled list)",
                listed,
                nk(listed_rows),
                note=" — `negative`: share of rows without a strong hit",
            )
            + f"\n\nStrong hits on the {listed['negative'].rows} negatives: {len(strong_neg)}"
            + "".join(f"\n- {x}" for x in strong_neg)
        )
        test_sections.append("Test misses (first per category):\n\n" + misses(test))
        full = eval_listed_screening()
        test_sections.append(
            table(
                "names_listed.csv, TEST, whole screening pipeline (names + knowledge base)",
                full,
                None,
                note=" — `negative`: share of rows without a strong hit",
            )
            + "\n\nMisses (first per category):\n\n"
            + misses(full)
        )
        test_sections.append("names_listed misses:\n\n" + misses(listed))
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    head = f"## Names-v2 case sets\n\nCommand: `{command}` ({stamp}; {machine()})\n"
    body = head + "\n\n".join(["", *sections, *test_sections]) + "\n"
    print(body)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "names_v2.md").write_text(body, encoding="utf-8")
        if args.test:
            with (RESULTS / "names_v2_test_runs.md").open("a", encoding="utf-8") as fh:
                fh.write("\n\n" + body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
