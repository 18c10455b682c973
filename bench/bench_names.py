"""Names benchmark: names-v1 case files and screening speed, names-v2 vs nomenklatura.

(The names-v2 case sets - cross-script, listed parties, background - are in bench_names_cases.py.)

Usage (from the repository root):

    python bench/bench_names.py                    # 100,000 names, write bench/results/names.md
    python bench/bench_names.py --names 20000 --no-write
    python bench/bench_names.py --no-compare       # laborlens only

What it measures, on one core (a single process):

* index build time (CPU and wall) over every bundled list and the index's memory (growth of
  the traced Python heap while building, and the pickled size shipped to worker processes);
* quality on the labelled case set (tests/cases/names*.csv): precision and recall per category,
  a pair counting as a match in the ``strong`` or ``possible`` band (laborlens) or at a score of
  0.7 or more (nomenklatura ``logic-v1`` and ``name-based``, the OpenSanctions matchers);
* screening speed: ``match_names`` over N generated names (seeded; Chinese, pinyin and English
  company names, Western company and person names, about 1 % listed names with variants);
  names/s = N / CPU seconds. nomenklatura has no candidate generation of its own, so its speed
  is measured by scoring the *same candidates* laborlens' blocking yields for a sample of the
  names (``--compare-sample``), reported as names/s for that scoring alone.

The optional comparison needs ``pip install nomenklatura``; without it the script says so and
reports laborlens alone. CPU time is reported besides wall time because the machine may be
shared: wall-clock figures under load understate single-core speed.
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import pickle
import platform
import random
import subprocess
import sys
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "names.md"
CASES = ROOT / "tests" / "cases"
# The names-v1 pair files (query, reference). names_listed.csv and names_crossscript.csv have
# another schema (expected_list, expected_name, split) and their own evaluation.
V1_CASE_FILES = ("names.csv", "names_lists.csv")
THRESHOLD_NK = 0.7

_REGIONS = [
    "Xinjiang",
    "Shanghai",
    "Jiangsu",
    "Zhejiang",
    "Ningbo",
    "Shenzhen",
    "Guangdong",
    "Hebei",
    "Tianjin",
    "Dalian",
    "Qingdao",
    "Xiamen",
    "Yiwu",
    "Suzhou",
    "",
]
_SYL = [
    "hua",
    "zhong",
    "tian",
    "xin",
    "jin",
    "long",
    "sheng",
    "da",
    "hong",
    "fu",
    "yuan",
    "tai",
    "an",
    "kang",
    "ming",
    "rui",
    "bao",
    "heng",
    "wei",
    "li",
    "feng",
    "guang",
    "hai",
    "de",
]
_IND = [
    "Textile",
    "New Energy",
    "Trading",
    "Electronics",
    "Chemical",
    "Garment",
    "Food",
    "Machinery",
    "Technology",
    "Import and Export",
    "Solar",
    "Apparel",
    "Steel",
    "Industrial",
    "Plastic Products",
    "Packaging",
    "",
]
_LEGAL = ["Co., Ltd.", "Company Limited", "Group Co., Ltd.", "Inc.", "LLC", "Corp.", ""]
_HAN_REG = ["新疆", "上海", "江苏", "浙江", "宁波", "深圳", "广东", "河北", "天津", "厦门", ""]
_HAN_CORE = [
    "华",
    "中",
    "天",
    "新",
    "金",
    "龙",
    "盛",
    "大",
    "宏",
    "富",
    "源",
    "泰",
    "安",
    "康",
    "明",
    "瑞",
    "宝",
    "恒",
    "伟",
    "利",
]
_HAN_IND = ["纺织", "新能源", "贸易", "电子", "化工", "服饰", "食品", "机械", "科技", "进出口", ""]
_HAN_LEGAL = ["有限公司", "股份有限公司", "集团有限公司"]
_WEST = [
    "Global",
    "Pacific",
    "Atlantic",
    "Summit",
    "Northern",
    "Blue",
    "Green",
    "Star",
    "United",
    "Prime",
    "Delta",
    "Apex",
    "Royal",
    "Golden",
    "Silver",
    "Ocean",
]
_WEST2 = [
    "Logistics",
    "Retail",
    "Apparel",
    "Foods",
    "Components",
    "Distribution",
    "Imports",
    "Supply",
    "Holdings",
    "Partners",
    "Sourcing",
    "Textiles",
]
_FIRST = ["John", "Maria", "Ahmed", "Wei", "Li", "Olga", "Carlos", "Fatima", "Ivan", "Chen"]
_LAST = ["Smith", "Garcia", "Khan", "Zhang", "Wang", "Petrov", "Lopez", "Ali", "Novak", "Liu"]


def generate_names(n: int, listed: list[str], seed: int = 7) -> list[str]:
    """A deterministic mix of realistic supplier names."""
    rnd = random.Random(seed)
    out: list[str] = []
    for _ in range(n):
        x = rnd.random()
        if x < 0.01 and listed:
            name = rnd.choice(listed)
            if rnd.random() < 0.5:
                name = name.upper().replace(",", "").replace(".", "")
        elif x < 0.55:
            core = (rnd.choice(_SYL) + rnd.choice(_SYL)).title()
            name = f"{rnd.choice(_REGIONS)} {core} {rnd.choice(_IND)} {rnd.choice(_LEGAL)}"
        elif x < 0.75:
            core = rnd.choice(_HAN_CORE) + rnd.choice(_HAN_CORE)
            name = rnd.choice(_HAN_REG) + core + rnd.choice(_HAN_IND) + rnd.choice(_HAN_LEGAL)
        elif x < 0.92:
            name = f"{rnd.choice(_WEST)} {rnd.choice(_WEST2)} {rnd.choice(_LEGAL)}"
        else:
            name = f"{rnd.choice(_FIRST)} {rnd.choice(_LAST)}"
        out.append(" ".join(name.split()))
    return out


def generate_persons(generated: list[str]) -> list[str]:
    """The generated names that are person names (first name + last name)."""
    first, last = set(_FIRST), set(_LAST)
    return [
        n
        for n in generated
        if len(n.split()) == 2 and n.split()[0] in first and n.split()[1] in last
    ]


def load_cases() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in (CASES / name for name in V1_CASE_FILES):
        with path.open(encoding="utf-8", newline="") as fh:
            rows.extend(csv.DictReader(fh))
    return rows


def category(row: dict[str, str]) -> str:
    if row.get("linkable") == "no":
        return row["category"] + " (not linkable)"
    return row["category"]


def quality(rows: list[dict[str, str]], is_match: Callable[[str, str], bool]) -> dict[str, Any]:
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        got = is_match(r["query"], r["reference"])
        c = per[category(r)]
        if r["label"] == "1":
            c["tp" if got else "fn"] += 1
        else:
            c["fp" if got else "tn"] += 1
    return per


def fmt_cell(c: dict[str, int]) -> str:
    """Recall for a category of positive pairs; false matches for hard negatives."""
    tp, fn, fp, tn = c.get("tp", 0), c.get("fn", 0), c.get("fp", 0), c.get("tn", 0)
    if tp + fn:
        return f"recall {tp / (tp + fn):.2f}"
    return f"{fp} of {fp + tn} matched"


def aggregate(per: dict[str, dict[str, int]], cats: set[str]) -> str:
    tp = sum(per[c].get("tp", 0) for c in cats)
    fn = sum(per[c].get("fn", 0) for c in cats)
    fp = sum(per[c].get("fp", 0) for c in cats)
    prec = f"{tp / (tp + fp):.3f}" if tp + fp else "–"
    rec = f"{tp / (tp + fn):.3f}" if tp + fn else "–"
    return f"P {prec} / R {rec}"


LATIN = {"alias", "latin_exact", "legal_form", "word_order", "typo_ocr", "hard_negative"}
HAN = {"han_latin", "pinyin_english"}


def machine() -> str:
    def run(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return "?"

    mem = run(["free", "-g"]).splitlines()
    load = os.getloadavg()
    return (
        f"- CPU: {run(['nproc'])} cores ({platform.processor() or platform.machine()}); "
        f"memory: {mem[1].split()[1] if len(mem) > 1 else '?'} GB (free -g)\n"
        f"- Python {platform.python_version()} on {platform.system()} {platform.release()}\n"
        f"- load average at the end of the run: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
        "(wall-clock figures suffer when the load exceeds the cores; CPU time is the better "
        "single-core figure)"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--names", type=int, default=100_000)
    ap.add_argument("--compare-sample", type=int, default=3_000)
    ap.add_argument("--noise-names", type=int, default=20_000)
    ap.add_argument("--no-compare", action="store_true")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    command = "python bench/bench_names.py " + " ".join(sys.argv[1:])

    from laborlens.core import names
    from laborlens.core.lists import load_bundled
    from laborlens.core.model import Record

    lists = load_bundled()
    infos = {rl.info.list_id: rl.info for rl in lists.lists}
    entries = list(lists.entities())
    names.load_lexicon()  # imports and first-use costs out of the timed build
    c0, w0 = time.process_time(), time.perf_counter()
    index = names.build_name_index(entries, infos)
    build_cpu, build_wall = time.process_time() - c0, time.perf_counter() - w0
    tracemalloc.start()
    names.build_name_index(entries, infos)
    index_heap = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    pickled = len(pickle.dumps(index))
    print(
        f"index: {len(index.refs)} names of {len(index.entries)} entries; "
        f"build {build_cpu:.2f} s CPU / {build_wall:.2f} s wall; heap {index_heap / 1e6:.0f} MB"
    )

    rows = load_cases()

    def ll_match(a: str, b: str) -> bool:
        return names.band(names.compare_names(index, a, b).score) is not None

    results: dict[str, dict[str, Any]] = {"laborlens names-v2": quality(rows, ll_match)}

    listed = [e.name for e in entries if e.list_id != "us_ofac_sdn"] + [
        e.name for e in entries[:: max(1, len(entries) // 300)]
    ]
    queries = generate_names(args.names, listed)
    as_of = date(2026, 6, 1)
    records = [Record(i + 1, str(i + 1), name=q) for i, q in enumerate(queries)]
    # nothing cached from the quality run: each distinct name is analysed and scored once
    names.clear_caches()
    # as the program does once its index is built (ops.index_for, the local engine): keep the
    # large immutable index out of the garbage collector's scans
    gc.collect()
    gc.freeze()
    c0, w0 = time.process_time(), time.perf_counter()
    hits = 0
    for rec in records:
        hits += bool(names.match_names(index, rec, as_of))
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    unique = len(set(queries))
    print(
        f"laborlens: {args.names} names ({unique} distinct) in {cpu:.1f} s CPU / {wall:.1f} s "
        f"wall = {args.names / cpu:,.0f} names/s (CPU); {hits} records with findings"
    )
    # noise: findings on names that are not listed (generated names with no listed name mixed
    # in, and the real manufacturers of the case set's hard negatives), screened against all lists
    records_clean = generate_names(args.noise_names, [], seed=11)
    clean = list(dict.fromkeys(records_clean))
    persons = set(generate_persons(records_clean))
    real = sorted(
        {r["query"] for r in rows if r.get("note", "").startswith("real non-listed manufacturer")}
    )

    def lead(text: str) -> str | None:
        found = names.match_names(index, Record(1, "1", name=text), as_of)
        bands = {f.match for f in found if f.kind == "listed_entity"}
        if "strong" in bands:
            return "strong"
        if bands:
            return "possible"
        return "related" if found else None

    def noise(texts: list[str], leads: dict[str, str | None]) -> tuple[int, int, int]:
        got = [leads[t] for t in texts]
        return got.count("possible"), got.count("strong"), got.count("related")

    leads = {t: lead(t) for t in clean + real}
    companies = [t for t in records_clean if t not in persons]
    noise_sets = (
        ("generated supplier names, no listed name mixed in (seed 11): distinct", clean),
        ("the same, every record (repeats counted)", records_clean),
        ("the same, company names only (no person names), every record", companies),
        ("real non-listed manufacturers (CN/VN/BD/TR rows of `names.csv`)", real),
    )
    noise_rows = "\n".join(
        f"| {label} | {len(texts):,} | {p} ({p / max(1, len(texts)):.2%}) | {st} | {rel} |"
        for label, texts in noise_sets
        for p, st, rel in [noise(texts, leads)]
    )
    print(noise_rows)
    speeds: dict[str, str] = {
        "laborlens names-v2": f"{args.names / cpu:,.0f} (wall {args.names / wall:,.0f})"
    }

    nk_note = ""
    if not args.no_compare:
        try:
            from followthemoney import model
            from nomenklatura.matching import get_algorithm
            from nomenklatura.matching.types import ScoringConfig
        except ImportError:
            nk_note = (
                "nomenklatura is not installed (`pip install nomenklatura`): comparison skipped."
            )
            print(nk_note)
        else:
            cfg = ScoringConfig.defaults()
            cache: dict[tuple[str, str], Any] = {}

            def entity(name: str, schema: str = "LegalEntity") -> Any:
                key = (schema, name)
                if key not in cache:
                    e = model.make_entity(schema)
                    e.id = f"e{len(cache)}"
                    e.add("name", name)
                    cache[key] = e
                return cache[key]

            ref_entities = [entity(r.name, "LegalEntity") for r in index.refs]
            sample = queries[: args.compare_sample]
            cands: list[list[int]] = []
            for q in sample:
                qa = names.analyse(q, index.lexicon)
                if not qa.distinctive:
                    cands.append([])
                    continue
                cands.append(
                    names.candidates(index, qa, index.query_weights(qa), names.MatchConfig())
                )
            n_pairs = sum(len(c) for c in cands)
            for algo in ("logic-v1", "name-based"):
                alg = get_algorithm(algo)
                assert alg is not None

                def nk_match(a: str, b: str, alg: Any = alg) -> bool:
                    return bool(alg.compare(entity(a), entity(b), cfg).score >= THRESHOLD_NK)

                results[f"nomenklatura {algo}"] = quality(rows, nk_match)
                c0 = time.process_time()
                for q, cs in zip(sample, cands, strict=True):
                    qe = entity(q)
                    for ri in cs:
                        alg.compare(qe, ref_entities[ri], cfg)
                nk_cpu = time.process_time() - c0
                speeds[f"nomenklatura {algo}"] = (
                    f"{len(sample) / nk_cpu:,.0f} (scoring only, on laborlens' candidates: "
                    f"{n_pairs / len(sample):.1f} pairs per name, {len(sample)} names)"
                )
                print(f"{algo}: {speeds[f'nomenklatura {algo}']}")

    cats = sorted({category(r) for r in rows})
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[category(r)] += 1
    header = "| category | pairs | " + " | ".join(results) + " |"
    lines = [header, "|" + "---|" * (len(results) + 2)]
    for c in cats:
        lines.append(
            f"| {c} | {counts[c]} | "
            + " | ".join(fmt_cell(res[c]) for res in results.values())
            + " |"
        )
    lines.append(
        f"| **Latin pairs** (alias … typo_ocr + hard negatives) | "
        f"{sum(counts[c] for c in LATIN)} | "
        + " | ".join(aggregate(res, LATIN) for res in results.values())
        + " |"
    )
    lines.append(
        f"| **Han↔Latin, linkable** | {sum(counts[c] for c in HAN)} | "
        + " | ".join(aggregate(res, HAN) for res in results.values())
        + " |"
    )
    hard = {k: v["hard_negative"].get("fp", 0) for k, v in results.items()}
    strong_hard = sum(
        1
        for r in rows
        if r["category"] == "hard_negative"
        and names.band(names.compare_names(index, r["query"], r["reference"]).score) == "strong"
    )
    # list-level: does screening (blocking + comparison) find the very entry a pair came from?
    block_total = block_found = 0
    for r in rows:
        if r["label"] != "1" or " entry " not in r["source"] or "OFAC" not in r["source"]:
            continue
        entry_id = r["source"].rsplit(" entry ", 1)[1].strip()
        block_total += 1
        got = names.match_names(index, Record(1, "1", name=r["query"]), as_of)
        block_found += any(f.entry_id == entry_id for f in got)
    table = "\n".join(lines)
    speed_lines = "\n".join(f"| {k} | {v} |" for k, v in speeds.items())
    section = f"""## Names: cross-script entity matching, speed and the names-v1 case files

Command: `{command}`

{machine()}

**Index** over all bundled lists: {len(index.refs):,} names of {len(index.entries):,} party
entries; built in {build_cpu:.2f} s CPU ({build_wall:.2f} s wall); Python heap grown by
{index_heap / 1e6:.0f} MB while building (pickled for workers: {pickled / 1e6:.1f} MB).

**Quality** on the labelled case set (`tests/cases/names*.csv`, {len(rows)} pairs; recall per
category of positive pairs, false matches for hard negatives, precision (P) / recall (R) for the
aggregates; a match is laborlens `strong` or `possible`, nomenklatura score ≥ {THRESHOLD_NK}).
"not linkable" rows are Han names whose English name is a brand that neither
pinyin nor the lexicon renders (Hoshine for 合盛, Camel for 骆驼): reported, not targeted.

{table}

Hard negatives judged a match (any band): {", ".join(f"{k}: {v}" for k, v in hard.items())};
laborlens `strong` on hard negatives: {strong_hard}. Screening against all bundled lists (candidate
generation + comparison) finds the very OFAC entry of {block_found} of {block_total} positive
list-derived pairs ({block_found / max(1, block_total):.1%}).

**Speed** (one process, one core; names/s by CPU time, wall in brackets):
{args.names:,} generated names ({unique:,} distinct), {hits:,} records with findings.

| matcher | names/s |
|---|---|
{speed_lines}

{nk_note}

**Noise** (false leads on names that are not listed, screened against all bundled lists;
possible = a record whose best listed-entity finding is `possible`):

| set | names | possible only | strong | related party |
|---|---|---|---|---|
{noise_rows}
"""
    print(section)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(section, encoding="utf-8")
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
