"""The bundled lists: what the manifest records, freshness, user lists and diffs."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from laborlens.core.list_diff import diff_entries
from laborlens.core.lists import ListError, ListSet, user_list, with_freshness
from laborlens.core.model import ListEntry

BUNDLED_IDS = (
    "us_uflpa_entity_list",
    "us_cbp_wro_findings",
    "us_ofac_sdn",
    "us_bis_entity_list",
    "us_dol_tvpra",
)


def test_bundled_lists_with_manifest_facts(bundled: ListSet) -> None:
    assert bundled.ids() == BUNDLED_IDS
    sizes = {rl.info.list_id: (rl.info.rows, len(rl.entries)) for rl in bundled.lists}
    assert sizes == {
        "us_uflpa_entity_list": (160, 144),  # 160 rows of the DHS page, 144 entities
        "us_cbp_wro_findings": (67, 79),  # 67 rows of CBP's file, 79 parties and orders
        "us_ofac_sdn": (14965, 14965),
        "us_bis_entity_list": (3409, 3409),
        "us_dol_tvpra": (467, 467),
    }
    for rl in bundled.lists:
        info = rl.info
        assert info.entries == len(rl.entries) and len(info.sha256) == 64
        assert info.cadence_days and info.cadence and info.origin == "bundled"
        assert info.complete
        note = info.completeness_note or ""
        assert "PARTIAL" not in note and "UNVERIFIED" not in note
    # what is still a third party's parse says so
    for list_id in ("us_cbp_wro_findings", "us_bis_entity_list"):
        assert "THIRD-PARTY PARSE" in (bundled.info(list_id).completeness_note or "")
    assert bundled.info("us_uflpa_entity_list").published == date(2025, 1, 14)


def test_manifest_records_each_source_file_hash() -> None:
    from laborlens.core import resources

    manifest = resources.read_json("lists/manifest.json")
    assert manifest["schema"] == "laborlens-lists/2"
    for obj in manifest["lists"]:
        assert obj["sources"], obj["list_id"]
        for src in obj["sources"]:
            assert len(src["sha256"]) == 64 and src["bytes"] > 0 and src["provenance"]


def test_uflpa_entries_dated_with_sublists(bundled: ListSet) -> None:
    uflpa = {e.name: e for e in bundled.get("us_uflpa_entity_list").entries}
    daqo = uflpa["Xinjiang Daqo New Energy Co., Ltd."]
    assert daqo.effective_date == date(2022, 6, 21)
    assert daqo.programs == ("2(d)(2)(B)(i)", "2(d)(2)(B)(v)")
    assert daqo.prop("listed_2(d)(2)(B)(v)") == "2024-11-25"
    meiling = uflpa["Changhong Meiling Co., Ltd."]
    assert meiling.effective_date == date(2022, 6, 21)  # a corrected name, listed since 2022
    assert "Hefei Meiling Co. Ltd." in meiling.former_names
    assert uflpa["Xinjiang Production and Construction Corps"].subsidiaries


def test_freshness_marks_old_snapshots_stale(bundled: ListSet) -> None:
    fresh = with_freshness(bundled, date(2026, 7, 10))
    assert not fresh.info("us_uflpa_entity_list").stale  # one day old, cadence 90 days
    assert fresh.info("us_ofac_sdn").stale  # 2024 snapshot, OFAC changes weekly
    late = with_freshness(bundled, date(2026, 12, 1))
    info = late.info("us_uflpa_entity_list")
    assert info.stale and (info.completeness_note or "").startswith("STALE: snapshot of 2026-07-09")
    # marking again does not repeat the note
    again = with_freshness(late, date(2026, 12, 1)).info("us_uflpa_entity_list")
    assert again.completeness_note == info.completeness_note


def test_select_and_unknown_id(bundled: ListSet) -> None:
    assert bundled.select(["us_ofac_sdn"]).ids() == ("us_ofac_sdn",)
    with pytest.raises(ListError, match="unknown list id 'nope'"):
        bundled.select(["nope"])


def test_user_list_rows_and_errors() -> None:
    rows = [
        {"ID": "u1", "Name": "Acme Textiles", "aliases": "Acme; ACME Tex", "country": "cn"},
        {"id": "u2", "name": "", "aliases": "x"},
        {"id": "u3", "name": "B", "effective_date": "2024-13-01"},
        {"id": "u4", "name": "C", "list": "other"},
    ]
    lists, errors = user_list("mine", rows, source="mine.csv")
    assert [rl.info.list_id for rl in lists] == ["mine", "other"]
    acme = lists[0].entries[0]
    assert acme.aliases == ("Acme", "ACME Tex") and acme.countries == ("CN",)
    assert [(e.row, e.column) for e in errors] == [(2, "name"), (3, "effective_date")]


def test_user_list_cannot_shadow_bundled_but_replace_can(bundled: ListSet) -> None:
    lists, _ = user_list("us_ofac_sdn", [{"name": "x"}], source="f.csv")
    with pytest.raises(ListError, match="already in use"):
        bundled.plus(lists)
    replaced = bundled.replace(lists)
    assert replaced.ids() == bundled.ids() and replaced.info("us_ofac_sdn").entries == 1


def _e(eid: str, name: str, **kw: object) -> ListEntry:
    return ListEntry("l", eid, name, **kw)  # type: ignore[arg-type]


def test_diff_additions_removals_renames_changes() -> None:
    old = (
        _e("a", "Aksu Huafu Textiles Co., Ltd.", effective_date=date(2022, 6, 21)),
        _e("b", "Gone Co."),
        _e("c", "Same Co.", programs=("2(d)(2)(B)(ii)",)),
    )
    new = (
        _e("a2", "Aksu Huafu Color Spinning Co., Ltd.", aliases=("Aksu Huafu Textiles Co., Ltd.",)),
        _e("c", "Same Co.", programs=("2(d)(2)(B)(ii)", "2(d)(2)(B)(v)")),
        _e("d", "New Co.", effective_date=date(2025, 1, 15)),
    )
    d = diff_entries("l", old, new)
    kinds = [(c.kind, c.name) for c in d.changes]
    assert kinds == [
        ("added", "New Co."),
        ("removed", "Gone Co."),
        ("renamed", "Aksu Huafu Color Spinning Co., Ltd."),
        ("changed", "Same Co."),
    ]
    assert d.changes[2].old_name == "Aksu Huafu Textiles Co., Ltd."
    assert "programs" in d.changes[3].details[0]
    assert diff_entries("l", old, old).changes == ()


def test_name_dates(bundled: ListSet) -> None:
    e = bundled.get("us_uflpa_entity_list").entries[0]
    dated = (
        dataclasses.replace(e, name_since=((e.aliases[0], date(2030, 1, 1)),))
        if (e.aliases)
        else dataclasses.replace(e, name_since=((e.name, date(2030, 1, 1)),))
    )
    name = dated.name_since[0][0]
    assert not dated.name_in_force(name, date(2029, 12, 31))
    assert dated.name_in_force(name, date(2030, 1, 1))
