"""HS / HTSUS code parsing: punctuation, lengths, chapters, repairs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core.products.hs import INVALID_CHAPTERS, parse_hs


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("8541.43", "854143"),
        ("8541.43.0010", "8541430010"),
        ("8541-43-00", "85414300"),
        ("HTS 6109.10.0012", "6109100012"),
        ("hs code: 2804 61", "280461"),
        ("6109 10 00", "61091000"),
        ("52", "52"),
        ("0702.00", "070200"),
        ("702.00", "070200"),  # spreadsheet dropped the leading zero
        ("702", "0702"),
        ("6109.1", "610910"),  # spreadsheet dropped a trailing zero of the decimal part
        ("9897.00.00", "98970000"),  # national chapter (Canada 9897.00.00): valid, no sector
        ("８５４１．４３", "854143"),  # full-width digits
    ],
)
def test_valid_codes(raw: str, digits: str) -> None:
    codes, problems = parse_hs(raw)
    assert problems == ()
    assert [c.digits for c in codes] == [digits]


def test_several_codes_in_one_cell() -> None:
    codes, problems = parse_hs("6109.10; 6110.20 / 6204.62, 6109.10")
    assert [c.digits for c in codes] == ["610910", "611020", "620462"]
    assert problems == ()


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("77.01", "chapter 77 is reserved"),
        ("0012.34", "chapter 00 does not exist"),
        ("1", "1 digits"),
        ("12345678901", "11 digits"),
        ("cotton", "not an HS code"),
        ("8541.4X", "not an HS code"),
        ("--", "holds no HS code"),
    ],
)
def test_invalid_codes_are_explained(raw: str, fragment: str) -> None:
    codes, problems = parse_hs(raw)
    assert codes == ()
    assert len(problems) == 1 and fragment in problems[0]


def test_good_and_bad_parts_are_kept_apart() -> None:
    codes, problems = parse_hs("8541.43; 77.01")
    assert [c.digits for c in codes] == ["854143"] and "77" in problems[0]


def test_empty_is_nothing() -> None:
    assert parse_hs(None) == ((), ()) and parse_hs("  ") == ((), ())


def test_prefixes_and_display() -> None:
    (code,), _ = parse_hs("8541430010")
    assert code.prefixes() == ("85", "8541", "854143", "85414300", "8541430010")
    assert code.dotted() == "8541.43.00.10" and code.chapter == "85"


valid_chapters = (
    st.integers(1, 99).map(lambda n: f"{n:02d}").filter(lambda c: c not in INVALID_CHAPTERS)
)
codes = st.tuples(valid_chapters, st.sampled_from([0, 2, 4, 6, 8])).flatmap(
    lambda t: st.text("0123456789", min_size=t[1], max_size=t[1]).map(lambda r: t[0] + r)
)


@settings(max_examples=200)
@given(codes, st.sampled_from([".", "-", " ", ""]))
def test_punctuation_never_changes_the_code(digits: str, sep: str) -> None:
    pieces = [digits[i : i + 2] for i in range(0, len(digits), 2)]
    dotted = pieces[0] + pieces[1] + sep + sep.join(pieces[2:]) if len(pieces) > 1 else digits
    got, problems = parse_hs(dotted)
    assert problems == ()
    assert [c.digits for c in got] == [digits]
