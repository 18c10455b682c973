"""Per-regime decisions (interim; see issue 5).

Public entry points (stable):
    load_regimes() -> RegimeSet
    evaluate(regimes, findings, *, country, as_of, inherited=()) -> tuple[RegimeOutcome, ...]
    risk_of(outcomes, findings) -> Risk
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from laborlens.core.model import Finding, Reason, RegimeOutcome, Risk

ALGORITHM = "rules-v0"
REGIME_IDS = ("us_uflpa", "us_307", "eu_flr", "ca_forced_labour", "mx_forced_labour")
_FROM = {"us_uflpa": date(2022, 6, 21), "us_307": date(1930, 6, 17), "eu_flr": date(2027, 12, 14),
         "ca_forced_labour": date(2020, 7, 1), "mx_forced_labour": date(2023, 5, 18)}


@dataclass(frozen=True, slots=True)
class RegimeSet:
    ids: tuple[str, ...]


def load_regimes() -> RegimeSet:
    return RegimeSet(REGIME_IDS)


def evaluate(regimes: RegimeSet, findings: Sequence[Finding], *, country: str | None,
             as_of: date, inherited: Sequence[Finding] = ()) -> tuple[RegimeOutcome, ...]:
    out = []
    allf = [*findings, *inherited]
    for rid in regimes.ids:
        if as_of < _FROM[rid]:
            out.append(RegimeOutcome(rid, "not_in_force"))
            continue
        reasons: list[Reason] = []
        outcome = "no_trigger"
        if rid == "us_uflpa":
            for f in allf:
                if f.kind == "region" and f.region == "CN-XJ":
                    reasons.append(Reason("made in Xinjiang", "geography_xuar"))
                if f.kind == "listed_entity" and f.list == "us_uflpa_entity_list":
                    reasons.append(Reason(f"listed: {f.entry_name}", "entity_list"))
            if reasons:
                outcome = "presumption"
        if rid == "us_307":
            for f in allf:
                if f.kind == "listed_entity" and f.list == "us_cbp_wro_findings":
                    reasons.append(Reason(f"WRO/Finding: {f.entry_name}", "wro"))
            if reasons:
                outcome = "prohibited_entity"
        out.append(RegimeOutcome(rid, outcome, tuple(reasons)))
    return tuple(out)


def risk_of(outcomes: Sequence[RegimeOutcome], findings: Sequence[Finding]) -> Risk:
    if any(o.outcome in ("presumption", "prohibited_entity") for o in outcomes):
        return "high"
    if findings:
        return "medium"
    return "none"
