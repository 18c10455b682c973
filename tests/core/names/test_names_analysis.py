"""Name analysis: folding, Han segmentation, pinyin, lexicon concepts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core import names
from laborlens.core.names.lexicon import pinyin_parse
from laborlens.core.names.text import HAVE_ANYASCII, clean, scripts_of


def keys(text: str, lexicon: names.Lexicon) -> list[tuple[str, str]]:
    return [(t.key, t.role) for t in names.analyse(text, lexicon).tokens]


def test_han_name_is_segmented_into_region_core_industry_legal(lexicon: names.Lexicon) -> None:
    assert keys("新疆大全新能源股份有限公司", lexicon) == [
        ("R:新疆", "region"),
        ("daquan", "core"),
        ("W:新能源", "industry"),
        ("L", "legal"),
    ]


def test_english_and_pinyin_renderings_share_concepts(lexicon: names.Lexicon) -> None:
    english = keys("Xinjiang Daqo New Energy Co., Ltd.", lexicon)
    pinyin = keys("Xinjiang Daquan Xin Nengyuan Gufen Youxian Gongsi", lexicon)
    assert english[0] == pinyin[0] == ("R:新疆", "region")
    assert english[2] == pinyin[2] == ("W:新能源", "industry")
    assert english[-1][1] == pinyin[-1][1] == "legal"


def test_traditional_characters_are_unified(lexicon: names.Lexicon) -> None:
    assert keys("新疆有色金屬工業(集團)有限責任公司", lexicon) == keys(
        "新疆有色金属工业(集团)有限责任公司", lexicon
    )


def test_backward_matching_wins_when_forward_splits_the_core(lexicon: names.Lexicon) -> None:
    # forward maximum matching would read 紫|金矿|业; the core is 紫金 (Zijin)
    assert keys("紫金矿业集团股份有限公司", lexicon)[:2] == [
        ("zijin", "core"),
        ("W:矿业", "industry"),
    ]


def test_one_character_word_inside_a_short_core_stays_in_the_core(
    lexicon: names.Lexicon,
) -> None:
    assert keys("泰州市", lexicon)[0] == ("taizhou", "core")
    assert ("G:县", "generic") in keys("洛浦县美欣发制品有限公司", lexicon)


def test_region_spellings_map_to_one_concept(lexicon: names.Lexicon) -> None:
    assert keys("Hotan", lexicon) == keys("Hetian", lexicon) == keys("和田", lexicon)
    assert keys("Aksu", lexicon) == keys("Akesu", lexicon)


def test_alias_markers_and_stop_words_are_dropped(lexicon: names.Lexicon) -> None:
    assert keys("formerly known as Wuxi Shangji CNC Co., Ltd.", lexicon) == keys(
        "Wuxi Shangji CNC Co Ltd", lexicon
    )


def test_ordinals_and_numbers(lexicon: names.Lexicon) -> None:
    assert ("99", "number") in keys("99TH LIGHT INFANTRY DIVISION", lexicon)
    assert ("2", "number") in keys("Tianjin No. 2 Prison", lexicon)


def test_spaced_initials_are_one_word(lexicon: names.Lexicon) -> None:
    assert keys("M D S THMORDA", lexicon)[0] == ("mds", "core")
    assert keys("B R C S.A.", lexicon) == [("brc", "core"), ("L", "legal")]


@pytest.mark.skipif(not HAVE_ANYASCII, reason="anyascii not installed")
def test_other_scripts_are_folded_to_ascii(lexicon: names.Lexicon) -> None:
    a = names.analyse("ООО Ромашка", lexicon)
    assert [(t.key, t.role) for t in a.tokens] == [("L", "legal"), ("romashka", "core")]
    assert a.scripts == ("cyrillic",)


def test_pinyin_parse() -> None:
    syl = names.load_lexicon().syllables
    assert pinyin_parse("daquan", syl) == ("da", "quan")
    assert pinyin_parse("zhongtai", syl) == ("zhong", "tai")
    assert pinyin_parse("hoshine", syl) == ()


def test_noise_is_not_distinctive(lexicon: names.Lexicon) -> None:
    for text in ["", "   ", "Co., Ltd.", "!!! ---", "有限公司", "\x00\x07", "😀😀", "LLC Inc."]:
        assert not names.analyse(text, lexicon).distinctive, text


def test_control_characters_and_emoji_are_removed() -> None:
    assert clean("Daqo\x00 New\u200b Energy 😀") == "Daqo New Energy"
    assert scripts_of("新疆 Daqo") == ("han", "latin")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_analysis_is_total_and_idempotent_over_cleaning(text: str) -> None:
    lex = _LEX
    a = names.analyse(text, lex)
    assert names.analyse(clean(text), lex).key() == a.key()
    assert all(t.key for t in a.tokens)


_LEX = names.load_lexicon()
