"""The evaluator: findings + date -> one outcome per regime, with reasons and evidence needed.

Method (docs/regimes.md): for each regime in force on ``as_of``, every finding (own, then
inherited) is tried against the regime's rules in file order; the first rule whose conditions all
hold applies to that finding. The regime's outcome is the strongest outcome reached
(``presumption`` > ``prohibited_entity`` > ``elevated_risk`` > ``no_trigger``); every applied
rule gives a :class:`Reason`. Findings whose list entry took effect after ``as_of`` are ignored,
and so are sectors designated after ``as_of``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from laborlens.core.memo import Memo
from laborlens.core.model import RISK_ORDER, Finding, Reason, RegimeOutcome, Risk, in_force
from laborlens.core.rules.schema import OUTCOMES, Regime, RegimeSet, Rule

ALGORITHM = "rules-v1"

_RANK = {o: i for i, o in enumerate(OUTCOMES)}


class _Fields(dict[str, str]):
    """Template values; a field the finding does not carry renders as 'n/a'."""

    def __missing__(self, key: str) -> str:
        return "n/a"


_NO_DETAILS: Mapping[str, Any] = {}


def _details(f: Finding) -> Mapping[str, Any]:
    return dict(f.details) if f.details else _NO_DETAILS


_ATTR, _DETAIL, _COUNTRY, _DESIGNATED, _REGION = range(5)
#: a compiled condition: (what to read, attribute or details key, accepted values)
_Check = tuple[int, str, tuple[Any, ...]]


def _evidence_of(regime: Regime, rule: Rule) -> tuple[str, ...]:
    out: list[str] = []
    for path_id in rule.paths:
        for cat in regime.path(path_id).evidence:
            if cat not in out:
                out.append(cat)
    return tuple(out)


def _effects(regime: Regime) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in regime.legal_effect:
        out.setdefault(k, v)
    return out


def _checks(rule: Rule) -> tuple[_Check, ...]:
    out: list[_Check] = []
    kind_dropped = False
    for cond in rule.conditions:
        key = cond.key
        if key == "kind" and not kind_dropped and rule.kinds:
            kind_dropped = True  # the plan only offers this rule to findings of these kinds
            continue
        if key == "record_country":
            out.append((_COUNTRY, key, cond.values))
        elif key == "record_region":
            out.append((_REGION, key, cond.values))
        elif key == "sector_designated_by":
            out.append((_DESIGNATED, key, cond.values))
        elif key.startswith("details."):
            out.append((_DETAIL, key[len("details.") :], cond.values))
        else:
            out.append((_ATTR, key, cond.values))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class _RegimePlan:
    """One regime compiled for one evaluation date."""

    regime: Regime
    #: the outcome when the regime is not in force (else ``None``)
    fixed: RegimeOutcome | None
    no_trigger: RegimeOutcome
    #: finding kind -> the rules in force that can apply to it, in file order, each with its
    #: compiled conditions (the ``kind`` test, already met, left out)
    by_kind: Mapping[str, tuple[tuple[Rule, tuple[_Check, ...]], ...]]
    #: the rules in force without a ``kind`` condition (for kinds no rule names)
    any_kind: tuple[tuple[Rule, tuple[_Check, ...]], ...]
    #: rule id -> the evidence categories of its challenge paths, in order, without repeats
    evidence_of: Mapping[str, tuple[str, ...]]
    #: outcome -> legal effect text (first entry wins, as in ``Regime.effect``)
    effects: Mapping[str, str]

    def by_kind_rules(self) -> list[tuple[Rule, tuple[_Check, ...]]]:
        """Every compiled rule of the plan, once."""
        seen: dict[str, tuple[Rule, tuple[_Check, ...]]] = {}
        for rules_ in (*self.by_kind.values(), self.any_kind):
            for rc in rules_:
                seen.setdefault(rc[0].id, rc)
        return list(seen.values())


@dataclass(frozen=True, slots=True)
class _Plan:
    """Every regime compiled for one date, plus the date-dependent sector designations."""

    regimes: tuple[_RegimePlan, ...]
    #: the outcomes of a record without findings
    empty: tuple[RegimeOutcome, ...]
    #: a finding that reaches no rule of any regime
    no_hits: tuple[None, ...]
    designated_by: frozenset[tuple[str, str]]  # (regime id, sector) designated on or before
    designated_on: Mapping[str, str]  # sector -> ISO date of the first regime designating it
    #: whether any rule in force tests ``record_region`` (else regions are not computed)
    uses_regions: bool = False
    #: (finding, inherited, country) -> per regime, the (rule, reason) the finding reaches
    per_finding: Memo = field(default_factory=lambda: Memo(65_536), compare=False, repr=False)


def _not_in_force(regime: Regime, as_of: date) -> RegimeOutcome:
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


def _plan(regimes: RegimeSet, as_of: date) -> _Plan:
    key = ("plan", as_of)
    plan: _Plan | None = regimes.memo.data.get(key)
    if plan is not None:
        return plan
    compiled = []
    for regime in regimes.regimes:
        no_trigger = RegimeOutcome(regime.id, "no_trigger", (), (), regime.effect("no_trigger"))
        if not regime.in_force(as_of):
            compiled.append(
                _RegimePlan(regime, _not_in_force(regime, as_of), no_trigger, {}, (), {}, {})
            )
            continue
        rules = tuple((r, _checks(r)) for r in regime.rules if r.in_force(as_of))
        kinds = {k for r, _ in rules for k in r.kinds}
        compiled.append(
            _RegimePlan(
                regime,
                None,
                no_trigger,
                {
                    k: tuple(rc for rc in rules if not rc[0].kinds or k in rc[0].kinds)
                    for k in kinds
                },
                tuple(rc for rc in rules if not rc[0].kinds),
                {r.id: _evidence_of(regime, r) for r, _ in rules},
                _effects(regime),
            )
        )
    designated_on: dict[str, str] = {}
    for regime in regimes.regimes:
        for s in regime.sectors:
            d = regime.sector(s.sector, as_of)
            if d is not None and s.sector not in designated_on:
                designated_on[s.sector] = d.designated_on.isoformat()
    plan = _Plan(
        regimes=tuple(compiled),
        empty=tuple(c.fixed or c.no_trigger for c in compiled),
        no_hits=(None,) * len(compiled),
        designated_by=regimes.designated(as_of),
        designated_on=designated_on,
        uses_regions=any(
            c.key == "record_region"
            for rp in compiled
            for rule, _ in rp.by_kind_rules()
            for c in rule.conditions
        ),
    )
    regimes.memo.put(key, plan)
    return plan


def _holds(  # noqa: PLR0917 - the hot loop's arguments, passed positionally
    checks: tuple[_Check, ...],
    f: Finding,
    details: Mapping[str, Any],
    plan: _Plan,
    country: str | None,
    regions: frozenset[str] = frozenset(),
) -> bool:
    """Whether the finding meets every compiled condition (``country`` upper-cased)."""
    for code, key, values in checks:
        if code == _ATTR:
            value: Any = getattr(f, key)
        elif code == _DETAIL:
            value = details.get(key)
        elif code == _COUNTRY:
            value = country
        elif code == _REGION:
            if not regions.intersection(values):
                return False
            continue
        else:  # sector designated by one of the regimes, as of the plan's date
            if not f.sector or not any((r, f.sector) in plan.designated_by for r in values):
                return False
            continue
        if value not in values:
            return False
    return True


_ATTRS = frozenset({"entry_name", "label", "sector", "good", "country", "list", "region", "why"})


@cache
def _names(text: str) -> tuple[str, ...]:
    """The template fields a rule text uses (``{entry_name}``, ``{score}`` ...)."""
    out: list[str] = []
    for _, name, _, _ in string.Formatter().parse(text):
        if name:
            base = re.split(r"[.\[]", name, maxsplit=1)[0]
            if base not in out:
                out.append(base)
    return tuple(out)


def _fill(rule: Rule, f: Finding, details: Mapping[str, Any], plan: _Plan) -> str:
    """The rule's text with the finding's values; only the fields the text uses are computed."""
    values = _Fields()
    for name in _names(rule.text):
        if name in _ATTRS:
            v = getattr(f, name)
            if v:
                values[name] = str(v)
        elif name == "score":
            values["score"] = f"{f.score:.2f}"
        elif name == "effective_date":
            if f.effective_date:
                values["effective_date"] = f.effective_date.isoformat()
            elif details.get("effective_date"):
                values["effective_date"] = str(details["effective_date"])
        elif name == "program":
            program = details.get("program") or details.get("programs")
            if isinstance(program, list | tuple):
                program = "/".join(str(p) for p in program)
            values["program"] = str(program) if program else "WRO or Finding"
        elif name == "designated_on" and f.sector:
            on = plan.designated_on.get(f.sector)
            if on:
                values["designated_on"] = on
    return rule.text.format_map(values)


_Hit = tuple[Rule, Reason] | None


def _finding_hits(  # noqa: PLR0917
    plan: _Plan,
    f: Finding,
    inherited: bool,
    country: str | None,
    as_of: date,
    regions: frozenset[str] = frozenset(),
) -> tuple[_Hit, ...]:
    """Per regime (in plan order), the first rule ``f`` meets and its reason, else ``None``.

    A pure function of the finding's value, so it is memoised on it (findings that cannot be
    hashed, e.g. with a list in ``details``, are simply computed).
    """
    key = (f, inherited, country, regions)
    try:
        cached: tuple[_Hit, ...] | None = plan.per_finding.data.get(key)
    except TypeError:  # unhashable details
        return _compute_hits(plan, f, inherited, country, as_of, regions)
    if cached is None:
        cached = _compute_hits(plan, f, inherited, country, as_of, regions)
        plan.per_finding.put(key, cached)
    return cached


def _compute_hits(  # noqa: PLR0917
    plan: _Plan,
    f: Finding,
    inherited: bool,
    country: str | None,
    as_of: date,
    regions: frozenset[str] = frozenset(),
) -> tuple[_Hit, ...]:
    if not in_force(as_of, f.effective_date):
        return plan.no_hits  # listed after the evaluation date
    details = _details(f)
    cc = country.upper() if country else None
    out: list[_Hit] = []
    for rp in plan.regimes:
        hit: _Hit = None
        if rp.fixed is None:
            for rule, checks in rp.by_kind.get(f.kind, rp.any_kind):
                if not _holds(checks, f, details, plan, cc, regions):
                    continue
                text = _fill(rule, f, details, plan)
                if inherited:
                    text = f"inherited from an upstream input: {text}"
                hit = (rule, Reason(text, rule.qualified_id, rule.citation, f.kind))
                break
        out.append(hit)
    result = tuple(out)
    return plan.no_hits if result == plan.no_hits else result


def _outcome(rp: _RegimePlan, hits: list[tuple[Rule, Reason]]) -> RegimeOutcome:
    """One regime's outcome from the hits of its findings (in finding order)."""
    if not hits:
        return rp.no_trigger
    if len(hits) > 1:
        seen_text: set[str] = set()
        unique = []
        for hit in hits:
            if hit[1].text not in seen_text:
                seen_text.add(hit[1].text)
                unique.append(hit)
        hits = unique
        hits.sort(key=lambda h: (_RANK[h[0].outcome], -RISK_ORDER[h[0].risk]))
    outcome = hits[0][0].outcome
    if len(hits) == 1:
        evidence = rp.evidence_of[hits[0][0].id]
    else:
        merged: list[str] = []
        for rule, _ in hits:
            for cat in rp.evidence_of[rule.id]:
                if cat not in merged:
                    merged.append(cat)
        evidence = tuple(merged)
    return RegimeOutcome(
        rp.regime.id,
        outcome,
        tuple(reason for _, reason in hits),
        evidence,
        rp.effects.get(outcome),
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
    plan = _plan(regimes, as_of)
    no_hits = plan.no_hits
    regions: frozenset[str] = frozenset()
    if plan.uses_regions:
        if not isinstance(findings, list | tuple):
            findings = list(findings)
        if not isinstance(inherited, list | tuple):
            inherited = list(inherited)
        regions = record_regions([*findings, *inherited])
    per = [
        hits
        for f in findings
        if (hits := _finding_hits(plan, f, False, country, as_of, regions)) is not no_hits
    ]
    if inherited:
        per.extend(
            hits
            for f in inherited
            if (hits := _finding_hits(plan, f, True, country, as_of, regions)) is not no_hits
        )
    if not per:
        return plan.empty  # fast path: no finding reaches a rule
    out = []
    for k, rp in enumerate(plan.regimes):
        if rp.fixed is not None:
            out.append(rp.fixed)
        else:
            out.append(_outcome(rp, [hit for result in per if (hit := result[k]) is not None]))
    return tuple(out)


def record_regions(findings: Iterable[Finding]) -> frozenset[str]:
    """The regions of a record's strong region findings (own and inherited), plus ``XPCC``
    when a Xinjiang finding is flagged as an XPCC unit (``record_region`` conditions)."""
    out: set[str] = set()
    for f in findings:
        if f.kind != "region" or f.match not in ("strong", None) or not f.region:
            continue
        out.add(f.region)
        if any(k == "xpcc" and v for k, v in f.details):
            out.add("XPCC")
    return frozenset(out)


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
        from laborlens.core.rules.load import load_regimes  # late: load imports nothing here

        regimes = load_regimes()
    best = 0
    by_id = _rules_by_id(regimes)
    for o in outcomes:
        if o.outcome in ("presumption", "prohibited_entity"):
            return "high"
        if o.outcome == "elevated_risk":
            for reason in o.reasons:
                rule = by_id.get(reason.rule)
                best = max(best, RISK_ORDER[rule.risk] if rule else RISK_ORDER["medium"])
    if best:
        return "medium" if best >= RISK_ORDER["medium"] else "low"
    taint = regimes.taint_regions
    return "low" if any(not _informational(f, taint) for f in findings) else "none"


def _rules_by_id(regimes: RegimeSet) -> Mapping[str, Rule]:
    """``regime.rule`` id -> rule (first of a duplicated id wins, as in ``RegimeSet.rule``)."""
    by_id: Mapping[str, Rule] | None = regimes.memo.data.get("rules_by_id")
    if by_id is None:
        table: dict[str, Rule] = {}
        for regime in regimes.regimes:
            for rule in regime.rules:
                table.setdefault(rule.qualified_id, rule)
        by_id = table
        regimes.memo.put("rules_by_id", by_id)
    return by_id


def _informational(finding: Finding, taint_regions: frozenset[str]) -> bool:
    """A finding that locates or describes but signals no forced-labour risk by itself: a
    region that no regime presumes made with forced labour."""
    return finding.kind == "region" and (finding.region or "").upper() not in taint_regions


# --- signatures: what of a finding the regimes read -------------------------------------------

#: template fields -> the finding attributes / details keys they read (see ``_fill``)
_TEMPLATE_READS: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "score": (("score",), ()),
    "effective_date": (("effective_date",), ("effective_date",)),
    "program": ((), ("program", "programs")),
    "designated_on": (("sector",), ()),
}


def _reads_of_kind(regimes: RegimeSet, kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The attributes and ``details`` keys that any rule able to apply to a finding of ``kind``
    reads, in its conditions or its text (whatever the date: a superset is still exact)."""
    key = ("signature_reads", kind)
    cached: tuple[tuple[str, ...], tuple[str, ...]] | None = regimes.memo.data.get(key)
    if cached is not None:
        return cached
    # kind and effective_date decide whether a rule is tried at all; region decides risk_of
    attrs: dict[str, None] = dict.fromkeys(("kind", "effective_date", "region"))
    keys: dict[str, None] = {}
    for regime in regimes.regimes:
        for rule in regime.rules:
            if rule.kinds and kind not in rule.kinds:
                continue
            for cond in rule.conditions:
                if cond.key.startswith("details."):
                    keys[cond.key[len("details.") :]] = None
                elif cond.key == "sector_designated_by":
                    attrs["sector"] = None
                elif cond.key not in ("record_country", "record_region"):
                    attrs[cond.key] = None
            for name in _names(rule.text):
                if name in _ATTRS:
                    attrs[name] = None
                elif name in _TEMPLATE_READS:
                    a, k = _TEMPLATE_READS[name]
                    attrs.update(dict.fromkeys(a))
                    keys.update(dict.fromkeys(k))
    if any(
        c.key == "record_region" for r in regimes.regimes for u in r.rules for c in u.conditions
    ):
        # record_regions() reads every region finding's region, match and xpcc flag
        attrs["match"] = None
        keys["xpcc"] = None
    cached = (tuple(attrs), tuple(keys))
    regimes.memo.put(key, cached)
    return cached


def finding_signature(regimes: RegimeSet, f: Finding) -> tuple[Any, ...]:
    """The values of ``f`` that :func:`evaluate` and :func:`risk_of` can read.

    Two findings with equal signatures reach the same rules with the same reason texts, so a
    record's outcomes and risk are a function of its country and its findings' signatures (in
    order): screening caches them per signature.
    """
    attrs, keys = _reads_of_kind(regimes, f.kind)
    values = tuple([getattr(f, a) for a in attrs])
    if not keys:
        return values
    details = _details(f)
    return (*values, *(details.get(k) for k in keys))
