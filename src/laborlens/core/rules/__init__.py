"""Per-regime decisions from findings, as of a date, with reasons, citations and evidence.

Regimes are data (``resources/regimes/*.yaml``, one file per regime, validated on load; see
docs/regimes.md). Public entry points (stable):

    load_regimes() -> RegimeSet
    evaluate(regimes, findings, *, country, as_of, inherited=()) -> tuple[RegimeOutcome, ...]
    risk_of(outcomes, findings) -> Risk
    finding_signature(regimes, finding) -> tuple   # what of a finding the regimes read
    evidence_categories() -> list[EvidenceCategory]   # (id, label, source)
"""

from __future__ import annotations

from laborlens.core.rules.evaluate import ALGORITHM, evaluate, finding_signature, risk_of
from laborlens.core.rules.load import evidence_categories, load_regimes
from laborlens.core.rules.schema import (
    OUTCOMES,
    REGIME_IDS,
    ChallengePath,
    EvidenceCategory,
    Regime,
    RegimeError,
    RegimeSet,
    Rule,
    SectorDesignation,
    TaintRegion,
)

__all__ = [
    "ALGORITHM",
    "OUTCOMES",
    "REGIME_IDS",
    "ChallengePath",
    "EvidenceCategory",
    "Regime",
    "RegimeError",
    "RegimeSet",
    "Rule",
    "SectorDesignation",
    "TaintRegion",
    "evaluate",
    "evidence_categories",
    "finding_signature",
    "load_regimes",
    "risk_of",
]
