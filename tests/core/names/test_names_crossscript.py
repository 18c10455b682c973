"""names-v2 cross-script features: renderings (Wade-Giles, Cantonese, CC-CEDICT glosses), short
forms both ways, their blocking keys and explanations; bad input over the analyser."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core import names
from laborlens.core.model import ListEntry, ListInfo, Record
from laborlens.core.names import render
from laborlens.core.names.crossscript import han_profile, short_form

TODAY = date(2026, 6, 1)


def _index(*entries: str) -> names.NameIndex:
    info = ListInfo(
        "user", "user list", "tester", "test", date(2026, 1, 1), 1, 1, "ab" * 32, True, user=True
    )
    return names.build_name_index(
        [ListEntry("user", f"u{i}", n) for i, n in enumerate(entries)], {"user": info}
    )


@pytest.fixture(scope="module")
def idx() -> names.NameIndex:
    return _index(
        "東浦精密光電股份有限公司",
        "光明絲織廠股份有限公司",
        "苏豪弘业",
        "中国石油化工股份有限公司",
        "五洲特种纸业集团股份有限公司",
        "Great Wall Motor Co., Ltd.",
        "大展證券股份有限公司",
        "Xinjiang Zhonghe Co., Ltd.",
    )


def test_segmentation_and_glosses_come_from_cc_cedict() -> None:
    assert render.segment("长城汽车") == ("长城", "汽车")
    assert ("great", "wall") in render.glosses_of("长城")
    assert render.glosses_of("长") == ()  # one character is too ambiguous to translate


def test_readings_cover_pinyin_wade_giles_cantonese_and_variants() -> None:
    light = render.readings("光")
    assert {"guang", "kuang", "kwong", "kwang"} <= light
    assert {"lu", "lv", "lyu"} <= render.readings("绿")  # ü as u / v / yu


def test_alignment_mixes_translation_and_romanisation_and_explains_the_chain() -> None:
    al = render.align("东浦精密", ("dongpu", "precision"), frozenset({4}))
    assert al is not None and al.chars == 4
    assert render.chain(al) == '东 → "dong"; 浦 → "pu"; 精密 → "precision" (translated)'
    great = render.align("长城", ("great", "wall"), frozenset({2}))
    assert great is not None and render.chain(great) == '长城 → "great wall" (translated)'
    assert render.align("长城", ("long", "wall"), frozenset({2})) is None


@pytest.mark.parametrize(
    ("short", "full", "how"),
    [
        ("東浦", "東浦精密光電股份有限公司", "short_form"),  # the start of the name
        ("五洲特纸", "五洲特种纸业集团股份有限公司", "short_form"),  # starts of its words
        ("中石化", "中国石油化工股份有限公司", "short_form"),  # first characters of words
        ("Kwang Ming", "光明絲織廠股份有限公司", "short_form"),  # Wade-Giles variant start
        ("TACHAN", "大展證券股份有限公司", "short_form"),  # Wade-Giles written together
        ("SHHY", "苏豪弘业", "initials"),  # pinyin initials
    ],
)
def test_short_forms_are_possible_matches_and_say_how(
    idx: names.NameIndex, short: str, full: str, how: str
) -> None:
    for a, b in ((short, full), (full, short)):
        cmp = names.compare_names(idx, a, b)
        assert names.band(cmp.score) == "possible", (a, b, cmp)
        assert cmp.short_form.startswith(how)


def test_screening_finds_short_forms_through_their_blocking_keys(idx: names.NameIndex) -> None:
    for short, full in [
        ("東浦", "東浦精密光電股份有限公司"),
        ("Kwang Ming", "光明絲織廠股份有限公司"),
    ]:
        found = names.match_names(idx, Record(1, "1", name=short), TODAY)
        assert full in {f.entry_name for f in found}, short
        f = next(f for f in found if f.entry_name == full)
        assert f.algorithm == "names-v2" and f.match == "possible"
        assert "short form" in f.why


def test_translated_name_matches_and_the_finding_shows_the_chain(idx: names.NameIndex) -> None:
    found = names.match_names(idx, Record(1, "1", name="长城汽车股份有限公司"), TODAY)
    f = next(f for f in found if f.entry_name == "Great Wall Motor Co., Ltd.")
    assert f.match is not None
    assert '长城 → "great wall"' in f.why
    parts = dict(f.details)["parts"]
    assert any(p["how"] == "translated" and "chain" in p for p in parts)


def test_a_short_form_needs_its_own_evidence(idx: names.NameIndex) -> None:
    # a region-bearing Latin name is not a short name of a longer Chinese one
    assert (
        short_form(
            names.analyse("Xinjiang Zhonghe Co., Ltd.", idx.lexicon),
            names.analyse("中核科技", idx.lexicon),
        )
        is None
    )
    # one character, or a translation of a common word, is not a short form
    assert names.band(names.compare_names(idx, "東", "東浦精密光電股份有限公司").score) is None
    assert names.band(names.compare_names(idx, "北方", "North Group Holding Corp.").score) is None


def test_han_profile_drops_region_and_legal_form(idx: names.NameIndex) -> None:
    p = han_profile(names.analyse("南京高华科技股份有限公司", idx.lexicon))
    assert p is not None and p.han == "高华科技" and p.full.startswith("南京")
    assert han_profile(names.analyse("Great Wall Motor", idx.lexicon)) is None


def test_taiwan_abbreviated_legal_form_is_read(idx: names.NameIndex) -> None:
    a = names.analyse("海灣國際開發(股)公司", idx.lexicon)
    assert [t.role for t in a.tokens][-1] == "legal"
    assert "gu" not in {t.key for t in a.tokens}


_NOISE = st.one_of(
    st.sampled_from(
        [
            "Co., Ltd.",
            "有限公司",
            "股份有限公司",
            "LLC Inc. GmbH",
            "12345",
            "０１２３",
            "!!! --- ...",
            "（）【】",
            "\u3000\u3000",
            "\x00\x1f\x7f",
            "\u200b\u200d\ufeff",
        ]
    ),
    st.text(alphabet=st.sampled_from("\u3000\x00\x07 -.,()（）【】!?"), max_size=40),
    st.text(alphabet=st.characters(categories=["Nd"]), max_size=20),
)


@settings(max_examples=120, deadline=None)
@given(_NOISE)
def test_noise_names_are_not_distinctive_and_give_a_row_error(text: str) -> None:
    """Legal forms only, digits only, punctuation only, control characters, ideographic spaces:
    no match, and a per-row error naming the column."""
    idx = _NOISE_INDEX
    a = names.analyse(text, idx.lexicon)
    res = names.match_record(idx, Record(7, "x", name=text), TODAY)
    if text and not any(t.role == "number" for t in a.tokens):
        assert not a.distinctive
        assert res.errors and res.errors[0].column == "name" and res.errors[0].row == 7
    assert all(f.match != "strong" for f in res.findings)


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("新疆大全能源光明ＡＢＣabc\u3000 \t\x00\x1b（）-·1２"),
        min_size=1,
        max_size=80,
    ),
    st.integers(min_value=1, max_value=80),
)
def test_mixed_scripts_full_width_and_long_names_never_crash(text: str, times: int) -> None:
    idx = _NOISE_INDEX
    long = (text * times)[:5000]
    res = names.match_record(idx, Record(1, "x", name=long, aliases=(text,)), TODAY)
    for f in res.findings:
        assert 0.0 <= f.score <= 1.0 and f.algorithm == "names-v2"
    if len(long) > names.DEFAULT_CONFIG.max_name_chars:
        assert any("characters long" in e.message for e in res.errors)
    # full-width letters and ideographic spaces fold like their ASCII forms
    assert (
        names.analyse("ＤＡＱＯ\u3000新能源", idx.lexicon).key()
        == names.analyse("DAQO 新能源", idx.lexicon).key()
    )


_NOISE_INDEX = _index("Xinjiang Daqo New Energy Co., Ltd.", "新疆大全新能源股份有限公司", "光明")
