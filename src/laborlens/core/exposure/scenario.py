"""Scenario: "replace X % of the tainted volume of sector S by date D" (pure arithmetic).

* **Baseline**: the sector's lines of the last 12 months up to the as-of date (the exposure
  report's month figures); *tainted* are the lines whose outcome is in ``outcomes`` (by default
  ``presumption`` and ``prohibited_entity``). Their sum is the yearly run rate.
* **Volume to move**: X % of the tainted run rate, by value and by quantity (per base unit).
* **Cover**: per base unit (kg, pcs, m …), the ranked, eligible candidates take that unit's
  volume in rank order, each up to its available yearly capacity in the same unit; candidates
  without a stated capacity are listed but take nothing, because nothing in the data says how
  much they could take. Value moves with quantity (each unit's tainted lines' average value per
  unit); tainted lines without a usable quantity cannot be allocated and stay in the gap.
* **Remaining exposure**: the tainted run rate after the plan, as a share of the sector's run
  rate: once if the whole target is moved, once if only the covered part is.
* **Timeline**: the last 12 months as they were, then month by month to D, moving an equal
  part of the target each month.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

from laborlens.core.exposure.alternatives import Candidate, candidate_dict

DEFAULT_OUTCOMES: tuple[str, ...] = ("presumption", "prohibited_entity")


def _month(day: date) -> tuple[int, int]:
    return day.year, day.month


def _shift(ym: tuple[int, int], months: int) -> tuple[int, int]:
    index = ym[0] * 12 + ym[1] - 1 + months
    return index // 12, index % 12 + 1


def _label(ym: tuple[int, int]) -> str:
    return f"{ym[0]:04d}-{ym[1]:02d}"


def _window(as_of: date) -> list[str]:
    end = _month(as_of)
    return [_label(_shift(end, -k)) for k in range(11, -1, -1)]


def _baseline(
    rows: Sequence[Mapping[str, Any]], sector: str, months: Sequence[str], outcomes: Collection[str]
) -> dict[str, Any]:
    total = 0.0
    tainted = 0.0
    quantity: dict[str, float] = {}
    per_month = dict.fromkeys(months, 0.0)
    for r in rows:
        if r["sector"] != sector or r["month"] not in per_month:
            continue
        total += float(r["value"])
        if r["outcome"] in outcomes:
            tainted += float(r["value"])
            per_month[r["month"]] += float(r["value"])
            for unit, q in r["quantity"].items():
                quantity[unit] = quantity.get(unit, 0.0) + float(q)
    return {
        "sector_value": total,
        "tainted_value": tainted,
        "tainted_quantity": quantity,
        "per_month": per_month,
    }


def window_dates(as_of: date) -> tuple[date, date]:
    """First and last day of the 12-month window ending with the as-of date."""
    first = _shift(_month(as_of), -11)
    return date(first[0], first[1], 1), as_of


def _allocate(
    candidates: Sequence[Candidate], targets: Mapping[str, float]
) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """Allocate each unit's target to the candidates in rank order; returns the candidates
    with what each takes, and what is left per unit."""
    out: list[dict[str, Any]] = []
    left = dict(targets)
    for position, cand in enumerate(candidates, start=1):
        row = candidate_dict(cand, position)
        unit, take = cand.capacity.unit, 0.0
        if cand.eligible and unit in left and cand.capacity.available and left[unit] > 0:
            take = min(left[unit], cand.capacity.available)
            left[unit] -= take
        row["allocated"] = take
        row["allocated_unit"] = unit if take else None
        out.append(row)
    return out, left


def plan(
    report: Mapping[str, Any],
    *,
    sector: str,
    label: str,
    replace_pct: float,
    by: date,
    as_of: date,
    candidates: Sequence[Candidate],
    tainted_by_unit: Mapping[str | None, tuple[float, float]],
    outcomes: Collection[str] = DEFAULT_OUTCOMES,
) -> dict[str, Any]:
    """The scenario (see the module docstring) as a JSON-able dict.

    Args:
        report: the exposure report (its ``sector_month`` rows give the monthly history).
        tainted_by_unit: per base unit (``None`` = lines without a usable quantity), the
            (value, quantity) of the sector's tainted lines in the 12-month window.

    Raises:
        ValueError: ``replace_pct`` outside (0, 100] or ``by`` not after ``as_of``.
    """
    if not 0 < replace_pct <= 100:
        raise ValueError(f"--replace: {replace_pct:g} is not a percentage above 0 and up to 100")
    if by <= as_of:
        raise ValueError(f"--by: {by.isoformat()} is not after the as-of date {as_of.isoformat()}")
    months = _window(as_of)
    base = _baseline(report.get("sector_month", []), sector, months, set(outcomes))
    share = replace_pct / 100.0
    tainted_value = sum(v for v, _ in tainted_by_unit.values())
    to_move_value = share * tainted_value
    targets = {u: share * q for u, (_, q) in tainted_by_unit.items() if u is not None and q > 0}
    per_unit_value = {u: v / q for u, (v, q) in tainted_by_unit.items() if u is not None and q > 0}
    allocated, left = _allocate(candidates, targets)
    covered = {u: targets[u] - left[u] for u in targets}
    covered_value = sum(covered[u] * per_unit_value[u] for u in covered)
    coverage = covered_value / to_move_value if to_move_value else 0.0
    sector_value = base["sector_value"]
    timeline = [
        {
            "month": m,
            "phase": "history",
            "remaining": base["per_month"][m],
            "moved_covered": 0.0,
            "moved_uncovered": 0.0,
        }
        for m in months
    ]
    steps = max(1, (by.year * 12 + by.month) - (as_of.year * 12 + as_of.month))
    rate = tainted_value / 12.0
    for i in range(1, steps + 1):
        moved = rate * share * i / steps
        timeline.append(
            {
                "month": _label(_shift(_month(as_of), i)),
                "phase": "plan",
                "remaining": rate - moved,
                "moved_covered": moved * min(1.0, coverage),
                "moved_uncovered": moved * (1 - min(1.0, coverage)),
            }
        )

    def left_share(moved_value: float) -> float | None:
        return (tainted_value - moved_value) / sector_value if sector_value else None

    no_qty = tainted_by_unit.get(None, (0.0, 0.0))[0] * share
    return {
        "title": f"Replace {replace_pct:g} % of the tainted {label} volume by {by.isoformat()}",
        "sector": sector,
        "label": label,
        "replace_pct": replace_pct,
        "by": by.isoformat(),
        "as_of": as_of.isoformat(),
        "tainted_outcomes": sorted(outcomes),
        "window": {"from": months[0], "to": months[-1], "months": len(months)},
        "baseline": {
            "sector_value_per_year": round(sector_value, 2),
            "tainted_value_per_year": round(tainted_value, 2),
            "tainted_share": _round(tainted_value / sector_value) if sector_value else None,
            "tainted_quantity_per_year": {
                u: round(q, 6) for u, (_, q) in tainted_by_unit.items() if u is not None
            },
        },
        "to_move": {
            "value_per_year": round(to_move_value, 2),
            "quantity_per_year": {u: round(q, 6) for u, q in targets.items()},
            "value_without_quantity": round(no_qty, 2),
        },
        "measure": f"value ({report.get('currency', '')})",
        "covered": {
            "value_per_year": round(covered_value, 2),
            "share_of_target": _round(coverage),
            "quantity_per_year": {u: round(q, 6) for u, q in covered.items()},
        },
        "gap": {
            "value_per_year": round(to_move_value - covered_value, 2),
            "quantity_per_year": {u: round(q, 6) for u, q in left.items()},
        },
        "after": {
            "tainted_value_per_year_if_all_moved": round(tainted_value - to_move_value, 2),
            "tainted_share_if_all_moved": _round(left_share(to_move_value)),
            "tainted_value_per_year_if_covered_moved": round(tainted_value - covered_value, 2),
            "tainted_share_if_covered_moved": _round(left_share(covered_value)),
        },
        "candidates": allocated,
        "candidates_without_capacity": sum(
            1 for c in candidates if c.eligible and c.capacity.available is None
        ),
        "timeline": timeline,
    }


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 6)
