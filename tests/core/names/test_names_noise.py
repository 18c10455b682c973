"""Rules against false leads on non-listed names, and the speed-ups that must not change results.

Each rule of docs/names.md "Noise rules" has a test here: the background list of common words,
specificity and containment, short names needing near-exact coverage, misspelt lexicon words,
one-word typos, the blocking credit of keys, and the per-name result cache.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core import names
from laborlens.core.model import ListEntry, ListInfo, Record
from laborlens.core.names.compare import compare
from laborlens.core.names.lexicon import misspelt_lexicon_word

TODAY = date(2026, 6, 1)


def _band(index: names.NameIndex, a: str, b: str) -> str | None:
    return names.band(names.compare_names(index, a, b).score)


def _user_index(*entries: ListEntry) -> names.NameIndex:
    info = ListInfo(
        "user", "user list", "tester", "test", date(2026, 1, 1), 1, 1, "ab" * 32, True, user=True
    )
    return names.build_name_index(entries, {"user": info})


def test_common_english_words_are_flagged_from_the_background_list(
    lexicon: names.Lexicon,
) -> None:
    tokens = {t.key: t for t in names.analyse("Ocean Hoshine Daqo Royal", lexicon).tokens}
    assert tokens["ocean"].common and tokens["royal"].common
    assert not tokens["hoshine"].common and not tokens["daqo"].common
    assert len(lexicon.common) > 5000


def test_specificity_counts_uncommon_words_common_words_and_pinyin_syllables(
    lexicon: names.Lexicon,
) -> None:
    def spec(name: str) -> float:
        return names.analyse(name, lexicon).specificity

    assert spec("HIZBALLAH") == 1.0  # one uncommon word
    assert spec("ATLANTIC") == 0.5  # one common word
    assert spec("HUA FU") == spec("Huafu") == spec("华福") == 0.5  # one two-syllable name
    assert spec("Zhongtai Tianshan") == 1.5  # four syllables
    assert spec("Ocean Imports") == 1.0  # ocean is English here, not o-ce-an
    assert spec("Co., Ltd.") == 0.0
    assert spec("Zhongtai Chemical") == 1.0  # a Chinese name and an industry word


def test_a_common_word_or_chinese_given_name_is_not_contained_in_a_longer_name(
    bundled_index: names.NameIndex,
) -> None:
    assert _band(bundled_index, "Ocean Imports Co., Ltd.", "FIRST OCEAN GMBH & CO KG") is None
    assert _band(bundled_index, "Yiwu Jintai Packaging Inc.", "JIN TAI") is None
    # a specific name inside a longer one is still worth a review
    assert _band(bundled_index, "LEBANESE HIZBALLAH", "HIZBALLAH") is not None


def test_short_names_need_near_exact_coverage_of_the_other_name(
    bundled_index: names.NameIndex,
) -> None:
    cmp = names.compare_names(bundled_index, "Atlantic Foods Co., Ltd.", "ATLANTIC")
    assert names.band(cmp.score) is None and "short_name_partial" in cmp.penalties
    assert _band(bundled_index, "Xinjiang Huafu Textile Co., Ltd.", "HUA FU") is None
    # names-v2: a romanised name that renders the start of a Chinese name is its possible short
    # form (an English short name of a Taiwan company, ``Haiwan`` for 海灣國際開發), never strong
    assert _band(bundled_index, "新疆华福纺织有限公司", "HUA FU") != "strong"
    # the same short name is still found
    # (names-v2: one common English word equal on both sides is a lead to review, not strong)
    assert _band(bundled_index, "Atlantic", "ATLANTIC") == "possible"
    assert _band(bundled_index, "Hua Fu Co., Ltd.", "HUA FU") is not None


def test_two_unspecific_names_differing_in_generic_words_are_at_most_possible(
    bundled_index: names.NameIndex,
) -> None:
    cmp = names.compare_names(bundled_index, "Atlantic Holdings Group Co., Ltd.", "ATLANTIC")
    assert names.band(cmp.score) == "possible"
    assert "short_name_generic_differs" in cmp.penalties
    # a one-word list name in a real manufacturer's name (HKEX 2232) is no lead at all
    cmp = names.compare_names(bundled_index, "Crystal International Group Limited", "CRYSTAL")
    assert names.band(cmp.score) is None


def test_misspelt_lexicon_words_are_read_as_the_word_they_misspell(
    lexicon: names.Lexicon,
) -> None:
    a = names.analyse("KUNLUN HOIDING COMPANY LTD.", lexicon)
    assert [t.role for t in a.tokens if t.role == "core"] == ["core"]  # only kunlun
    assert "hoiding" in " ".join(t.text for t in a.tokens)  # the text as written is kept
    b = names.analyse("SAD IMPORT EXP0RT COMPANY", lexicon)
    assert any(t.via == "lexicon" and t.role == "industry" for t in b.tokens)
    # real words and pinyin words are never corrected
    assert misspelt_lexicon_word("grading", lexicon) is None
    assert misspelt_lexicon_word("zhongtai", lexicon) is None
    assert misspelt_lexicon_word("technoiogy", lexicon) == "technology"


def test_one_edit_in_a_short_one_word_name_is_not_a_lead_unless_ocr_look_alike(
    bundled_index: names.NameIndex,
) -> None:
    cmp = names.compare_names(bundled_index, "Midea Group Co., Ltd.", "MIDSEA")
    assert names.band(cmp.score) is None and "short_word_typo" in cmp.penalties
    assert _band(bundled_index, "UNLDAS S.A.", "UNIDAS S.A.") is not None  # l / I look alike


def test_blocking_finds_every_reference_name_that_compares_as_a_match() -> None:
    """Candidate generation with its tighter bounds loses no reference that would match."""
    entries = [
        ListEntry("user", f"u{i}", name)
        for i, name in enumerate(
            [
                "Xinjiang Daqo New Energy Co., Ltd.",
                "Hoshine Silicon Industry Co., Ltd.",
                "Xinjiang Zhongtai Chemical Co., Ltd.",
                "HUA FU",
                "ATLANTIC",
                "LEBANESE HIZBALLAH",
                "Nanjing Synergy Textiles Co., Ltd.",
                "Camel Group Co., Ltd.",
            ]
        )
    ]
    idx = _user_index(*entries)
    cfg = names.MatchConfig()
    queries = [
        "新疆大全新能源股份有限公司",
        "Xinjiang Daqo New Energy",
        "Hoshlne Silicon Industry",
        "Zhong Tai Chemical",
        "Hua Fu Company",
        "HIZBALLAH",
        "Nanjing Synergy Textile",
        "CAMEL GROUP",
        "Atlantic Foods",
    ]
    for text in queries:
        q = names.analyse(text, idx.lexicon)
        qw = idx.query_weights(q)
        found = set(names.candidates(idx, q, qw, cfg))
        for ri, ref in enumerate(idx.refs):
            score = compare(q, qw, ref.analysis, list(ref.weights)).score
            if score >= cfg.possible:
                assert ri in found, (text, ref.name, score)


def test_cached_scores_respect_the_date_and_can_be_cleared() -> None:
    idx = _user_index(
        ListEntry("user", "u1", "Hoshine Silicon Industry Co., Ltd.", effective_date=TODAY)
    )
    rec = Record(1, "1", name="Hoshine Silicon Industry")
    before = names.match_names(idx, rec, date(2026, 1, 1))
    after = names.match_names(idx, rec, TODAY)
    assert before == [] and after and after[0].entry_id == "u1"
    names.clear_caches()
    assert names.match_names(idx, rec, TODAY) == after


_WORDS = st.sampled_from(
    ["ocean", "hua", "fu", "atlantic", "hoshine", "daqo", "textile", "group", "新疆", "华福", "co"]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=5), st.lists(_WORDS, min_size=1, max_size=5))
def test_noise_rules_keep_scores_symmetric_and_in_unit_interval(
    bundled_index: names.NameIndex, a: list[str], b: list[str]
) -> None:
    x, y = " ".join(a), " ".join(b)
    s1 = names.compare_names(bundled_index, x, y).score
    s2 = names.compare_names(bundled_index, y, x).score
    assert 0.0 <= s1 <= 1.0
    assert abs(s1 - s2) < 1e-9
