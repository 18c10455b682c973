"""The geo layer inside screening: region findings and the inferred country on results."""

from __future__ import annotations

from datetime import date

from laborlens.core.geo import ALGORITHM
from laborlens.core.lists import load_bundled
from laborlens.core.model import Record
from laborlens.core.screen import ScreeningIndex, screen_record


def test_screen_reports_xinjiang_and_country() -> None:
    index = ScreeningIndex.build(load_bundled())
    rec = Record(row=3, id="S-3", name="Acme Cotton Co", address="Shihezi 832000")
    res = screen_record(rec, index, date(2025, 1, 1))
    regions = [f for f in res.findings if f.kind == "region"]
    assert [f.region for f in regions] == ["CN-XJ"]
    assert res.country == "CN" and res.country_inferred
    out = res.to_dict()
    region = next(f for f in out["findings"] if f["kind"] == "region")
    assert region["evidence"] == ["Shihezi", "832000"]
    assert region["algorithm"] == ALGORITHM == "geo-v3"
    assert ALGORITHM in out["algorithms"]


def test_screen_keeps_bad_coordinates_as_row_errors() -> None:
    index = ScreeningIndex.build(load_bundled())
    rec = Record(row=7, id="S-7", name="Acme", lat=95.0, lon=43.0, source="in.csv")
    res = screen_record(rec, index, date(2025, 1, 1))
    assert any(e.column == "lat" and e.row == 7 for e in res.errors)
    assert not [f for f in res.findings if f.kind == "region"]
