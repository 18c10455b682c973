"""The bundled lists against the raw captures they were built from: completeness, sub-lists,
dates, CBP rows and statuses, the knowledge base's coverage, and an offline ``lists update`` of
the captured DHS page.

Usage: python bench/lists_targets.py --shared DIR [--out bench/results/lists_targets.md]

``DIR`` holds ``data/sources/`` (the captures described in its README). Every figure is computed
here from the captures and the bundled files; nothing is typed in.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

from laborlens.adapters.fetch import update
from laborlens.core import kb
from laborlens.core.lists import load_bundled
from laborlens.core.model import ListEntry
from laborlens.core.sources import name_key, uflpa

ROOT = Path(__file__).resolve().parents[1]
KB_LISTS = ("us_uflpa_entity_list", "us_cbp_wro_findings", "us_bis_entity_list")


def _uflpa(page: str, entries: tuple[ListEntry, ...]) -> list[str]:
    ents, updated, rows = uflpa.read_rows(page)
    by_key: dict[str, ListEntry] = {}
    for e in entries:
        for n in e.names():
            by_key.setdefault(name_key(n), e)
    found = sections_ok = dates_ok = earliest_ok = 0
    earliest_diff = []
    for ent in ents:
        e = by_key.get(ent.key)
        if e is None:
            continue
        found += 1
        page_sections = {uflpa.clause(s) for s, _, _, _ in ent.rows}
        sections_ok += page_sections == set(e.programs)
        page_dates = {uflpa.clause(s): d for s, d, _, _ in ent.rows}
        dates_ok += all(e.prop(f"listed_{sec}") == d.isoformat() for sec, d in page_dates.items())
        first = min(page_dates.values())
        if e.effective_date == first:
            earliest_ok += 1
        else:
            earliest_diff.append(f"{e.name}: page {first}, bundled {e.effective_date}")
    aliases = {a for ent in ents for r in ent.rows for a in (*r[2].aliases, *r[2].former)}
    kept = {name_key(n) for e in entries for n in e.names()}
    return [
        f"- DHS page (last updated {updated}): {rows} rows, {len(ents)} entities; "
        f"bundled entries: {len(entries)}",
        f"- page entities found on the bundled list by name: {found}/{len(ents)}",
        f"- same sub-list(s) (i)/(ii)/(v) as the page: {sections_ok}/{len(ents)}",
        f"- every sub-list's date equal to the page's: {dates_ok}/{len(ents)}",
        f"- earliest listing date equal to the page's earliest: {earliest_ok}/{len(ents)}; "
        "the others are restored from the revision history file (with sources): "
        + "; ".join(earliest_diff),
        f"- aliases and former names printed on the page kept as names of an entry: "
        f"{len({name_key(a) for a in aliases} & kept)}/{len({name_key(a) for a in aliases})}",
    ]


def _strong(page: str) -> list[str]:
    """Each printed name and alias screened as a record's name on the page's date."""
    from laborlens.core.model import Record
    from laborlens.core.screen import ScreeningIndex, screen_record

    lists = load_bundled()
    index = ScreeningIndex.build(lists)
    ents, _, _ = uflpa.read_rows(page)
    entries = lists.get("us_uflpa_entity_list").entries
    counts = Counter()
    misses = []
    for ent in ents:
        ids = {e.entry_id for e in entries if ent.key in {name_key(n) for n in e.names()}}
        printed = {r[2].name for r in ent.rows}
        extra = {a for r in ent.rows for a in (*r[2].aliases, *r[2].former)} - printed
        for kind, texts in (("names", printed), ("aliases", extra)):
            for text in sorted(texts):
                found = screen_record(Record(1, "1", name=text), index, date(2026, 7, 9))
                hit = any(
                    f.kind == "listed_entity" and f.entry_id in ids and f.match == "strong"
                    for f in found.findings
                )
                counts[kind, hit] += 1
                if not hit:
                    misses.append(text)
    return [
        f"- printed entity names found `strong` (screened as a record's name, as of 2026-07-09): "
        f"{counts['names', True]}/{counts['names', True] + counts['names', False]}",
        f"- printed aliases and former names found `strong`: {counts['aliases', True]}/"
        f"{counts['aliases', True] + counts['aliases', False]}; not strong: {', '.join(misses)}",
    ]


def _cbp(raw: str, entries: tuple[ListEntry, ...]) -> list[str]:
    rows = json.loads(raw)["entities"]
    by_row: dict[str, list[ListEntry]] = {}
    for e in entries:
        by_row.setdefault(e.prop("row") or "", []).append(e)
    present = status_ok = date_ok = 0
    for n, row in enumerate(rows, start=1):
        got = by_row.get(str(n), [])
        if not got:
            continue
        present += 1
        status_ok += all(e.prop("status") == row["status"] for e in got)
        date_ok += all(str(e.effective_date) == row["effective_date"] for e in got)
    statuses = Counter(r["status"] for r in rows)
    per_status = ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
    schemata = Counter(e.schema for e in entries)
    return [
        f"- CBP file of 2026-06-23: {len(rows)} rows ({per_status})",
        f"- rows present in the bundled list: {present}/{len(rows)}; with the file's status: "
        f"{status_ok}/{len(rows)}; with its date: {date_ok}/{len(rows)}",
        f"- bundled entries: {len(entries)} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(schemata.items()))}); "
        f"rows not from the file: {sum(1 for e in entries if not e.prop('row'))}",
    ]


def _kb(lists_entries: dict[str, tuple[ListEntry, ...]]) -> list[str]:
    knowledge = kb.load_kb()
    resolved = kb.resolve(knowledge, load_bundled())
    out = []
    for list_id in KB_LISTS:
        entries = [e for e in lists_entries[list_id] if e.schema not in ("Order", "Good")]
        if list_id == "us_bis_entity_list":
            entries = [e for e in entries if e.prop("listing_reason") == "xinjiang_human_rights"]
        with_kb = with_zh = 0
        for e in entries:
            ents = [
                k for k, inherited in resolved.get((e.list_id, e.entry_id), []) if not inherited
            ]
            with_kb += bool(ents)
            with_zh += any(k.of("name_zh") for k in ents)
        facts = sum(len(k.facts) for k in knowledge.entities if k.list_id == list_id)
        unsourced = sum(
            1 for k in knowledge.entities if k.list_id == list_id for f in k.facts if not f.source
        )
        label = list_id + (" (Xinjiang entries)" if list_id == "us_bis_entity_list" else "")
        out.append(
            f"- {label}: {len(entries)} party entries; with a KB entity {with_kb}; with a "
            f"registered Chinese name (`name_zh`) {with_zh}; {facts} facts, {unsourced} without "
            "a source"
        )
    return out


def _offline_update(page: bytes) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        reports = update.update_lists(
            Path(tmp), ["us_uflpa_entity_list"], fetch=lambda url: page, today=date(2026, 7, 9)
        )
        in_use = update.in_use(Path(tmp)).get("us_uflpa_entity_list")
    (rep,) = reports
    return [
        f"- `lists update us_uflpa_entity_list` with the captured page served as the download: "
        f"{rep.entries} entries stored (previous {rep.previous}); the list in use afterwards: "
        f"{len(in_use.entries)} entries, origin `{in_use.info.origin}`"
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.environ.get("LABORLENS_SHARED_DIR"), required=False)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "lists_targets.md"))
    args = ap.parse_args()
    if not args.shared:
        ap.error("--shared DIR (or LABORLENS_SHARED_DIR) is required")
    src = Path(args.shared) / "data" / "sources"
    lists = load_bundled()
    by_id = {rl.info.list_id: rl.entries for rl in lists.lists}
    ofac = lists.info("us_ofac_sdn")
    page = (src / "dhs" / "uflpa-entity-list-page-2026-07-09.html").read_bytes()
    cbp_raw = (src / "cbp" / "wro-findings-fy26-2026-06-23.json").read_text(encoding="utf-8")
    bis = by_id["us_bis_entity_list"]
    xinjiang = sum(1 for e in bis if e.prop("listing_reason") == "xinjiang_human_rights")
    lines = [
        "# Lists against their sources",
        "",
        "Command: `python bench/lists_targets.py --shared DIR` (DIR holds `data/sources/`). "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.2f}.",
        "",
        "## UFLPA Entity List",
        *_uflpa(page.decode("utf-8"), by_id["us_uflpa_entity_list"]),
        *_strong(page.decode("utf-8")),
        "",
        "## CBP Withhold Release Orders and Findings",
        *_cbp(cbp_raw, by_id["us_cbp_wro_findings"]),
        "",
        "## OFAC SDN and BIS",
        f"- OFAC SDN snapshot: {ofac.snapshot_date}, {ofac.entries} entries "
        f"(publisher cadence {ofac.cadence_days} days: stale from "
        f"{date.fromordinal(ofac.snapshot_date.toordinal() + ofac.cadence_days + 1)})",
        f"- BIS Entity List: {len(bis)} entries, of which Xinjiang human-rights entries: "
        f"{xinjiang}",
        "",
        "## Offline update of the captured DHS page",
        *_offline_update(page),
        "",
        "## Knowledge base coverage",
        *_kb(by_id),
        "",
    ]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
