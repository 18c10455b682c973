"""Stored result rows: the columns to sort and filter on, and what changed between screenings.

A row that could not be screened (it has nothing to screen on) is ``not screened``: it has no
risk level, whatever the screening engine would default to, and its errors say why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from laborlens.core.model import RECORD_FIELDS, RISK_ORDER, Record, ScreenResult
from laborlens.core.workspace.alerts import AlertCandidate

NOT_SCREENED = "not screened"


def rank(risk: str | None) -> int:
    """Sort rank, worst first: high 6, medium 4, low 2, not screened 1, none 0.

    Unscreened rows sit above ``none`` so they are not buried under clean rows."""
    if risk is None:
        return 1
    return 2 * RISK_ORDER[risk]


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One stored result: filter columns plus the full record and result as data."""

    row: int
    record_id: str
    name: str | None
    country: str | None
    screened: bool
    risk: str | None
    risk_rank: int
    score: float
    kinds: str
    lists: str
    outcomes: str
    entry_keys: str
    errors: str | None
    search: str
    data: dict[str, Any]
    details: list[Any]


def _tags(values: Iterable[str]) -> str:
    # ",a,b," lets a filter ask for one tag with LIKE '%,a,%'
    items = sorted({v for v in values if v})
    return "," + ",".join(items) + "," if items else ""


def record_dict(record: Record) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in RECORD_FIELDS:
        value = getattr(record, name)
        if value not in (None, ()):
            out[name] = list(value) if isinstance(value, tuple) else value
    return out


def result_row(
    result: ScreenResult, record: Record, alerts: Iterable[AlertCandidate] = ()
) -> ResultRow:
    """The stored row for one screened record (see :func:`with_details` to join them back)."""
    screened = record.is_screenable()
    risk = result.risk if screened else None
    keys = sorted({a.entry_key for a in alerts})
    result_dict = result.to_dict()
    # a finding's details are long and wanted on a party's page only: kept apart
    details = [f.pop("details", None) for f in result_dict["findings"]]
    text = " ".join(
        [record.id or "", record.name or "", *record.aliases, record.address or "",
         record.registration_id or ""]
    )  # fmt: skip
    return ResultRow(
        row=result.row,
        record_id=record.id,
        name=record.name,
        country=result.country or record.country,
        screened=screened,
        risk=risk,
        risk_rank=rank(risk),
        score=round(max((f.score for f in result.findings), default=0.0), 4),
        kinds=_tags(f.kind for f in result.findings),
        lists=_tags(f.list or "" for f in result.findings),
        outcomes=_tags(f"{o.regime}:{o.outcome}" for o in result.regimes),
        entry_keys="|".join(keys),
        errors="; ".join(str(e) for e in result.errors) or None,
        search=" ".join(text.casefold().split()),
        data={
            "record": record_dict(record),
            "result": result_dict,
            "status": risk or NOT_SCREENED,
        },
        details=details,
    )


@dataclass(frozen=True, slots=True)
class Change:
    """How one row differs between a screening and its re-screening."""

    row: int
    name: str | None
    before: str | None  # risk or "not screened"; None when the row is new
    after: str | None
    added: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def kind(self) -> str:
        if self.before is None:
            return "new_row"
        if self.after is None:
            return "removed_row"
        if self.before != self.after:
            up = _order(self.after) > _order(self.before)
            return "risk_up" if up else "risk_down"
        return "findings_changed"


def _order(status: str) -> int:
    return rank(None if status == NOT_SCREENED else status)


def compare(
    row: int,
    name: str | None,
    before: tuple[str | None, str] | None,
    after: tuple[str | None, str] | None,
) -> Change | None:
    """Compare (risk, entry keys) of one row before and after; ``None`` when unchanged."""
    if before is None and after is None:
        return None
    old = set(before[1].split("|")) - {""} if before else set()
    new = set(after[1].split("|")) - {""} if after else set()
    b = (before[0] or NOT_SCREENED) if before else None
    a = (after[0] or NOT_SCREENED) if after else None
    if b == a and old == new:
        return None
    return Change(row, name, b, a, tuple(sorted(new - old)), tuple(sorted(old - new)))


def with_details(data: dict[str, Any], details: list[Any] | None) -> dict[str, Any]:
    """The stored result with each finding's details put back."""
    for finding, extra in zip(data.get("result", {}).get("findings", []), details or [],
                              strict=False):  # fmt: skip
        if extra is not None:
            finding["details"] = extra
    return data
