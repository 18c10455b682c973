"""What a gap analysis reports: gaps, requirement statuses and the mass balance of the chain.

Every class is a frozen dataclass with ``to_dict`` giving the public JSON (``evidence gaps
--format json`` and the dossier's ``gaps.json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from laborlens.core.chain import BalanceRow
from laborlens.core.evidence.vocabulary import SEVERITIES

#: v2: mass balance with the chain's yields, units and roles (v1 compared raw quantities).
ALGORITHM = "evidence-gaps-v2"

#: Gap kinds, most blocking first within a severity.
GAP_KINDS: tuple[str, ...] = (
    "altered",
    "nexus",
    "no_shipment",
    "tracing_incomplete",
    "mass_balance",
    "missing",
    "producer_mismatch",
    "date_after_shipment",
    "future_date",
    "expired",
    "quantity_mismatch",
    "untranslated",
    "quantity_missing",
    "unknown_reference",
)
#: Gap kind -> its rank (lower blocks more).
KIND_RANK = {k: i for i, k in enumerate(GAP_KINDS)}
_SUBJECT_RANK = {"document": 0, "case": 1, "shipment": 2, "edge": 3, "node": 4}


@dataclass(frozen=True, slots=True)
class Gap:
    """One thing missing or wrong, explained.

    Attributes:
        kind: one of :data:`GAP_KINDS`.
        severity: ``blocking``, ``major`` or ``minor``.
        subject_type: ``case``, ``shipment``, ``edge``, ``node`` or ``document``.
        subject_id: the id of that subject.
        message: plain-words explanation naming the subject and documents.
        requirement: the path requirement concerned, if any.
        needed: document types that would close the gap.
        doc_ids: documents involved.
        tier: chain tier of the subject (0 importer, 1 direct supplier …), if it has one.
        citation: where the requirement comes from.
    """

    kind: str
    severity: str
    subject_type: str
    subject_id: str
    message: str
    requirement: str | None = None
    needed: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    tier: int | None = None
    citation: str | None = None

    def rank_key(self) -> tuple[Any, ...]:
        return (
            -SEVERITIES[self.severity],
            KIND_RANK.get(self.kind, 99),
            self.tier if self.tier is not None else -1,
            _SUBJECT_RANK.get(self.subject_type, 9),
            self.subject_id,
            self.requirement or "",
            self.doc_ids,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "severity": self.severity,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "message": self.message,
        }
        if self.tier is not None:
            out["tier"] = self.tier
        if self.requirement:
            out["requirement"] = self.requirement
        if self.needed:
            out["needed"] = list(self.needed)
        if self.doc_ids:
            out["doc_ids"] = list(self.doc_ids)
        if self.citation:
            out["citation"] = self.citation
        return out


@dataclass(frozen=True, slots=True)
class RequirementStatus:
    """Whether one requirement is met for one subject, and by which documents."""

    requirement: str
    severity: str
    subject_type: str
    subject_id: str
    tier: int | None
    met: bool
    doc_ids: tuple[str, ...]
    any_of: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "requirement": self.requirement,
            "severity": self.severity,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "tier": self.tier,
            "met": self.met,
            "doc_ids": list(self.doc_ids),
            "any_of": list(self.any_of),
        }


@dataclass(frozen=True, slots=True)
class BalanceEntry:
    """The mass balance of one node of the case's chain in one period (with yields)."""

    node_id: str
    name: str | None
    tier: int | None
    row: BalanceRow

    def to_dict(self) -> dict[str, Any]:
        return {"node_id": self.node_id, "name": self.name, "tier": self.tier, **self.row.to_dict()}


@dataclass(frozen=True, slots=True)
class GapReport:
    """The result of a gap analysis (see module docstring)."""

    case_id: str
    path: str
    path_label: str
    as_of: date
    reference_date: date
    shipment_ids: tuple[str, ...]
    gaps: tuple[Gap, ...]
    statuses: tuple[RequirementStatus, ...]
    mass_balance: tuple[BalanceEntry, ...]
    documents: int
    tiers: tuple[tuple[str, int], ...] = field(default=())
    algorithm: str = ALGORITHM
    vocabulary_version: str = ""
    response_deadline: date | None = None

    @property
    def ready(self) -> bool:
        """True when no blocking gap remains."""
        return not any(g.severity == "blocking" for g in self.gaps)

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in SEVERITIES}
        for g in self.gaps:
            out[g.severity] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        met = sum(1 for s in self.statuses if s.met)
        out: dict[str, Any] = {
            "case_id": self.case_id,
            "path": self.path,
            "as_of": self.as_of.isoformat(),
            "reference_date": self.reference_date.isoformat(),
            "shipments": list(self.shipment_ids),
            "ready": self.ready,
            "counts": self.counts(),
            "requirements_met": met,
            "requirements_total": len(self.statuses),
            "documents": self.documents,
            "algorithm": self.algorithm,
            "vocabulary_version": self.vocabulary_version,
            "gaps": [g.to_dict() for g in self.gaps],
            "mass_balance": [m.to_dict() for m in self.mass_balance],
            "requirements": [s.to_dict() for s in self.statuses],
        }
        if self.response_deadline:
            out["response_deadline"] = self.response_deadline.isoformat()
            out["days_left"] = (self.response_deadline - self.as_of).days
        return out
