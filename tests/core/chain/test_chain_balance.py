"""Mass balance (yields, units, periods, declarations) and exposure shares."""

from __future__ import annotations

import math

import pytest
from chain_helpers import chain, listed, run, xj


def _lint(src: str, dst: str, t: float, period: str = "2025-01", **kw: object) -> dict[str, object]:
    return {
        "from": src,
        "to": dst,
        "product": "cotton lint",
        "hs_code": "5201",
        "quantity": t,
        "unit": "t",
        "period": period,
        **kw,
    }


def _yarn(src: str, dst: str, t: float, period: str = "2025-01", **kw: object) -> dict[str, object]:
    return {
        "from": src,
        "to": dst,
        "product": "cotton yarn",
        "hs_code": "5205",
        "quantity": t,
        "unit": "t",
        "period": period,
        **kw,
    }


NODES = ["xj", "us", "mill", "buyer"]


def test_shortfall_uses_the_yield_table() -> None:
    # 100 t clean lint makes at most 85 t yarn (yield 0.85); shipping 120 t as untainted fails
    ch = chain(
        NODES, [_lint("xj", "mill", 100), _lint("us", "mill", 100), _yarn("mill", "buyer", 120)]
    )
    res = run(ch, {"xj": [xj()]})
    (row,) = res.node("mill").mass_balance
    assert row.status == "shortfall"
    assert row.unit == "kg"
    assert row.inputs_untainted == pytest.approx(85_000)
    assert row.inputs_tainted == pytest.approx(85_000)
    assert row.outputs_claimed_untainted == pytest.approx(120_000)
    assert row.shortfall == pytest.approx(35_000)


def test_covered_outputs_balance() -> None:
    ch = chain(
        NODES, [_lint("xj", "mill", 100), _lint("us", "mill", 100), _yarn("mill", "buyer", 80)]
    )
    (row,) = run(ch, {"xj": [xj()]}).node("mill").mass_balance
    assert row.status == "ok" and row.shortfall == 0


def test_outputs_declared_tainted_are_not_claimed() -> None:
    ch = chain(
        [*NODES, "other"],
        [
            _lint("xj", "mill", 100),
            _lint("us", "mill", 100),
            _yarn("mill", "buyer", 80),
            _yarn("mill", "other", 80, declared="tainted"),
        ],
    )
    (row,) = run(ch, {"xj": [xj()]}).node("mill").mass_balance
    assert row.outputs_claimed_untainted == pytest.approx(80_000)
    assert row.outputs_total == pytest.approx(160_000)
    assert row.status == "ok"


def test_a_tainted_node_ships_nothing_untainted() -> None:
    ch = chain(NODES, [_lint("us", "mill", 100), _yarn("mill", "buyer", 50)])
    (row,) = run(ch, {"mill": [listed("Mill")]}).node("mill").mass_balance
    assert row.inputs_untainted == 0 and row.shortfall == pytest.approx(50_000)


def test_declared_untainted_inputs_count_unless_the_supplier_is_itself_tainted() -> None:
    ch = chain(
        ["xj", "us", "mill", "weaver", "other"],
        [
            _lint("xj", "mill", 10),
            _lint("us", "mill", 100),
            _yarn("mill", "weaver", 50, declared="untainted"),
            {
                "from": "weaver",
                "to": "other",
                "product": "cotton fabric",
                "hs_code": "5208",
                "quantity": 40,
                "unit": "t",
                "period": "2025-01",
            },
        ],
    )
    res = run(ch, {"xj": [xj()]})
    (row,) = res.node("weaver").mass_balance
    assert row.inputs_untainted == pytest.approx(50_000 * 0.92)
    assert row.status == "ok"
    # the same declaration from a listed supplier does not count
    res2 = run(ch, {"mill": [listed("Mill")]})
    (row2,) = res2.node("weaver").mass_balance
    assert row2.inputs_untainted == 0 and row2.status == "shortfall"


def test_units_convert_and_unknown_conversions_are_incomplete() -> None:
    ch = chain(
        ["a", "b", "mill", "buyer"],
        [
            _lint("a", "mill", 100),
            {"from": "b", "to": "mill", "product": "cotton lint", "quantity": 10, "unit": "bales"},
            {
                "from": "mill",
                "to": "buyer",
                "product": "cotton yarn",
                "quantity": 150_000,
                "unit": "lb",
                "period": "2025-01",
            },
        ],
    )
    res = run(ch)
    rows = {r.period: r for r in res.node("mill").mass_balance}
    assert rows["2025-01"].outputs_total == pytest.approx(150_000 * 0.45359237)
    assert rows[None].inputs_unconverted == 1  # 'bales' is unknown: counted, not converted


def test_inventory_carries_forward_across_periods() -> None:
    ch = chain(
        [*NODES, "other"],
        [
            _lint("us", "mill", 100, "2025-01"),
            _yarn("mill", "buyer", 50, "2025-02"),
            _yarn("mill", "other", 50, "2025-03"),
        ],
    )
    rows = {r.period: r for r in run(ch).node("mill").mass_balance}
    assert rows["2025-02"].status == "ok"
    # 85 t of yarn capacity, 100 t shipped by March
    assert rows["2025-03"].shortfall == pytest.approx(15_000)


def test_origins_have_nothing_to_balance() -> None:
    ch = chain(NODES, [_lint("us", "mill", 100)])
    (row,) = run(ch).node("us").mass_balance
    assert row.status == "origin" and row.shortfall is None


def test_node_yield_overrides_the_table() -> None:
    ch = chain(
        ["us", {"id": "mill", "name": "mill", "yield": 0.5}, "buyer"],
        [_lint("us", "mill", 100), _yarn("mill", "buyer", 60)],
    )
    (row,) = run(ch).node("mill").mass_balance
    assert row.inputs_untainted == pytest.approx(50_000) and row.status == "shortfall"


def test_exposure_by_quantity_and_value() -> None:
    ch = chain(
        NODES,
        [
            _lint("xj", "mill", 30, value=10),
            _lint("us", "mill", 90, value=90),
            _yarn("mill", "buyer", 50),
        ],
    )
    res = run(ch, {"xj": [xj()]})
    ex = res.node("mill").exposure
    assert ex.by_quantity == pytest.approx(0.25)
    assert ex.by_value == pytest.approx(0.10)
    # exposure passes through undiluted when the only input is the mill
    assert res.node("buyer").exposure.by_quantity == pytest.approx(0.25)
    assert res.node("buyer").exposure.by_value is None  # no declared value on that edge
    assert res.node("us").exposure.by_quantity == 0


def test_exposure_with_missing_quantities_falls_back_to_equal_weights() -> None:
    ch = chain(["xj", "us", "mill"], [("xj", "mill"), ("us", "mill")])
    ex = run(ch, {"xj": [xj()]}).node("mill").exposure
    assert ex.by_quantity == pytest.approx(0.5) and not ex.quantity_complete


def test_exposure_converges_on_cycles() -> None:
    ch = chain(
        ["xj", "a", "b"],
        [_lint("xj", "a", 10), _lint("b", "a", 90), _lint("a", "b", 100)],
    )
    res = run(ch, {"xj": [xj()]})
    # a = (10*1 + 90*b)/100 and b = a  ->  a = b = 1 (recycling never dilutes the only source)
    assert res.node("a").exposure.by_quantity == pytest.approx(1.0, abs=1e-6)
    assert not math.isnan(res.node("b").exposure.by_quantity)
