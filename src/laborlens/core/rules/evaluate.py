"""The evaluator: findings + date -> one outcome per regime, with reasons and evidence needed.

Method (docs/regimes.md): for each regime in force on ``as_of``, every finding (own, then
inherited) is tried against the regime's rules in file order; the first rule whose conditions all
hold applies to that finding. The regime's outcome is the strongest outcome reached
(``presumption`` > ``prohibited_entity`` > ``elevated_risk`` > ``no_trigger``); every applied
rule gives a :class:`Reason`. Findings whose list entry took effect after ``as_of`` are ignored,
and so are sectors designated after ``as_of``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from laborlens.core.model import RISK_ORDER, Finding, Reason, RegimeOutcome, Risk
from laborlens.core.rules.schema import OUTCOMES, Regime, RegimeSet, Rule

_RANK = {o: i for i, o in enumerate(OUTCOMES)}


class _Fields(dict[str, str]):
    """Template values; a field the finding does not carry renders as 'n/a'."""

    def __missing__(self, key: str) -> str:
        return "n/a"


def _details(f: Finding) -> Mapping[str, Any]:
    return dict(f.details)


def _holds(
    rule: Rule,
    f: Finding,
    details: Mapping[str, Any],
    *,
    regimes: RegimeSet,
    country: str | None,
    as_of: date,
) -> bool:
    for cond in rule.conditions:
        key = cond.key
        if key == "record_country":
            value: Any = country.upper() if country else None
        elif key == "sector_designated_by":
            if not f.sector:
                return False
            if not any(regimes.get(r).sector(f.sector, as_of) for r in cond.values):
                return False
            continue
        elif key.startswith("details."):
            value = details.get(key[len("details.") :])
        else:
            value = getattr(f, key)
        if value not in cond.values:
            return False
    return True


def _fill(
    rule: Rule, f: Finding, details: Mapping[str, Any], regimes: RegimeSet, as_of: date
) -> str:
    values = _Fields()
    for name in ("entry_name", "label", "sector", "good", "country", "list", "region", "why"):
        v = getattr(f, name)
        if v:
            values[name] = str(v)
    values["score"] = f"{f.score:.2f}"
    if f.effective_date:
        values["effective_date"] = f.effective_date.isoformat()
    elif details.get("effective_date"):
        values["effective_date"] = str(details["effective_date"])
    program = details.get("program") or details.get("programs")
    if isinstance(program, list | tuple):
        program = "/".join(str(p) for p in program)
    values["program"] = str(program) if program else "WRO or Finding"
    if f.sector:
        for regime in regimes.regimes:
            designation = regime.sector(f.sector, as_of)
            if designation:
                values["designated_on"] = designation.designated_on.isoformat()
                break
    return rule.text.format_map(values)


def _evaluate_one(
    regime: Regime,
    regimes: RegimeSet,
    tagged: Sequence[tuple[Finding, bool, Mapping[str, Any]]],
    country: str | None,
    as_of: date,
) -> RegimeOutcome:
    if not regime.in_force(as_of):
        return RegimeOutcome(
            regime.id,
            "not_in_force",
            (
                Reason(
                    f"{regime.name} applies from {regime.effective_from.isoformat()}"
                    + (f" until {regime.effective_to.isoformat()}" if regime.effective_to else "")
                    + f"; as of {as_of.isoformat()} it does not apply",
                    f"{regime.id}.effective_from",
                    regime.effective_from_citation,
                    None,
                ),
            ),
            (),
            regime.effect("not_in_force"),
        )
    rules = [r for r in regime.rules if r.in_force(as_of)]
    hits: list[tuple[Rule, Reason]] = []
    seen_text: set[str] = set()
    for f, inherited, details in tagged:
        if f.effective_date and f.effective_date > as_of:
            continue  # listed after the evaluation date
        for rule in rules:
            if rule.kinds and f.kind not in rule.kinds:
                continue
            if not _holds(rule, f, details, regimes=regimes, country=country, as_of=as_of):
                continue
            text = _fill(rule, f, details, regimes, as_of)
            if inherited:
                text = f"inherited from an upstream input: {text}"
            if text not in seen_text:
                seen_text.add(text)
                hits.append((rule, Reason(text, rule.qualified_id, rule.citation, f.kind)))
            break
    if not hits:
        return RegimeOutcome(regime.id, "no_trigger", (), (), regime.effect("no_trigger"))
    hits.sort(key=lambda h: (_RANK[h[0].outcome], -RISK_ORDER[h[0].risk]))
    outcome = hits[0][0].outcome
    evidence: list[str] = []
    for rule, _ in hits:
        for path_id in rule.paths:
            for cat in regime.path(path_id).evidence:
                if cat not in evidence:
                    evidence.append(cat)
    return RegimeOutcome(
        regime.id,
        outcome,
        tuple(reason for _, reason in hits),
        tuple(evidence),
        regime.effect(outcome),
    )


def evaluate(
    regimes: RegimeSet,
    findings: Iterable[Finding],
    *,
    country: str | None,
    as_of: date,
    inherited: Iterable[Finding] = (),
) -> tuple[RegimeOutcome, ...]:
    """Decide every regime for one record (or supply-chain node) as of a date.

    Args:
        regimes: from :func:`load_regimes`.
        findings: the record's own findings.
        country: the record's ISO alpha-2 country (given or inferred), if known.
        as_of: the evaluation date; regimes, rules, list entries and sector designations that
            take effect later do not apply.
        inherited: findings of upstream inputs (supply-chain tracing); "wholly or in part"
            means they trigger the same rules, and their reasons say so.

    Returns:
        One :class:`RegimeOutcome` per regime, in the public order, always.
    """
    tagged = [(f, False, _details(f)) for f in findings] + [
        (f, True, _details(f)) for f in inherited
    ]
    return tuple(_evaluate_one(r, regimes, tagged, country, as_of) for r in regimes.regimes)


def risk_of(
    outcomes: Sequence[RegimeOutcome],
    findings: Sequence[Finding],
    regimes: RegimeSet | None = None,
) -> Risk:
    """The record's risk from its regime outcomes (table in docs/regimes.md).

    ``presumption`` or ``prohibited_entity`` in any regime -> ``high``; otherwise the highest
    ``risk`` of the rules behind any ``elevated_risk`` (``medium`` or ``low``); otherwise ``low``
    when there are findings no rule applies to (e.g. a user-list match), else ``none``.
    Region findings for provinces other than Xinjiang are information only (where a supplier
    is), not a risk signal, so they never raise ``low`` on their own.
    """
    if regimes is None:
        from laborlens.core.rules import load_regimes  # late: avoids an import cycle

        regimes = load_regimes()
    best = 0
    for o in outcomes:
        if o.outcome in ("presumption", "prohibited_entity"):
            return "high"
        if o.outcome == "elevated_risk":
            for reason in o.reasons:
                rule = regimes.rule(reason.rule)
                best = max(best, RISK_ORDER[rule.risk] if rule else RISK_ORDER["medium"])
    if best:
        return "medium" if best >= RISK_ORDER["medium"] else "low"
    return "low" if any(not _informational(f) for f in findings) else "none"


def _informational(finding: Finding) -> bool:
    """A finding that locates or describes but signals no forced-labour risk by itself."""
    return finding.kind == "region" and finding.region != "CN-XJ"
