"""The regimes and one record explained: what ``laborlens regimes`` and ``explain`` show.

:func:`regime_document` lists every regime with its dates, legal effect, burden, challenge paths
and designated sectors as of a date; :func:`explain` screens one record and adds, per regime, the
challenge paths the applied rules open with the evidence each needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from laborlens.adapters.io.readers import InputError, open_records
from laborlens.core import rules
from laborlens.core.lists import load_bundled
from laborlens.core.model import Finding, Record, ScreenResult
from laborlens.core.records import record_from_mapping
from laborlens.core.screen import screen_record
from laborlens.ops.screening import index_for

__all__ = [
    "Explanation",
    "Finding",
    "InputError",
    "Record",
    "ScreenResult",
    "explain",
    "record_from_fields",
    "record_from_file",
    "regime_document",
]


def _regime_row(r: rules.Regime, as_of: date) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.name,
        "jurisdiction": r.jurisdiction,
        "instrument": r.instrument,
        "effective_from": r.effective_from.isoformat(),
        "effective_to": r.effective_to.isoformat() if r.effective_to else None,
        "in_force": r.in_force(as_of),
        "presumption": r.presumption,
        "burden": r.burden,
        "standard_of_proof": r.standard_of_proof,
        "citation": r.citation,
        "effective_from_citation": r.effective_from_citation,
        "legal_effect": dict(r.legal_effect),
        "challenge_paths": [
            {"id": p.id, "label": p.label, "claim": p.claim, "evidence": list(p.evidence)}
            for p in r.challenge_paths
        ],
        "sectors": [
            {
                "sector": s.sector,
                "designated_on": s.designated_on.isoformat(),
                "citation": s.citation,
            }
            for s in r.sectors
        ],
    }


def regime_document(as_of: date, *, evidence: bool = False) -> dict[str, Any]:
    """Every regime as of ``as_of`` (the JSON of ``laborlens regimes``), optionally with the
    evidence categories."""
    regimes = rules.load_regimes()
    doc: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "algorithm": rules.ALGORITHM,
        "regimes": [_regime_row(r, as_of) for r in regimes.regimes],
    }
    if evidence:
        doc["evidence_categories"] = [c._asdict() for c in regimes.evidence]
    return doc


@dataclass(frozen=True, slots=True)
class Explanation:
    """One record screened, with the evidence each regime's outcome calls for.

    Attributes:
        record: the record as screened.
        result: its screening result.
        plan: per regime, the challenge paths opened by the applied rules, with their evidence.
        regime_names: regime id -> name.
    """

    record: Record
    result: ScreenResult
    plan: Mapping[str, list[dict[str, Any]]]
    regime_names: Mapping[str, str]

    def to_dict(self) -> dict[str, Any]:
        doc = self.result.to_dict()
        doc["evidence_plan"] = dict(self.plan)
        return doc


def record_from_fields(fields: Mapping[str, str | None]) -> Record:
    """A record from field values given on the command line."""
    return record_from_mapping({k: v for k, v in fields.items() if v}, 1, "command line")


def record_from_file(path: Path, row: int) -> Record:
    """Data row ``row`` (1-based) of an input file.

    Raises:
        InputError: the file cannot be read, or has no such row.
    """
    with open_records(path) as stream:
        for record in stream.records():
            if record.row == row:
                return record
    raise InputError(f"{path}: there is no data row {row}")


def _evidence_plan(
    result: ScreenResult, regimes: rules.RegimeSet
) -> dict[str, list[dict[str, Any]]]:
    plan: dict[str, list[dict[str, Any]]] = {}
    for outcome in result.regimes:
        regime = regimes.get(outcome.regime)
        paths: list[str] = []
        for reason in outcome.reasons:
            rule = regimes.rule(reason.rule)
            for p in rule.paths if rule else ():
                if p not in paths:
                    paths.append(p)
        plan[outcome.regime] = [
            {
                "path": p,
                "label": regime.path(p).label,
                "claim": regime.path(p).claim,
                "citation": regime.path(p).citation,
                "evidence": [{"id": c, "label": regimes.label(c)} for c in regime.path(p).evidence],
            }
            for p in paths
        ]
    return plan


def explain(record: Record, as_of: date) -> Explanation:
    """Screen one record against the bundled lists and plan the evidence per regime."""
    index = index_for(load_bundled())
    result = screen_record(record, index, as_of)
    names = {r.id: r.name for r in index.regimes.regimes}
    return Explanation(record, result, _evidence_plan(result, index.regimes), names)
