"""Replacement suppliers: candidates from the buyer's own data and open facility lists, ranked.

Candidates come from three places, merged when they are the same supplier:

* **orders** — suppliers that delivered goods of the sector in the last 12 months (their
  volume is what they demonstrably supply today);
* **suppliers** — the supplier master, where a row's HS code or product is in the sector
  (``capacity`` + ``capacity_unit`` columns, per year, state what a supplier could deliver);
* **facilities** — an Open Supply Hub facility download (sector, product type and processing
  type read for the sector; ``claim_estimated_annual_throughput_kg_year`` as capacity).

Every candidate is screened with the ``screen`` pipeline (names, places, lists). The ranking is a
plain sort key, stated with each candidate (``why``):

1. eligible first: not ``presumption``/``prohibited_entity`` under the regime, risk not high,
   not a closed facility;
2. lower risk first (none, low, medium);
3. proven supply first: order history in the sector, then the supplier master, then a facility
   list; a ``likely`` sector fit before a ``possible`` one;
4. more capacity available first (unknown capacity last);
5. name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from laborlens.core import resources
from laborlens.core.exposure.values import parse_amount, parse_unit
from laborlens.core.records import normalize_header

SOURCES: tuple[str, ...] = ("orders", "suppliers", "facilities")
_SOURCE_RANK = {s: i for i, s in enumerate(SOURCES)}
_RISK_RANK = {"none": 0, "low": 1, "medium": 2, "high": 3}
_FIT_RANK = {"likely": 0, "possible": 1}
BLOCKING_OUTCOMES = frozenset({"presumption", "prohibited_entity"})

_CAPACITY = (
    "capacity",
    "annual_capacity",
    "capacity_per_year",
    "yearly_capacity",
    "max_capacity",
    "production_capacity",
    "产能",
    "年产能",
)
_CAPACITY_UNIT = ("capacity_unit", "capacity_uom", "capacity_units", "产能单位")
OSH_THROUGHPUT = "claim_estimated_annual_throughput_kg_year"


@dataclass(frozen=True, slots=True)
class Capacity:
    """Volume per year a candidate could take, in a base unit, and where the figure comes from."""

    available: float | None
    unit: str | None
    basis: str


NO_CAPACITY = Capacity(None, None, "no capacity data")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible replacement supplier."""

    name: str
    sources: tuple[str, ...]
    key: str
    country: str | None = None
    address: str | None = None
    supplier_id: str | None = None
    fit: str = "possible"
    fit_why: str = ""
    risk: str = "none"
    outcome: str = "no_trigger"
    reasons: tuple[str, ...] = ()
    capacity: Capacity = NO_CAPACITY
    history_value: float | None = None
    history_quantity: Mapping[str, float] = field(default_factory=dict)
    last_order: str | None = None
    closed: bool = False
    facility: Mapping[str, str] = field(default_factory=dict)
    citation: str | None = None

    @property
    def eligible(self) -> bool:
        return self.outcome not in BLOCKING_OUTCOMES and self.risk != "high" and not self.closed

    def why_not(self) -> str | None:
        if self.closed:
            return "the facility is reported closed"
        if self.outcome in BLOCKING_OUTCOMES or self.risk == "high":
            return f"screening: {self.outcome}, risk {self.risk}"
        return None


def normal_name(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _cell(row: Mapping[str, str | None], names: Sequence[str]) -> str | None:
    wanted = set(names)
    for header, value in row.items():
        if normalize_header(header) in wanted and value is not None and str(value).strip():
            return str(value).strip()
    return None


def stated_capacity(row: Mapping[str, str | None]) -> Capacity:
    """A supplier-master row's yearly capacity (``capacity`` and ``capacity_unit`` columns)."""
    text = _cell(row, _CAPACITY)
    if text is None:
        return NO_CAPACITY
    amount, problem = parse_amount(text)
    unit_text = _cell(row, _CAPACITY_UNIT)
    unit, _ = parse_unit(unit_text)
    if amount is None or amount < 0 or unit is None:
        why = problem if amount is None else f"unit '{unit_text or ''}' not understood"
        return Capacity(None, None, f"capacity '{text}' not usable ({why})")
    return Capacity(
        amount * unit.factor,
        unit.base,
        f"stated capacity {text} {unit_text} per year (supplier master)",
    )


def facility_capacity(row: Mapping[str, str | None]) -> Capacity:
    """An Open Supply Hub row's claimed annual throughput (kg/year), when given."""
    text = _cell(row, (OSH_THROUGHPUT,))
    if text is None:
        return NO_CAPACITY
    amount, _ = parse_amount(text.split("|")[0])
    if amount is None or amount < 0:
        return Capacity(None, None, f"throughput '{text}' not usable")
    return Capacity(amount, "kg", "estimated annual throughput claimed on Open Supply Hub (kg/yr)")


def less_current(capacity: Capacity, current: Mapping[str, float]) -> Capacity:
    """Capacity left after what the supplier already delivers to us (same base unit)."""
    if capacity.available is None or capacity.unit is None or capacity.unit not in current:
        return capacity
    used = current[capacity.unit]
    left = max(0.0, capacity.available - used)
    return Capacity(
        left,
        capacity.unit,
        f"{capacity.basis}, less {used:,.0f} {capacity.unit} delivered in the last 12 months",
    )


@cache
def _facility_sectors() -> Mapping[str, tuple[tuple[str, ...], str]]:
    data = resources.read_yaml("exposure/facility_sectors.yaml")
    return {
        str(k).casefold(): (tuple(str(g) for g in v["groups"]), str(v["fit"]))
        for k, v in data["sectors"].items()
    }


def facility_fit(sector_text: str | None, group: str) -> tuple[str | None, str]:
    """(fit, why) of an OS Hub ``sector`` cell (``|``-separated names) for a sector group."""
    best: tuple[str | None, str] = (None, "")
    for name in (sector_text or "").split("|"):
        found = _facility_sectors().get(name.strip().casefold())
        if found and group in found[0]:
            fit = found[1]
            if best[0] is None or _FIT_RANK[fit] < _FIT_RANK[best[0]]:
                best = (fit, f"Open Supply Hub sector '{name.strip()}' ({fit})")
    return best


def merge(candidates: Sequence[Candidate]) -> list[Candidate]:
    """One candidate per supplier: same supplier id, else same normalised name and country."""
    out: list[Candidate] = []
    index: dict[str, int] = {}
    for cand in candidates:
        keys = [
            k
            for k in (
                f"id:{cand.supplier_id}" if cand.supplier_id else None,
                f"name:{normal_name(cand.name)}|{(cand.country or '').upper()}",
            )
            if k
        ]
        at = next((index[k] for k in keys if k in index), None)
        if at is None:
            index.update(dict.fromkeys(keys, len(out)))
            out.append(cand)
            continue
        out[at] = _combine(out[at], cand)
        index.update(dict.fromkeys(keys, at))
    return out


def _combine(a: Candidate, b: Candidate) -> Candidate:
    sources = tuple(s for s in SOURCES if s in a.sources or s in b.sources)
    stronger = a if _RISK_RANK.get(a.risk, 0) >= _RISK_RANK.get(b.risk, 0) else b
    capacity = a.capacity if a.capacity.available is not None else b.capacity
    return replace(
        a,
        sources=sources,
        supplier_id=a.supplier_id or b.supplier_id,
        country=a.country or b.country,
        address=a.address or b.address,
        fit=min(a.fit, b.fit, key=lambda f: _FIT_RANK.get(f, 9)),
        fit_why="; ".join(x for x in dict.fromkeys((a.fit_why, b.fit_why)) if x),
        risk=stronger.risk,
        outcome=stronger.outcome,
        reasons=tuple(dict.fromkeys((*a.reasons, *b.reasons))),
        capacity=capacity,
        history_value=a.history_value if a.history_value is not None else b.history_value,
        history_quantity=a.history_quantity or b.history_quantity,
        last_order=a.last_order or b.last_order,
        closed=a.closed or b.closed,
        facility=a.facility or b.facility,
        citation=a.citation or b.citation,
    )


def rank_key(c: Candidate) -> tuple[Any, ...]:
    """The sort key of the module docstring."""
    best_source = min(_SOURCE_RANK.get(s, 9) for s in c.sources) if c.sources else 9
    capacity = -(c.capacity.available or 0.0) if c.capacity.available is not None else 1.0
    return (
        0 if c.eligible else 1,
        _RISK_RANK.get(c.risk, 3),
        best_source,
        _FIT_RANK.get(c.fit, 9),
        capacity,
        normal_name(c.name),
    )


def why_ranked(c: Candidate) -> str:
    parts = [
        "eligible" if c.eligible else f"not eligible ({c.why_not()})",
        f"risk {c.risk}",
        "supplies us today"
        if "orders" in c.sources
        else "in our supplier master"
        if "suppliers" in c.sources
        else "from a facility list",
        f"{c.fit} sector fit",
    ]
    if c.capacity.available is not None:
        parts.append(f"{c.capacity.available:,.0f} {c.capacity.unit}/yr available")
    else:
        parts.append("capacity unknown")
    return "; ".join(parts)


def rank(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Candidates merged and sorted by :func:`rank_key`."""
    return sorted(merge(candidates), key=rank_key)


def candidate_dict(c: Candidate, position: int) -> dict[str, Any]:
    """The public JSON shape of a ranked candidate."""
    return {
        "rank": position,
        "name": c.name,
        "sources": list(c.sources),
        "supplier_id": c.supplier_id,
        "country": c.country,
        "address": c.address,
        "eligible": c.eligible,
        "why_not": c.why_not(),
        "risk": c.risk,
        "outcome": c.outcome,
        "reasons": list(c.reasons),
        "sector_fit": c.fit,
        "sector_fit_why": c.fit_why,
        "capacity_available": c.capacity.available,
        "capacity_unit": c.capacity.unit,
        "capacity_basis": c.capacity.basis,
        "history_value": c.history_value,
        "history_quantity": dict(c.history_quantity),
        "last_order": c.last_order,
        "facility": dict(c.facility),
        "citation": c.citation,
        "why_ranked": why_ranked(c),
    }
