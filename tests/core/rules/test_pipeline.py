"""Products and rules inside the screening pipeline (screen_record on the bundled index)."""

from __future__ import annotations

from datetime import date

import pytest

from laborlens.core.lists import load_bundled
from laborlens.core.model import Record, ScreenResult
from laborlens.core.rules import REGIME_IDS
from laborlens.core.screen import ScreeningIndex, screen_record
from laborlens.ops.screening import index_for


@pytest.fixture(scope="module")
def index() -> ScreeningIndex:
    """The process-wide bundled index (shared with ``laborlens explain`` in the CLI tests)."""
    return index_for(load_bundled())


def _regimes(result: ScreenResult) -> dict[str, str]:
    return {o.regime: o.outcome for o in result.regimes}


def test_cotton_tshirts_from_china(index: ScreeningIndex) -> None:
    rec = Record(1, "PO-1", product="100% cotton T-shirts", hs_code="6109.10", country="CN")
    r = screen_record(rec, index, date(2026, 1, 15))
    sectors = {f.sector for f in r.findings if f.kind == "sector"}
    goods = {f.good for f in r.findings if f.kind == "goods_list"}
    assert sectors == {"cotton", "apparel"} and {"Cotton", "Garments"} <= goods
    assert tuple(o.regime for o in r.regimes) == REGIME_IDS
    out = _regimes(r)
    assert out["us_uflpa"] == "elevated_risk" and out["eu_flr"] == "not_in_force"
    assert r.risk == "medium"


def test_before_uflpa_applied(index: ScreeningIndex) -> None:
    rec = Record(1, "PO-1", product="100% cotton T-shirts", country="CN")
    out = _regimes(screen_record(rec, index, date(2022, 6, 20)))
    assert out["us_uflpa"] == "not_in_force" and out["mx_forced_labour"] == "not_in_force"


def test_aluminium_sector_from_its_designation(index: ScreeningIndex) -> None:
    rec = Record(1, "PO-2", product="6063 aluminium extrusions", country="VN")
    before = screen_record(rec, index, date(2024, 7, 8))
    assert not [f for f in before.findings if f.kind == "sector"]
    assert _regimes(before)["us_uflpa"] == "no_trigger"
    after = screen_record(rec, index, date(2024, 7, 9))
    assert _regimes(after)["us_uflpa"] == "elevated_risk" and after.risk == "low"


def test_bad_hs_code_is_a_row_error(index: ScreeningIndex) -> None:
    r = screen_record(Record(4, "x", hs_code="77.01", source="po.csv"), index, date(2026, 1, 15))
    assert r.risk == "none"
    assert any(e.column == "hs_code" and e.row == 4 for e in r.errors)
