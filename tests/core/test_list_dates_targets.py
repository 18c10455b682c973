"""The bundled lists against the issue's targets: every entity and nearly every printed alias of
the DHS page found ``strong``, and no listed-entity finding before a listing date (real dates)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from laborlens.core.model import Finding, Record
from laborlens.core.screen import ScreeningIndex, screen_record
from laborlens.core.sources import uflpa

ROOT = Path(__file__).resolve().parents[2]
PAGE = Path(os.environ.get("LABORLENS_SHARED_DIR", ROOT.parent / "shared")) / (
    "data/sources/dhs/uflpa-entity-list-page-2026-07-09.html"
)
DAY = date(2026, 7, 9)


def _listed(index: ScreeningIndex, name: str, day: date) -> list[Finding]:
    found = screen_record(Record(1, "1", name=name), index, day).findings
    return [f for f in found if f.kind == "listed_entity"]


@pytest.mark.skipif(not PAGE.is_file(), reason="DHS page capture not present")
def test_every_entity_and_printed_alias_found_strong(index: ScreeningIndex) -> None:
    entities, _, _ = uflpa.read_rows(PAGE.read_text(encoding="utf-8"))
    by_key = {e.entry_id: e for e in index.lists.get("us_uflpa_entity_list").entries}
    assert len(by_key) == 144
    names_found = aliases_found = aliases = 0
    misses = []
    for ent in entities:
        targets = {
            e.entry_id for e in by_key.values() if ent.key in {uflpa.name_key(n) for n in e.names()}
        }
        assert len(targets) == 1, ent.key
        printed = {r[2].name for r in ent.rows}
        extra = {a for r in ent.rows for a in (*r[2].aliases, *r[2].former)}
        for text in sorted(printed | extra):
            hit = any(
                f.list == "us_uflpa_entity_list" and f.entry_id in targets and f.match == "strong"
                for f in _listed(index, text, DAY)
            )
            if text in printed:
                names_found += hit
            else:
                aliases += 1
                aliases_found += hit
            if not hit:
                misses.append(text)
    assert names_found == sum(len({r[2].name for r in e.rows}) for e in entities), misses
    assert aliases_found / aliases >= 0.95, (aliases_found, aliases, misses)


@pytest.mark.parametrize(
    ("name", "list_id", "listed_on"),
    [
        ("Xinjiang Daqo New Energy Co., Ltd.", "us_uflpa_entity_list", date(2022, 6, 21)),
        ("Western Gold Co., Ltd.", "us_uflpa_entity_list", date(2024, 11, 25)),
        ("Zijin Mining Group Co., Ltd.", "us_uflpa_entity_list", date(2025, 1, 15)),
        ("Giant Manufacturing Co., Ltd.", "us_cbp_wro_findings", date(2025, 9, 24)),
        ("Hetian Taida Apparel Co., Ltd.", "us_cbp_wro_findings", date(2019, 9, 30)),
        (
            "Hangzhou Hikvision Digital Technology Co., Ltd.",
            "us_bis_entity_list",
            date(2019, 10, 9),
        ),
    ],
)
def test_no_listed_entity_before_the_listing_date(
    index: ScreeningIndex, name: str, list_id: str, listed_on: date
) -> None:
    def on(day: date) -> bool:
        return any(f.list == list_id for f in _listed(index, name, day))

    assert not on(date.fromordinal(listed_on.toordinal() - 1))
    assert on(listed_on)


def test_a_party_removed_from_an_order_stops_matching(index: ScreeningIndex) -> None:
    # CBP's remarks: Annapurna Carpet removed from the Nepal carpet order on 7/23/2021
    def cbp(day: date) -> bool:
        return any(f.list == "us_cbp_wro_findings" for f in _listed(index, "Annapurna Carpet", day))

    assert cbp(date(2021, 7, 22)) and not cbp(date(2021, 7, 23))
