"""Column synonyms and record building (laborlens.core.records)."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core.model import RECORD_FIELDS
from laborlens.core.records import (
    MAX_FIELD_CHARS,
    ColumnMap,
    build_record,
    clean_text,
    field_for_header,
    normalize_header,
    record_from_mapping,
    records_from_mappings,
    to_text,
)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("name", "name"),
        ("NAME", "name"),
        ("Supplier Name", "name"),
        ("supplier_name", "name"),
        ("SupplierName", "name"),
        ("supplier-name", "name"),
        ("Company", "name"),
        ("供应商名称", "name"),
        ("企业名称", "name"),
        ("addr", "address"),
        ("地址", "address"),
        ("City", "address"),
        ("HTS", "hs_code"),
        ("hs", "hs_code"),
        ("HTS Code", "hs_code"),
        ("hts_code", "hs_code"),
        ("海关编码", "hs_code"),
        ("Latitude", "lat"),
        ("lng", "lon"),
        ("统一社会信用代码", "registration_id"),
        ("USCC", "registration_id"),
        ("Country of Origin", "country"),
        ("国家/地区", "country"),
        ("英文名称", "aliases"),
        ("Product Description", "product"),
        ("\ufeffid", "id"),
        ("  Phone ", "phone"),
    ],
)
def test_header_synonyms(header: str, field: str) -> None:
    assert field_for_header(header)[0] == field


@pytest.mark.parametrize("header", ["buyer", "annual_spend_usd", "notes", "", "采购员"])
def test_unknown_headers_are_extra(header: str) -> None:
    assert field_for_header(header)[0] is None


def test_canonical_name_beats_synonym_and_first_wins() -> None:
    cmap = ColumnMap.from_headers(["supplier", "Name", "company", "buyer"])
    assert cmap.fields == (None, "name", None, None)
    assert cmap.extra_headers() == ("supplier", "company", "buyer")


def test_blank_headers_are_named_by_position() -> None:
    cmap = ColumnMap.from_headers(["name", "", None])
    assert cmap.headers == ("name", "column_2", "column_3")


def test_build_record_maps_cleans_and_carries_extras_in_order() -> None:
    cmap = ColumnMap.from_headers(
        ["Supplier ID", "Supplier Name", "Buyer", "地址", "City", "HTS", "lat", "lon", "Spend"]
    )
    rec = build_record(
        [
            "S-1",
            "  ACME  Co.\n Ltd ",
            "Alice",
            "88 Heping Rd",
            "Urumqi",
            "5208.12",
            "43.8",
            "87.6",
            1200,
        ],
        cmap,
        row=7,
        source="x.csv",
    )
    assert rec.id == "S-1"
    assert rec.row == 7
    assert rec.name == "ACME Co. Ltd"
    assert rec.address == "88 Heping Rd, Urumqi"
    assert rec.hs_code == "5208.12"
    assert (rec.lat, rec.lon) == (43.8, 87.6)
    assert rec.extra == (("Buyer", "Alice"), ("Spend", "1200"))
    assert rec.errors == ()
    assert rec.source == "x.csv"


def test_id_defaults_to_row_number() -> None:
    rec = build_record(["Foo Ltd", ""], ColumnMap.from_headers(["name", "id"]), row=12)
    assert rec.id == "12"


def test_aliases_split_merge_and_promote_to_name() -> None:
    cmap = ColumnMap.from_headers(["aliases", "english_name"])
    rec = build_record(["甲公司；乙公司; 甲公司", "Jia Co"], cmap, row=1)
    assert rec.name == "甲公司"
    assert rec.aliases == ("乙公司", "Jia Co")
    assert rec.is_screenable()


@pytest.mark.parametrize(
    ("lat", "lon", "column"),
    [
        ("north", "87.6", "lat"),
        ("95", "87.6", "lat"),
        ("43.8", "190", "lon"),
        ("nan", "1", "lat"),
        ("inf", "1", "lat"),
    ],
)
def test_bad_coordinates_give_a_row_error_naming_the_column(
    lat: str, lon: str, column: str
) -> None:
    rec = build_record(
        ["X", lat, lon], ColumnMap.from_headers(["name", "lat", "lon"]), row=3, source="f.csv"
    )
    assert rec.lat is None and rec.lon is None
    assert [e.column for e in rec.errors] == [column]
    assert rec.errors[0].row == 3 and rec.errors[0].source == "f.csv"
    assert "f.csv, row 3, column" in str(rec.errors[0])


def test_lat_without_lon() -> None:
    rec = build_record(["X", "43.8", ""], ColumnMap.from_headers(["name", "lat", "lon"]), row=1)
    assert rec.lat is None and rec.lon is None
    assert rec.errors[0].column == "lon"


def test_decimal_comma_coordinates() -> None:
    rec = build_record(["X", "43,8", "87,6"], ColumnMap.from_headers(["name", "lat", "lon"]), 1)
    assert (rec.lat, rec.lon) == (43.8, 87.6)


def test_over_long_field_is_truncated_with_error() -> None:
    long = "x" * 10_000
    rec = build_record([long, "ok"], ColumnMap.from_headers(["address", "name"]), row=2)
    assert rec.address is not None and len(rec.address) == MAX_FIELD_CHARS
    assert rec.name == "ok"
    assert len(rec.errors) == 1
    assert rec.errors[0].column == "address"
    assert "10,000 characters" in rec.errors[0].message


def test_control_characters_removed_with_error() -> None:
    rec = build_record(["Foo\x00 Bar\x07"], ColumnMap.from_headers(["name"]), row=1)
    assert rec.name == "Foo Bar"
    assert rec.errors[0].message == "control characters removed"


def test_newlines_tabs_and_zero_width_are_silent() -> None:
    text, problems = clean_text("Foo\u200b\tCo.\r\nLtd\ufeff")
    assert text == "Foo Co. Ltd"
    assert problems == []


def test_ragged_rows() -> None:
    cmap = ColumnMap.from_headers(["name", "buyer"])
    short = build_record(["Foo"], cmap, row=1)
    assert short.extra == (("buyer", ""),) and short.errors == ()
    long = build_record(["Foo", "Bob", "surplus"], cmap, row=2)
    assert long.extra == (("buyer", "Bob"), ("column_3", "surplus"))
    assert "3 values" in long.errors[0].message


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        ("abc", "abc"),
        (520812.0, "520812"),
        (43.8, "43.8"),
        (7, "7"),
        (True, "true"),
        (Decimal("5208.10"), "5208.10"),
        (Decimal("12.00"), "12"),
        (date(2024, 1, 2), "2024-01-02"),
        (datetime(2024, 1, 2), "2024-01-02"),
        (["a", "b", None], "a; b"),
        (math.nan, None),
    ],
)
def test_to_text(value: object, text: str | None) -> None:
    assert to_text(value) == text


def test_record_from_mapping_and_reused_maps() -> None:
    rec = record_from_mapping({"Company": "Foo", "aliases": ["A", "B"], "Lat": 1, "lon": 2}, 5)
    assert rec.name == "Foo" and rec.aliases == ("A", "B") and (rec.lat, rec.lon) == (1.0, 2.0)
    recs = list(records_from_mappings([{"name": "a"}, {"name": "b", "x": "1"}], "api"))
    assert [r.row for r in recs] == [1, 2]
    assert recs[1].extra == (("x", "1"),)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_clean_text_is_idempotent_and_bounded(value: str) -> None:
    once, _ = clean_text(value)
    if once is None:
        return
    twice, problems = clean_text(once)
    assert twice == once
    assert problems == []
    assert len(once) <= MAX_FIELD_CHARS


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.text(max_size=12), min_size=1, max_size=8),
    st.data(),
)
def test_any_row_builds_a_record_and_keeps_every_extra(
    headers: list[str], data: st.DataObject
) -> None:
    cmap = ColumnMap.from_headers(headers)
    values = data.draw(
        st.lists(
            st.one_of(st.none(), st.text(max_size=30), st.integers(), st.floats()), max_size=10
        )
    )
    rec = build_record(values, cmap, row=1, source="h")
    assert rec.row == 1 and rec.id
    extras = [h for h, f in zip(cmap.headers, cmap.fields, strict=True) if f is None]
    assert [h for h, _ in rec.extra][: len(extras)] == extras
    assert all(e.row == 1 for e in rec.errors)


def test_record_fields_all_have_a_column() -> None:
    for name in RECORD_FIELDS:
        assert field_for_header(name) == (name, True)
    assert normalize_header(" HS-Code ") == "hs_code"
