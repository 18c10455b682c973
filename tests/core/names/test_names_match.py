"""match_names / match_record over the bundled lists and user lists."""

from __future__ import annotations

import pickle
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core import names
from laborlens.core.model import ListEntry, ListInfo, Record

TODAY = date(2026, 6, 1)


def _info(list_id: str) -> ListInfo:
    return ListInfo(
        list_id, "user list", "tester", "test", date(2026, 1, 1), 1, 1, "ab" * 32, True, user=True
    )


def _user_index(*entries: ListEntry) -> names.NameIndex:
    return names.build_name_index(entries, {"user": _info("user")})


def test_han_record_finds_the_listed_english_entry(bundled_index: names.NameIndex) -> None:
    found = names.match_names(
        bundled_index, Record(1, "1", name="新疆大全新能源股份有限公司"), TODAY
    )
    daqo = [f for f in found if f.entry_name == "Xinjiang Daqo New Energy Co., Ltd."]
    assert daqo and daqo[0].match == "strong" and daqo[0].kind == "listed_entity"
    f = daqo[0]
    assert f.algorithm == names.ALGORITHM == "names-v2"
    assert f.list == "us_uflpa_entity_list" and f.list_version and f.entry_id
    assert f.field in ("name", "aliases") and f.matched_name
    assert "大全" in f.why and "新能源" in f.why
    parts = dict(f.details)["parts"]
    assert any(p["how"] == "pinyin_fuzzy" and p["query"] == "大全" for p in parts)


def test_aliases_and_every_list_are_searched(bundled_index: names.NameIndex) -> None:
    found = names.match_names(
        bundled_index, Record(1, "1", name="x", aliases=("Hotan Haolin Hair Accessories",)), TODAY
    )
    lists = {f.list for f in found if f.kind == "listed_entity"}
    assert {"us_uflpa_entity_list", "us_cbp_wro_findings"} <= lists


def test_entries_not_yet_in_force_are_skipped(bundled_index: names.NameIndex) -> None:
    rec = Record(1, "1", name="Aksu Huafu Color Spinning Co., Ltd.")  # listed 2025-01-15
    entry = "uflpa-004-aksu-huafu-color-spinning-co-ltd"
    assert entry in {f.entry_id for f in names.match_names(bundled_index, rec, TODAY)}
    before = names.match_names(bundled_index, rec, date(2024, 12, 31))
    assert entry not in {f.entry_id for f in before}


def test_person_entries_do_not_match_company_names() -> None:
    idx = _user_index(ListEntry("user", "p1", "LI, Wei", schema="Person"))
    assert names.match_names(idx, Record(1, "1", name="Wei Li"), TODAY)
    assert not names.match_names(idx, Record(1, "1", name="Li Wei Trading Co., Ltd."), TODAY)


def test_registration_id_is_a_strong_hit() -> None:
    e = ListEntry(
        "user",
        "u1",
        "Some Listed Co., Ltd.",
        properties=(("registration_id", "91650100MA77XXXX1A"),),
    )
    idx = _user_index(e)
    found = names.match_names(
        idx, Record(1, "1", name="Other Name", registration_id="9165-0100-ma77xxxx1a"), TODAY
    )
    assert [(f.field, f.match, f.score) for f in found] == [("registration_id", "strong", 1.0)]


def test_related_party_for_subsidiaries_and_listed_parents() -> None:
    idx = _user_index(
        ListEntry("user", "u1", "Hoshine Silicon Industry Co., Ltd.", subsidiaries=True),
        ListEntry("user", "u2", "Western Gold Co., Ltd."),
    )
    sub = names.match_names(idx, Record(1, "1", name="Hoshine Silicon (Luzhou) Sunrise Co."), TODAY)
    assert [f.kind for f in sub] in (["related_party"], ["listed_entity"])
    child = names.match_names(
        idx, Record(1, "1", name="Western Gold Karamay Hatu Gold Mine Co., Ltd."), TODAY
    )
    assert child and child[0].entry_id == "u2"
    assert child[0].kind in ("related_party", "listed_entity")
    none = names.match_names(idx, Record(1, "1", name="Golden West Trading"), TODAY)
    assert none == []


def test_related_party_kind_when_the_record_adds_distinctive_words() -> None:
    idx = _user_index(ListEntry("user", "u1", "Zhongtai Chemical", subsidiaries=True))
    found = names.match_names(
        idx, Record(1, "1", name="Zhongtai Chemical Fukang Dongfanghong Jinhua Energy"), TODAY
    )
    assert found and found[0].kind == "related_party" and found[0].match is None
    assert "subsidiaries" in found[0].why


def test_bad_names_give_row_errors_and_no_matches(bundled_index: names.NameIndex) -> None:
    for bad in ["Co., Ltd.", "!!!", "有限公司", "\x00\x01", "😀🔥"]:
        res = names.match_record(bundled_index, Record(3, "x", name=bad), TODAY)
        assert res.findings == ()
        assert res.errors and res.errors[0].column == "name" and res.errors[0].row == 3


def test_very_long_names_are_cut_with_an_error(bundled_index: names.NameIndex) -> None:
    res = names.match_record(bundled_index, Record(1, "x", name="Daqo " * 1000), TODAY)
    assert any("5000 characters" in e.message for e in res.errors)


def test_index_is_picklable_and_pickled_copy_agrees(bundled_index: names.NameIndex) -> None:
    copy = pickle.loads(pickle.dumps(bundled_index))
    rec = Record(1, "1", name="HOSHINE SILICON INDUSTRY CO LTD")
    assert names.match_names(copy, rec, TODAY) == names.match_names(bundled_index, rec, TODAY)


def test_order_and_good_entries_are_not_indexed(bundled_index: names.NameIndex) -> None:
    assert all(e.schema not in ("Order", "Good") for e in bundled_index.entries)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=200))
def test_any_text_never_crashes(bundled_index: names.NameIndex, text: str) -> None:
    res = names.match_record(bundled_index, Record(1, "1", name=text, aliases=(text[:20],)), TODAY)
    for f in res.findings:
        assert 0.0 <= f.score <= 1.0 and f.why and f.algorithm == "names-v2"
