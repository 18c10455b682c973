"""Lexicon context rules (purpose phrases, doll/toy context, other fibre) and the fast paths.

The fast paths (per-text and per-cell memos, the token pre-filter, the Aho-Corasick search over
Chinese terms, local exclusion checks) must never change a result: a warm index, a cold index and
the plain character scan are compared on random texts.
"""

from __future__ import annotations

import pickle
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core.lists import ListSet
from laborlens.core.model import Record
from laborlens.core.products import (
    ProductIndex,
    build_product_index,
    classify,
    sectors_of,
)
from laborlens.core.products.lexicon import normalise
from laborlens.core.products.lexicon_file import compile_lexicon
from laborlens.core.resources import ResourceError, read_yaml
from laborlens.core.rules import load_regimes

DAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def pindex(bundled: ListSet) -> ProductIndex:
    return build_product_index(bundled, load_regimes().designations())


def found(pindex: ProductIndex, text: str) -> dict[str, bool]:
    """sector -> strong, for a product text."""
    cls = sectors_of(pindex, Record(row=1, id="1", product=text))
    return {h.sector: h.strong for h in cls.sectors}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a purpose phrase names another good
        ("Charger for lithium-ion batteries", set()),
        ("Packaging film for tomato paste", set()),
        ("Machine for the production of PVC pipes", set()),
        ("Spare parts for steel mills: rubber seals", set()),
        ("Sewing thread for jeans, polyester", set()),
        # ... but not the product named before it, a wearer, or a material after it
        ("Lithium-ion battery for power tools", {"lithium"}),
        ("Stainless steel bracket for solar panels", {"steel"}),
        ("T-shirt for men 100% cotton", {"apparel", "cotton"}),
        ("Jacket for women of 100% polyester", {"apparel"}),
        ("Phone holder for cars made of aluminium", {"aluminum"}),
        ("Fabric for T-shirts, 100% cotton", {"cotton"}),
        ("Solar panel for RV, monocrystalline 100W", {"polysilicon"}),
        # garments of dolls and figurines are toys, unless a human wearer is named
        ("Doll clothes: dress and coat", set()),
        ("Teddy bear wearing a knitted sweater", set()),
        ("Resin figurine of a snowman in a scarf", set()),
        ("Costume for the child sold with a doll: skirt and top", {"apparel"}),
        # a weak fabric word is not cotton when another fibre is stated
        ("Polyester canvas tarpaulin", set()),
        ("Denim fabric of 100% polyester", set()),
        ("Denim jeans of 98% cotton", {"apparel", "cotton"}),
        ("Cotton canvas, 12 oz", {"cotton"}),
    ],
)
def test_context_rules(pindex: ProductIndex, text: str, expected: set[str]) -> None:
    assert set(found(pindex, text)) == expected


def test_weak_fabric_word_alone_stays_a_possible_match(pindex: ProductIndex) -> None:
    assert found(pindex, "Canvas tote bag") == {"cotton": False}


def _lexicon_doc() -> dict[str, Any]:
    return dict(read_yaml("products/lexicon.yaml"))


def _compile(doc: Any) -> None:
    goods = {g for c in doc["concepts"] for g in c.get("goods") or ()}
    compile_lexicon(
        "lexicon.yaml",
        doc,
        sectors=frozenset(load_regimes().designations()),
        goods=frozenset(goods),
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["context"].update(purpose_typo=["for"]), "context.purpose_typo"),
        (lambda d: d["context"].pop("source"), "context.source"),
        (lambda d: d["context"].update(purpose_wearers=["young men"]), "context.purpose_wearers"),
        (lambda d: d["context"].update(purpose_markers=["%%"]), "context.purpose_markers"),
        (lambda d: d["concepts"][0].update(unless=["child"]), "concepts[0].unless"),
        (lambda d: d["concepts"][1].update(not_with="doll"), "concepts[1].not_with"),
    ],
)
def test_malformed_context_names_the_field(change: Any, field: str) -> None:
    doc = _lexicon_doc()
    doc["context"] = dict(doc["context"])
    doc["concepts"] = [dict(c) for c in doc["concepts"]]
    change(doc)
    with pytest.raises(ResourceError, match=field.replace("[", r"\[").replace("]", r"\]")):
        _compile(doc)


# --- fast paths never change a result ------------------------------------------------------------

_WORDS = [
    "cotton", "100%", "polyester", "canvas", "denim", "t-shirt", "shirt", "for", "men", "the",
    "doll", "child", "steel", "stainless", "lithium-ion", "battery", "solar", "panel", "made",
    "of", "aluminium", "production", "tomato", "paste", "pvc", "pipe", "shrimp", "frozen", "no",
    "free", "with", ",", ":", "(", "used", "in", "converting", "into", "candy", "red", "dates",
    "纯棉", "棉", "衬衫", "不含", "多晶硅", "光伏", "番茄酱", "海绵", "服务", "裙", "純棉", "襯衫",
]  # fmt: skip
TEXTS = st.lists(st.sampled_from(_WORDS), max_size=14).map(" ".join)
CODES = st.sampled_from([None, "", "6109.10", "5201", "8541.43; 7604", "77", "abc", "9903.88"])


@settings(max_examples=150, deadline=None)
@given(TEXTS, CODES, st.sampled_from(["CN", "cn", "VN", None]))
def test_warm_and_cold_indexes_agree(
    pindex: ProductIndex, text: str, code: str | None, country: str | None
) -> None:
    rec = Record(row=3, id="3", product=text, hs_code=code, source="f.csv")
    warm = classify(pindex, rec, country, DAY)
    warm_cls = sectors_of(pindex, rec)
    cold_index = pickle.loads(pickle.dumps(pindex))
    assert cold_index.memo.data == {}  # memos pickle empty
    assert classify(cold_index, rec, country, DAY) == warm
    assert sectors_of(cold_index, rec) == warm_cls
    # the same text in another record: errors carry that record's row
    other = Record(row=9, id="9", product=text, hs_code=code, source="g.csv")
    again = classify(pindex, other, country, DAY)
    assert again.findings == warm.findings
    assert all(e.row == 9 and e.source == "g.csv" for e in again.errors)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="纯棉衬衫不含多晶硅光伏番茄酱海绵服务裙純襯無太阳能电池片 a1%", max_size=20)
)
def test_chinese_automaton_equals_the_character_scan(pindex: ProductIndex, text: str) -> None:
    lex = pindex.lexicon
    norm = normalise(text)
    assert lex._match_zh_auto(norm) == lex._match_zh_scan(norm)


def test_simplified_conversion_run_by_run_equals_whole_text() -> None:
    from laborlens.core.products.lexicon import _to_simplified

    for text in ["純棉襯衫 100% cotton 紅棗", "T恤 純棉", "多晶矽料, 光伏組件"]:
        whole = str(_to_simplified().convert(text.casefold()))
        assert normalise(text) == whole
