"""The knowledge base: file schema, resolution to list entries, traditional forms, tickers,
and what the matcher finds with it (fixture files; the bundled files are checked too)."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laborlens.core import kb, resources
from laborlens.core.kb import tickers
from laborlens.core.lists import ListSet, user_list
from laborlens.core.model import Record
from laborlens.core.screen import ScreeningIndex, screen_record

FIXTURES = Path(__file__).parent / "fixtures"
DAY = date(2025, 6, 1)


@pytest.fixture(scope="module")
def fixture_kb() -> kb.KnowledgeBase:
    return kb.load_kb({p.name: p.read_text(encoding="utf-8") for p in FIXTURES.glob("*.yaml")})


@pytest.fixture(scope="module")
def small(bundled: ListSet) -> ListSet:
    return bundled.select(["us_uflpa_entity_list", "us_cbp_wro_findings"])


@pytest.fixture(scope="module")
def small_index(small: ListSet, fixture_kb: kb.KnowledgeBase) -> ScreeningIndex:
    return ScreeningIndex.build(small, fixture_kb)


def _listed(index: ScreeningIndex, name: str, day: date = DAY, **kw: str) -> list:  # type: ignore[type-arg]
    rec = Record(row=1, id="1", name=name, **kw)  # type: ignore[arg-type]
    return [f for f in screen_record(rec, index, day).findings if f.list]


# --- the files ---------------------------------------------------------------------------------


def test_every_bundled_kb_file_is_valid_and_resolves(bundled: ListSet) -> None:
    knowledge = kb.load_kb()  # raises KBError naming file, entity and fact when malformed
    assert kb.unresolved(knowledge, bundled) == []
    for f in resources.list_dir("kb"):
        if f.endswith(".yaml"):
            assert knowledge.entities, f


def test_fixture_resolves_and_derives_traditional_forms(
    fixture_kb: kb.KnowledgeBase, small: ListSet
) -> None:
    assert kb.unresolved(fixture_kb, small) == []
    daqo = fixture_kb.entities[0]
    # written the same in both scripts: nothing to derive
    assert not [f for f in daqo.facts if f.kind == "name_zh_hant"]
    zijin = fixture_kb.entities[1]
    hant = [f for f in zijin.facts if f.kind == "name_zh_hant"]
    assert [(f.value, f.derived, f.derived_from) for f in hant] == [
        ("紫金礦業集團股份有限公司", True, "紫金矿业集团股份有限公司")
    ]
    assert {f.value for f in zijin.facts if f.derived and f.kind == "former_name_zh"} == {
        "福建紫金礦業股份有限公司"
    }


def test_a_name_not_on_the_list_is_reported(small: ListSet) -> None:
    text = (FIXTURES / "us_uflpa_entity_list.yaml").read_text(encoding="utf-8")
    bad = kb.load_kb({"x.yaml": text.replace("Zijin Mining Group Co., Ltd.", "Zijin Mining Co.")})
    assert kb.unresolved(bad, small) == [
        "x.yaml: entity 'Zijin Mining Co.' does not resolve to an entry of us_uflpa_entity_list"
    ]


BASE = "schema: laborlens-kb/1\nlist: us_uflpa_entity_list\nentities:\n  - name: A\n    facts:\n"


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ("      - {kind: nickname, value: x, source: s}\n", "field 'kind': 'nickname' is not one"),
        ("      - {kind: name_zh, value: 新疆}\n", "field 'source' is required"),
        ("      - {kind: name_zh, value: Xinjiang, source: s}\n", "must contain Chinese"),
        ("      - {kind: ticker, value: SHA600000, source: s}\n", "is not CODE.EXCHANGE"),
        ("      - {kind: ticker, value: 60000.SH, source: s}\n", "mainland codes have six"),
        ("      - {kind: uscc, value: '91650100MA77ABCDE1', source: s}\n", "is not a valid USCC"),
        (
            "      - {kind: parent, value: P, source: s, valid_from: 2024-01-01, "
            "valid_to: 2023-01-01}\n",
            "valid_to' must be after valid_from",
        ),
        ("      - {kind: parent, value: P, source: s, colour: red}\n", "unknown field(s) colour"),
    ],
)
def test_malformed_facts_name_file_entity_and_fact(facts: str, message: str) -> None:
    with pytest.raises(
        kb.KBError,
        match=r"f\.yaml: entities\[0\] \('A'\): facts\[0\]: .*"
        + message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\."),
    ):
        kb.load_kb({"f.yaml": BASE + facts})


def test_malformed_files() -> None:
    with pytest.raises(kb.KBError, match="field 'schema'"):
        kb.load_kb({"f.yaml": "schema: other\n"})
    with pytest.raises(kb.KBError, match="field 'list': 'us_nope'"):
        kb.load_kb({"f.yaml": "schema: laborlens-kb/1\nlist: us_nope\nentities: []\n"})
    twice = BASE + "      - {kind: parent, value: P, source: s}\n"
    with pytest.raises(kb.KBError, match="described twice"):
        kb.load_kb({"f.yaml": twice + twice.split("entities:\n")[1]})


# --- tickers -----------------------------------------------------------------------------------


def test_ticker_notations() -> None:
    assert tickers.notations("600000.SH")[:6] == [
        "600000.SH",
        "600000.SS",
        "SHA:600000",
        "SSE:600000",
        "SH:600000",
        "600000 CH",
    ]
    hk = tickers.notations("0700.HK")
    assert {"0700.HK", "00700.HK", "HKG:0700", "0700 HK", "700.HK", "00700"} <= set(hk)
    assert tickers.parse("688303 CH") == {"688303.SH"}
    assert tickers.parse("000001 CH") == {"000001.SZ"}
    assert tickers.parse("02899") == {"2899.HK"}
    assert tickers.parse("603260") == {"603260.SH"}
    assert tickers.parse("603260", bare=False) == set()
    assert tickers.parse("Acme Trading Co") == set()


@given(
    st.one_of(
        st.tuples(st.sampled_from(["60", "68", "00", "30", "83"]), st.integers(0, 9999)).map(
            lambda t: f"{t[0]}{t[1]:04d}"
        ),
    ),
    st.integers(1, 9999),
)
def test_every_notation_parses_back(code: str, hk: int) -> None:
    exchange = {"60": "SH", "68": "SH", "00": "SZ", "30": "SZ", "83": "BJ"}[code[:2]]
    for ticker in (f"{code}.{exchange}", f"{hk:04d}.HK"):
        for written in tickers.notations(ticker):
            assert ticker in tickers.parse(written), written


# --- matching ----------------------------------------------------------------------------------


def _fact(f: object) -> dict:  # type: ignore[type-arg]
    return dict(f.details).get("kb_fact") or {}  # type: ignore[attr-defined]


def test_registered_chinese_name_finds_the_listed_entity_strong(
    small_index: ScreeningIndex,
) -> None:
    (f,) = [
        f for f in _listed(small_index, "新疆大全新能源股份有限公司") if f.kind == "listed_entity"
    ]
    assert f.entry_name == "Xinjiang Daqo New Energy Co., Ltd." and f.match == "strong"
    fact = _fact(f)
    assert fact["kind"] == "name_zh" and "SSE filing" in fact["source"]
    assert "known fact: registered Chinese name" in f.why


def test_traditional_short_and_former_names(small_index: ScreeningIndex) -> None:
    trad = _listed(small_index, "新疆大全新能源股份有限公司")[0]
    assert trad.match == "strong"
    short = _listed(small_index, "大全能源")[0]
    assert short.entry_name == "Xinjiang Daqo New Energy Co., Ltd." and _fact(short)["kind"] == (
        "short_name_zh"
    )
    former = _listed(small_index, "福建紫金矿业股份有限公司")[0]
    assert former.entry_name == "Zijin Mining Group Co., Ltd." and former.match == "strong"
    assert _fact(former)["kind"] == "former_name_zh" and _fact(former)["valid_to"] == "2004-06-01"
    derived = _listed(small_index, "紫金礦業集團股份有限公司")[0]
    assert derived.match == "strong" and derived.entry_name == "Zijin Mining Group Co., Ltd."


@pytest.mark.parametrize(
    "written", ["688303.SH", "SHA:688303", "688303 CH", "688303.SS", "sh688303"]
)
def test_ticker_in_any_notation(small_index: ScreeningIndex, written: str) -> None:
    (f,) = _listed(small_index, written)
    assert f.entry_name == "Xinjiang Daqo New Energy Co., Ltd." and f.match == "strong"
    assert _fact(f) | {"kind": "ticker", "value": "688303.SH"} == _fact(f)
    assert f"'{written}' is the stock ticker 688303.SH" in f.why


def test_ticker_column_and_hk_forms(small_index: ScreeningIndex) -> None:
    rec = Record(row=1, id="1", name="Some supplier", extra=(("Stock code", "02899"),))
    found = [f for f in screen_record(rec, small_index, DAY).findings if f.list]
    assert [(f.entry_name, f.field) for f in found] == [
        ("Zijin Mining Group Co., Ltd.", "Stock code")
    ]


def test_parent_gives_related_party_with_its_source(small_index: ScreeningIndex) -> None:
    found = _listed(small_index, "Daqo New Energy Corp.")
    related = [f for f in found if f.kind == "related_party"]
    assert related and related[0].entry_name == "Xinjiang Daqo New Energy Co., Ltd."
    assert dict(related[0].details)["basis"] == "kb_parent"
    assert "the parent of 'Xinjiang Daqo New Energy Co., Ltd.'" in related[0].why
    assert not any(f.kind == "listed_entity" and f.match == "strong" for f in found)


def test_dated_facts_respect_as_of(small_index: ScreeningIndex) -> None:
    assert _listed(small_index, "SHA:688303", date(2021, 7, 1)) == []  # ticker from 2021-07-22
    # before the listing (2022-06-21) nothing is found, even by a known name
    assert _listed(small_index, "新疆大全新能源股份有限公司", date(2022, 6, 20)) == []
    assert _listed(small_index, "新疆大全新能源股份有限公司", date(2022, 6, 21))
    # a subsidiary known only from 2030
    assert (
        _listed(small_index, "Example Future Subsidiary Holdings Co., Ltd.", date(2029, 1, 1)) == []
    )
    assert [
        f.kind
        for f in _listed(
            small_index, "Example Future Subsidiary Holdings Co., Ltd.", date(2030, 1, 2)
        )
    ] == ["related_party"]


def test_user_list_entry_inherits_kb_names(small: ListSet, fixture_kb: kb.KnowledgeBase) -> None:
    mine, _ = user_list(
        "watch", [{"id": "w1", "name": "Xinjiang Daqo New Energy Co., Ltd."}], source="watch.csv"
    )
    index = ScreeningIndex.build(small.select(["us_cbp_wro_findings"]).plus(mine), fixture_kb)
    (f,) = _listed(index, "新疆大全新能源股份有限公司")
    assert (f.list, f.entry_id, f.match) == ("watch", "w1", "strong")
    assert _fact(f)["inherited"] is True and "inherits its knowledge-base facts" in f.why


def test_a_replacing_copy_of_the_list_keeps_the_kb(
    small: ListSet, fixture_kb: kb.KnowledgeBase
) -> None:
    rl = small.get("us_uflpa_entity_list")
    copy = dataclasses.replace(rl, info=dataclasses.replace(rl.info, origin="imported"))
    index = ScreeningIndex.build(small.replace([copy]), fixture_kb)
    (f,) = _listed(index, "688303.SH")
    assert f.list == "us_uflpa_entity_list" and not _fact(f).get("inherited")
