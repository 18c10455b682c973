from __future__ import annotations

from datetime import date

import pytest

from laborlens.core.lists import ListError, ListSet, user_list

BUNDLED_IDS = ("us_uflpa_entity_list", "us_cbp_wro_findings", "us_ofac_sdn", "us_dol_tvpra")


def test_four_bundled_lists_with_manifest_facts(bundled: ListSet) -> None:
    assert bundled.ids() == BUNDLED_IDS
    uflpa = bundled.info("us_uflpa_entity_list")
    assert not uflpa.complete and "PARTIAL" in (uflpa.completeness_note or "")
    assert not bundled.info("us_cbp_wro_findings").complete
    for rl in bundled.lists:
        assert rl.info.entries == len(rl.entries) > 0
        assert len(rl.info.sha256) == 64


def test_every_source_row_is_an_entry(bundled: ListSet) -> None:
    # SOURCES.md: 20 UFLPA rows, 54 CBP rows, 8,976 SDN entries, 467 DOL good-country pairs
    sizes = {rl.info.list_id: len(rl.entries) for rl in bundled.lists}
    assert sizes == {
        "us_uflpa_entity_list": 20,
        "us_cbp_wro_findings": 54,
        "us_ofac_sdn": 8976,
        "us_dol_tvpra": 467,
    }


def test_entries_keep_aliases_dates_and_sublists(bundled: ListSet) -> None:
    uflpa = {e.name: e for e in bundled.get("us_uflpa_entity_list").entries}
    huafu = uflpa["Aksu Huafu Color Spinning Co., Ltd."]
    assert "Akesu Huafu" in huafu.aliases and huafu.effective_date == date(2025, 1, 15)
    tianwei = uflpa["Tianjin Tianwei Food Co., Ltd."]
    # "formerly known as" is dropped from the alias text, the name is kept
    assert "Tianjin Sanhe Fruit and Vegetable Co., Ltd." in tianwei.aliases
    assert uflpa["Donghai JA Solar Technology Co., Ltd."].programs == ("2(d)(2)(B)(v)",)


def test_cbp_aka_and_joined_parties_are_split(bundled: ListSet) -> None:
    cbp = bundled.get("us_cbp_wro_findings").entries
    yunnan = next(e for e in cbp if e.name == "Yunnan Machinery")
    assert "Yunnan 1st Prison" in yunnan.aliases
    yili = next(e for e in cbp if e.name.startswith("Yili Zhuowan"))
    assert "Baoding LYSZD Trade and Business Co., Ltd." in yili.aliases
    assert {e.schema for e in cbp} >= {"Company", "Vessel", "Order"}


def test_ofac_entries_have_aliases_addresses_programs(bundled: ListSet) -> None:
    sdn = {e.entry_id: e for e in bundled.get("us_ofac_sdn").entries}
    xpcc = sdn["ofac-29299"]
    assert xpcc.name == "XINJIANG PRODUCTION AND CONSTRUCTION CORPS"
    assert "GLOMAG" in xpcc.programs and "CN" in xpcc.countries
    assert xpcc.addresses == ("Xinjiang, China",)
    assert "NATIONAL BANK OF CUBA" in sdn["ofac-306"].aliases  # from alt.csv
    assert sdn["ofac-29300"].schema == "Person"


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
    assert all(e.source == "mine.csv" for e in errors)


def test_user_list_cannot_shadow_bundled(bundled: ListSet) -> None:
    lists, _ = user_list("us_ofac_sdn", [{"name": "x"}], source="f.csv")
    with pytest.raises(ListError, match="already in use"):
        bundled.plus(lists)
