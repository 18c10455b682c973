"""Scenario: "replace X % of the tainted volume of sector S by date D" (pure arithmetic).

* **Baseline**: the sector's lines of the last 12 months up to the as-of date (the exposure
  report's month figures); *tainted* are the lines whose outcome is in ``outcomes`` (by default
  ``presumption`` and ``prohibited_entity``). Their sum is the yearly run rate.
* **Volume to move**: X % of the tainted run rate, by value and by quantity (per base unit).
* **Cover**: the ranked, eligible candidates take the volume in rank order, each up to its
  available yearly capacity in the allocation unit (the base unit with the largest tainted
  quantity); candidates without a capacity in that unit are listed but take nothing, because
  nothing in the data says how much they could take. Value moves with quantity (the tainted
  lines' average value per unit).
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


def _allocate(
    candidates: Sequence[Candidate], unit: str | None, target: float
) -> tuple[list[dict[str, Any]], float]:
    out: list[dict[str, Any]] = []
    left = target
    for position, cand in enumerate(candidates, start=1):
        row = candidate_dict(cand, position)
        take = 0.0
        if (
            cand.eligible
            and unit is not None
            and cand.capacity.unit == unit
            and cand.capacity.available
            and left > 0
        ):
            take = min(left, cand.capacity.available)
            left -= take
        row["allocated"] = take
        row["allocated_unit"] = unit
        out.append(row)
    return out, target - left


def plan(
    report: Mapping[str, Any],
    *,
    sector: str,
    label: str,
    replace_pct: float,
    by: date,
    as_of: date,
    candidates: Sequence[Candidate],
    outcomes: Collection[str] = DEFAULT_OUTCOMES,
) -> dict[str, Any]:
    """The scenario (see the module docstring) as a JSON-able dict.

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
    to_move_value = share * base["tainted_value"]
    to_move_qty = {u: share * q for u, q in base["tainted_quantity"].items()}
    unit = max(to_move_qty, key=lambda u: to_move_qty[u]) if to_move_qty else None
    target = to_move_qty.get(unit, 0.0) if unit else 0.0
    allocated, covered = _allocate(candidates, unit, target)
    coverage = covered / target if target else 0.0
    covered_value = coverage * to_move_value
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
    steps = (by.year * 12 + by.month) - (as_of.year * 12 + as_of.month)
    rate = base["tainted_value"] / 12.0
    for i in range(1, max(1, steps) + 1):
        moved = rate * share * i / max(1, steps)
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
        return (base["tainted_value"] - moved_value) / sector_value if sector_value else None

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
            "tainted_value_per_year": round(base["tainted_value"], 2),
            "tainted_share": round(base["tainted_value"] / sector_value, 6)
            if sector_value
            else None,
            "tainted_quantity_per_year": {
                u: round(q, 6) for u, q in base["tainted_quantity"].items()
            },
        },
        "to_move": {
            "value_per_year": round(to_move_value, 2),
            "quantity_per_year": {u: round(q, 6) for u, q in to_move_qty.items()},
        },
        "measure": f"value ({report.get('currency', '')})",
        "allocation_unit": unit,
        "covered": {
            "quantity": round(covered, 6),
            "unit": unit,
            "share_of_target": round(coverage, 6),
            "value_per_year": round(covered_value, 2),
        },
        "gap": {
            "quantity": round(target - covered, 6),
            "unit": unit,
            "value_per_year": round(to_move_value - covered_value, 2),
        },
        "after": {
            "tainted_value_per_year_if_all_moved": round(base["tainted_value"] - to_move_value, 2),
            "tainted_share_if_all_moved": _round(left_share(to_move_value)),
            "tainted_value_per_year_if_covered_moved": round(
                base["tainted_value"] - covered_value, 2
            ),
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
