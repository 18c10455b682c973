"""Candidate ranking, capacities and the replacement scenario (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from laborlens.core.exposure import alternatives as alt
from laborlens.core.exposure.scenario import plan, window_dates


def _cand(name: str, **kw: object) -> alt.Candidate:
    base: dict[str, object] = {"name": name, "sources": ("facilities",), "key": name}
    base.update(kw)
    return alt.Candidate(**base)  # type: ignore[arg-type]


def test_ranking_puts_ineligible_last_then_risk_then_proven_supply_then_capacity() -> None:
    ranked = alt.rank(
        [
            _cand("listed", risk="high", outcome="presumption", sources=("orders",)),
            _cand("closed", closed=True),
            _cand("medium-known", risk="medium", sources=("orders",)),
            _cand("low-facility", risk="low"),
            _cand(
                "low-master-big",
                risk="low",
                sources=("suppliers",),
                capacity=alt.Capacity(500.0, "kg", "stated"),
            ),
            _cand(
                "low-master-small",
                risk="low",
                sources=("suppliers",),
                capacity=alt.Capacity(50.0, "kg", "stated"),
            ),
            _cand("low-master-unknown", risk="low", sources=("suppliers",)),
        ]
    )
    assert [c.name for c in ranked] == [
        "low-master-big",
        "low-master-small",
        "low-master-unknown",
        "low-facility",
        "medium-known",
        "closed",
        "listed",
    ]
    assert not ranked[-1].eligible and "presumption" in (ranked[-1].why_not() or "")
    assert "closed" in (ranked[-2].why_not() or "")


def test_the_same_supplier_from_several_sources_is_one_candidate() -> None:
    merged = alt.merge(
        [
            _cand(
                "Dhaka Knitwear Ltd",
                supplier_id="S-042",
                sources=("orders",),
                risk="low",
                history_value=100.0,
            ),
            _cand(
                "Dhaka Knitwear Ltd.",
                supplier_id="S-042",
                sources=("suppliers",),
                risk="medium",
                capacity=alt.Capacity(10.0, "pcs", "stated"),
            ),
            _cand("DHAKA KNITWEAR LTD", country="BD", sources=("facilities",)),
            _cand("dhaka knitwear ltd", country="BD", sources=("facilities",)),
        ]
    )
    # the facility rows name no id and a country the others lack: they match each other only
    assert len(merged) == 2
    first = merged[0]
    assert first.sources == ("orders", "suppliers")
    assert first.risk == "medium"  # the stronger screening wins
    assert first.capacity.available == 10.0 and first.history_value == 100.0


def test_capacity_columns_and_current_volume() -> None:
    cap = alt.stated_capacity({"Capacity": "1,200", "Capacity Unit": "t"})
    assert (cap.available, cap.unit) == (1_200_000.0, "kg")
    left = alt.less_current(cap, {"kg": 200_000.0})
    assert left.available == 1_000_000.0 and "less" in left.basis
    assert alt.stated_capacity({"capacity": "lots", "capacity_unit": "t"}).available is None
    assert alt.stated_capacity({"name": "x"}) is alt.NO_CAPACITY
    osh = alt.facility_capacity({alt.OSH_THROUGHPUT: "250000"})
    assert (osh.available, osh.unit) == (250_000.0, "kg")


def test_facility_sector_fit_from_the_os_hub_taxonomy() -> None:
    assert alt.facility_fit("Apparel", "cotton_apparel")[0] == "likely"
    assert alt.facility_fit("Textiles|Apparel Accessories", "cotton_apparel")[0] == "possible"
    assert alt.facility_fit("Apparel", "polysilicon_solar")[0] is None
    assert alt.facility_fit(None, "cotton_apparel")[0] is None


def _report() -> dict[str, object]:
    rows = []
    for month in ("2025-01", "2025-06", "2025-12"):
        rows.append(
            {
                "sector": "s",
                "month": month,
                "outcome": "presumption",
                "value": 1000.0,
                "quantity": {"kg": 100.0},
            }
        )
        rows.append(
            {
                "sector": "s",
                "month": month,
                "outcome": "no_trigger",
                "value": 3000.0,
                "quantity": {"kg": 300.0},
            }
        )
    rows.append(
        {
            "sector": "s",
            "month": "2024-06",
            "outcome": "presumption",
            "value": 9999.0,
            "quantity": {},
        }
    )  # outside the 12-month window
    return {"sector_month": rows, "currency": "USD"}


def test_plan_moves_the_share_and_allocates_by_capacity_in_rank_order() -> None:
    cands = alt.rank(
        [
            _cand("a", risk="low", sources=("suppliers",), capacity=alt.Capacity(100.0, "kg", "")),
            _cand("b", risk="low", sources=("suppliers",), capacity=alt.Capacity(50.0, "kg", "")),
            _cand("c", risk="low"),
            _cand("x", risk="high", outcome="presumption", capacity=alt.Capacity(1e9, "kg", "")),
        ]
    )
    got = plan(
        _report(),
        sector="s",
        label="S",
        replace_pct=50,
        by=date(2026, 6, 30),
        as_of=date(2025, 12, 31),
        candidates=cands,
        tainted_by_unit={"kg": (3000.0, 300.0)},
    )
    assert got["baseline"]["tainted_value_per_year"] == 3000.0
    assert got["baseline"]["sector_value_per_year"] == 12000.0
    assert got["to_move"]["quantity_per_year"] == {"kg": 150.0}
    taken = {c["name"]: c["allocated"] for c in got["candidates"]}
    assert taken == {"a": 100.0, "b": 50.0, "c": 0.0, "x": 0.0}  # x is not eligible
    assert got["covered"]["share_of_target"] == 1.0
    assert got["after"]["tainted_share_if_all_moved"] == pytest.approx(1500 / 12000)
    plan_months = [m for m in got["timeline"] if m["phase"] == "plan"]
    assert [m["month"] for m in plan_months][-1] == "2026-06" and len(plan_months) == 6
    assert plan_months[-1]["remaining"] == pytest.approx(250 * 0.5)


def test_plan_gap_when_capacity_is_short_or_unknown() -> None:
    cands = alt.rank([_cand("a", capacity=alt.Capacity(30.0, "kg", "")), _cand("b")])
    got = plan(
        _report(),
        sector="s",
        label="S",
        replace_pct=100,
        by=date(2026, 3, 31),
        as_of=date(2025, 12, 31),
        candidates=cands,
        tainted_by_unit={"kg": (3000.0, 300.0), None: (500.0, 0.0)},
    )
    assert got["covered"]["quantity_per_year"] == {"kg": 30.0}
    assert got["gap"]["quantity_per_year"] == {"kg": 270.0}
    assert got["to_move"]["value_without_quantity"] == 500.0
    assert got["candidates_without_capacity"] == 1


def test_plan_rejects_bad_options() -> None:
    with pytest.raises(ValueError, match="--replace"):
        plan(
            _report(),
            sector="s",
            label="S",
            replace_pct=0,
            by=date(2026, 1, 1),
            as_of=date(2025, 12, 31),
            candidates=[],
            tainted_by_unit={},
        )
    with pytest.raises(ValueError, match="--by"):
        plan(
            _report(),
            sector="s",
            label="S",
            replace_pct=10,
            by=date(2025, 1, 1),
            as_of=date(2025, 12, 31),
            candidates=[],
            tainted_by_unit={},
        )


def test_window() -> None:
    assert window_dates(date(2025, 12, 31)) == (date(2025, 1, 1), date(2025, 12, 31))
    assert window_dates(date(2025, 3, 15)) == (date(2024, 4, 1), date(2025, 3, 15))
