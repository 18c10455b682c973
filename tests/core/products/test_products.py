"""Products: HS and text -> sectors and goods-list findings, as of a date."""

from __future__ import annotations

import csv
import pickle
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core.lists import ListSet
from laborlens.core.model import Finding, Record
from laborlens.core.products import (
    ProductIndex,
    build_product_index,
    classify,
    sectors_of,
)
from laborlens.core.rules import load_regimes

TODAY = date(2026, 11, 27)
CASES = Path(__file__).resolve().parents[2] / "cases" / "products.csv"


@pytest.fixture(scope="module")
def pindex(bundled: ListSet) -> ProductIndex:
    return build_product_index(bundled, load_regimes().designations())


def sectors(pindex: ProductIndex, product: str | None = None, hs: str | None = None) -> set[str]:
    rec = Record(row=1, id="1", product=product, hs_code=hs)
    return {h.sector for h in sectors_of(pindex, rec).sectors}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100% cotton T-shirt", {"cotton", "apparel"}),
        ("monocrystalline PV module 410W", {"polysilicon"}),
        ("tomato paste, 36-38 brix, aseptic drums", {"tomatoes"}),
        ("番茄酱", {"tomatoes"}),
        ("棉纱 32S", {"cotton"}),
        ("多晶硅", {"polysilicon"}),
        ("純棉襯衫", {"cotton", "apparel"}),  # traditional Chinese
        ("6063 aluminium extrusions", {"aluminum"}),
        ("SPC vinyl plank flooring", {"pvc"}),
        ("frozen vannamei shrimp, peeled and deveined", {"seafood"}),
        ("cold rolled stainless steel coil", {"steel"}),
        ("electrolytic copper cathodes", {"copper"}),
        ("lithium carbonate battery grade", {"lithium"}),
        ("caustic soda flakes 99%", {"caustic soda"}),
        ("dried red dates (jujube)", {"red dates"}),
        ("新疆红枣", {"red dates"}),
        ("烧碱", {"caustic soda"}),
        ("冷冻虾仁", {"seafood"}),
    ],
)
def test_text_lexicon_examples(pindex: ProductIndex, text: str, expected: set[str]) -> None:
    assert sectors(pindex, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "cotton candy machine",
        "cotton-free polyester fabric",
        "no cotton, 100% polyester fleece fabric",
        "fishing rod and fishing reel",
        "steel blue paint",
        "sea sponge 海绵",
        "钢琴",
        "tomato seeds for sowing",
        "copper-colored plastic buttons",
        "ceramic coffee mug",
    ],
)
def test_exclusions_and_negations(pindex: ProductIndex, text: str) -> None:
    assert sectors(pindex, text) == set()


def test_longer_match_of_another_concept_wins(pindex: ProductIndex) -> None:
    rec = Record(row=1, id="1", product="tomato paste")
    cls = sectors_of(pindex, rec)
    assert {m.concept for m in cls.concepts} == {"tomato_product"}
    assert {g.good for g in cls.goods} == {"Tomato Products"}


@pytest.mark.parametrize(
    ("hs", "expected"),
    [
        ("6109.10.0012", {"cotton", "apparel"}),
        ("6110.30", {"apparel"}),
        ("2804.61.0000", {"polysilicon"}),
        ("8541.43", {"polysilicon"}),
        ("2002.90.8050", {"tomatoes"}),
        ("7604.21", {"aluminum"}),
        ("3918.10.1000", {"pvc"}),
        ("0306.17", {"seafood"}),
        ("7208.51", {"steel"}),
        ("7403.11", {"copper"}),
        ("2836.91", {"lithium"}),
        ("2815.12", {"caustic soda"}),
        ("9503.00", set()),
        ("9897.00.00", set()),
    ],
)
def test_hs_mapping_examples(pindex: ProductIndex, hs: str, expected: set[str]) -> None:
    assert sectors(pindex, hs=hs) == expected


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_a_code_inherits_its_headings_sector(pindex: ProductIndex, data: st.DataObject) -> None:
    prefix = data.draw(st.sampled_from(sorted(pindex.hs_map)))
    tail = data.draw(st.text("0123456789", max_size=10 - len(prefix)))
    tail = tail[: len(tail) - (len(prefix + tail) % 2)]  # keep an even length
    mapped = {m.sector for m in pindex.hs_map[prefix]}
    assert mapped <= sectors(pindex, hs=prefix + tail)


def _classify(
    pindex: ProductIndex, as_of: date, country: str | None = "CN", **kw: str
) -> list[Finding]:
    rec = Record(row=3, id="x", product=kw.get("product"), hs_code=kw.get("hs_code"))
    return list(classify(pindex, rec, country, as_of).findings)


def test_sector_findings_follow_designation_dates(pindex: ProductIndex) -> None:
    before = _classify(pindex, date(2024, 7, 8), product="aluminium foil")
    assert [f for f in before if f.kind == "sector"] == []
    found = _classify(pindex, date(2024, 7, 9), product="aluminium foil")
    (f,) = [f for f in found if f.kind == "sector"]
    assert f.sector == "aluminum" and f.regime == "us_uflpa" and f.algorithm == "products-v2"
    assert dict(f.details)["designated_on"] == date(2024, 7, 9)
    assert "aluminium" in f.why and f.field == "product"


def test_sector_finding_explains_hs_and_text(pindex: ProductIndex) -> None:
    (f,) = [
        f
        for f in _classify(pindex, TODAY, hs_code="6109.10", product="cotton tee")
        if f.sector == "cotton"
    ]
    assert f.hs_code == "610910" and f.field == "hs_code,product" and f.match == "strong"
    assert "6109.10" in f.why or "610910" in f.why
    assert "proposed" in f.why and "'cotton'" in f.why


def test_goods_list_findings_need_the_country(pindex: ProductIndex) -> None:
    cn = [
        f for f in _classify(pindex, TODAY, product="100% cotton T-shirt") if f.kind == "goods_list"
    ]
    assert {f.good for f in cn} == {"Cotton", "Garments"}
    cotton = next(f for f in cn if f.good == "Cotton")
    details = dict(cotton.details)
    assert cotton.list == "us_dol_tvpra" and cotton.country == "CN" and cotton.list_version
    assert details["forced_labor"] is True and details["child_labor"] is True
    assert (
        _classify(pindex, TODAY, country=None, product="100% cotton T-shirt")[-1].kind == "sector"
    )
    us = _classify(pindex, TODAY, country="US", product="100% cotton T-shirt")
    assert not [f for f in us if f.kind == "goods_list"]


def test_derived_goods_are_flagged(pindex: ProductIndex) -> None:
    fs = _classify(pindex, TODAY, product="monocrystalline solar panels 400W")
    (mod,) = [f for f in fs if f.kind == "goods_list"]
    assert mod.good == "Solar Modules" and dict(mod.details)["derived"] is True


def test_country_wide_wro_order(pindex: ProductIndex) -> None:
    fs = _classify(pindex, TODAY, country="TM", product="cotton yarn", hs_code="5205.11")
    wro = [f for f in fs if f.list == "us_cbp_wro_findings"]
    assert wro and wro[0].good == "Cotton" and wro[0].effective_date == date(2018, 5, 18)
    assert not [
        f
        for f in _classify(pindex, date(2018, 5, 17), country="TM", product="cotton")
        if f.list == "us_cbp_wro_findings"
    ]


def test_bad_hs_code_is_a_row_error_on_hs_code(pindex: ProductIndex) -> None:
    res = classify(pindex, Record(row=7, id="7", hs_code="77.10", source="po.csv"), "CN", TODAY)
    (err,) = res.errors
    assert err.column == "hs_code" and err.row == 7 and "77" in err.message


def test_index_is_picklable(pindex: ProductIndex) -> None:
    again = pickle.loads(pickle.dumps(pindex))
    assert sectors(again, "100% cotton T-shirt") == {"cotton", "apparel"}


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_any_text_classifies_without_error(pindex: ProductIndex, text: str) -> None:
    cls = sectors_of(pindex, Record(row=1, id="1", product=text))
    assert {h.sector for h in cls.sectors} <= set(load_regimes().designations())
    assert all(0.0 <= h.score <= 1.0 for h in cls.sectors)


def test_case_set_precision_and_recall(pindex: ProductIndex) -> None:
    """Regression floor on the labelled set (figures in docs/products.md)."""
    with CASES.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 200 and all(r["source"].startswith("http") for r in rows)
    tp = fp = fn = 0
    for row in rows:
        got = sectors(pindex, row["product"])
        want = {s for s in row["expected_sectors"].split(";") if s}
        assert want <= set(load_regimes().designations()), row["id"]
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
    assert tp / (tp + fp) >= 0.9
    assert tp / (tp + fn) >= 0.9


def test_every_mapped_dol_good_is_on_the_bundled_list(
    pindex: ProductIndex, bundled: ListSet
) -> None:
    import unicodedata

    listed = {unicodedata.normalize("NFC", e.name) for e in bundled.get("us_dol_tvpra").entries}
    mapped = {g for goods in pindex.goods_hs.values() for g in goods}
    assert mapped <= listed
    assert len(mapped) >= 150
