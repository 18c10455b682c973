"""Comparison features and the combined names-v2 score."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core import names
from laborlens.core.names.features import latin_similarity, ocr_skeleton, pinyin_similarity


def test_latin_similarity_allows_one_typo_from_four_letters() -> None:
    assert latin_similarity("hoshine", "hoshlne") == 0.88
    assert latin_similarity("abc", "abd") == 0.0
    assert latin_similarity("zhongtai", "zhongtaii") > 0.8
    assert latin_similarity("import", "export") == 0.0


def test_ocr_lookalikes_count_as_one_edit() -> None:
    assert ocr_skeleton("telecorn") == ocr_skeleton("telecom")
    assert latin_similarity("ghavarnin", "ghavamin") == 0.88


def test_pinyin_similarity_accepts_brand_spellings_that_keep_initials() -> None:
    assert pinyin_similarity(("da", "quan"), "daquan") == 1.0
    assert pinyin_similarity(("da", "quan"), "daqo") == 0.8
    assert pinyin_similarity(("fu", "long"), "fulmen") < 0.75


def test_han_name_matches_english_name_with_explanation(
    bundled_index: names.NameIndex,
) -> None:
    c = names.compare_names(
        bundled_index, "新疆大全新能源股份有限公司", "Xinjiang Daqo New Energy Co., Ltd."
    )
    assert names.band(c.score) == "strong"
    hows = {p.how for p in c.parts}
    assert {"translation", "pinyin_fuzzy", "legal_form"} <= hows


def test_word_order_legal_form_and_joined_syllables(bundled_index: names.NameIndex) -> None:
    ref = "Xinjiang Zhongtai Chemical Co., Ltd."
    for q in [
        "Zhongtai Chemical Xinjiang",
        "XINJIANG ZHONG TAI CHEMICAL COMPANY LIMITED",
        "新疆中泰化学股份有限公司",
        "新疆中泰化學股份有限公司",
    ]:
        assert names.band(names.compare_names(bundled_index, q, ref).score) is not None, q


def test_different_pinyin_cores_are_not_typos(bundled_index: names.NameIndex) -> None:
    c = names.compare_names(
        bundled_index, "Xinjiang Zhongtian Chemical", "Xinjiang Zhongtai Chemical"
    )
    assert names.band(c.score) is None


def test_number_conflict_and_region_conflict(bundled_index: names.NameIndex) -> None:
    assert names.band(names.compare_names(bundled_index, "Da Wang 1", "Da Wang 2").score) is None
    c = names.compare_names(
        bundled_index, "Shanghai Tianwei Food", "Tianjin Tianwei Food Co., Ltd."
    )
    assert "region_conflict" in c.penalties and names.band(c.score) != "strong"


def test_abbreviation_alone_is_at_most_possible(bundled_index: names.NameIndex) -> None:
    c = names.compare_names(bundled_index, "BATM", "British American Tobacco Malawi")
    assert names.band(c.score) == "possible"
    assert c.parts[0].how == "initialism"
    # a well-known abbreviation in the lexicon is a translation, not a guess
    c = names.compare_names(bundled_index, "XPCC", "Xinjiang Production and Construction Corps")
    assert names.band(c.score) == "strong"
    c = names.compare_names(bundled_index, "STC", "Shanghai Tianlong Chemical")
    assert names.band(c.score) is None
    c = names.compare_names(bundled_index, "BAT Malawi", "British American Tobacco Malawi")
    assert names.band(c.score) is not None


_WORDS = st.sampled_from(
    [
        "Xinjiang",
        "Daqo",
        "New",
        "Energy",
        "Co.,",
        "Ltd.",
        "Hoshine",
        "Silicon",
        "新疆",
        "大全",
        "有限公司",
        "Group",
        "Trading",
        "Zhong",
        "Tai",
        "BAT",
        "2",
        "Hotan",
        "Textile",
        "纺织",
    ]
)


@settings(max_examples=120, deadline=None)
@given(st.lists(_WORDS, max_size=6), st.lists(_WORDS, max_size=6))
def test_scores_are_in_unit_interval_and_symmetric(
    bundled_index: names.NameIndex, a: list[str], b: list[str]
) -> None:
    idx = bundled_index
    x, y = " ".join(a), " ".join(b)
    s1 = names.compare_names(idx, x, y).score
    s2 = names.compare_names(idx, y, x).score
    assert 0.0 <= s1 <= 1.0
    assert abs(s1 - s2) < 0.05


@settings(max_examples=60, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=6))
def test_a_name_matches_itself(bundled_index: names.NameIndex, a: list[str]) -> None:
    idx = bundled_index
    text = " ".join(a)
    c = names.compare_names(idx, text, text)
    if names.analyse(text, idx.lexicon).distinctive:
        # thin names (a short acronym, one common word, lexicon words only) are capped at
        # possible even against themselves; every other name scores 1
        thin = {"short_name", "one_common_word", "lexicon_words_only"} & set(c.penalties)
        assert c.score > 0.99 or (thin and c.score == 0.8), (c.score, c.penalties)
