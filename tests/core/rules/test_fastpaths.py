"""The evaluator's compiled plans and memos never change a result.

``evaluate`` compiles each regime for a date (rules in force, indexed by finding kind) and
memoises per-finding results on the :class:`RegimeSet`. These tests compare it with a direct,
unoptimised reading of the rules (every rule in file order, every condition checked) on random
combinations of findings, countries and dates, and check that memos pickle empty.
"""

from __future__ import annotations

import pickle
from dataclasses import replace
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core import rules
from laborlens.core.model import Finding, RegimeOutcome
from laborlens.core.rules import evaluate, risk_of
from laborlens.core.rules.schema import Memo, RegimeSet, Rule

RS = rules.load_regimes()
_RANK = {o: i for i, o in enumerate(rules.OUTCOMES)}
_RISK = {"high": 3, "medium": 2, "low": 1}


def _holds(rs: RegimeSet, rule: Rule, f: Finding, country: str | None, day: date) -> bool:
    details = dict(f.details)
    for cond in rule.conditions:
        if cond.key == "record_country":
            value: Any = country.upper() if country else None
        elif cond.key == "sector_designated_by":
            if not f.sector or not any(rs.get(r).sector(f.sector, day) for r in cond.values):
                return False
            continue
        elif cond.key.startswith("details."):
            value = details.get(cond.key[len("details.") :])
        else:
            value = getattr(f, cond.key)
        if value not in cond.values:
            return False
    return True


def reference(
    rs: RegimeSet, findings: list[Finding], country: str | None, day: date
) -> list[tuple[str, str, frozenset[str], frozenset[str]]]:
    """(regime, outcome, rule ids, evidence) per regime, read straight from the rules."""
    out: list[tuple[str, str, frozenset[str], frozenset[str]]] = []
    for regime in rs.regimes:
        if not regime.in_force(day):
            reason = frozenset({f"{regime.id}.effective_from"})
            out.append((regime.id, "not_in_force", reason, frozenset()))
            continue
        hits: list[Rule] = []
        for f in findings:
            if f.effective_date and f.effective_date > day:
                continue
            for rule in regime.rules:
                if rule.in_force(day) and _holds(rs, rule, f, country, day):
                    hits.append(rule)
                    break
        if not hits:
            out.append((regime.id, "no_trigger", frozenset(), frozenset()))
            continue
        best = min(hits, key=lambda r: (_RANK[r.outcome], -_RISK[r.risk]))
        evidence = frozenset(c for r in hits for p in r.paths for c in regime.path(p).evidence)
        out.append((regime.id, best.outcome, frozenset(r.qualified_id for r in hits), evidence))
    return out


def summary(
    outs: tuple[RegimeOutcome, ...],
) -> list[tuple[str, str, frozenset[str], frozenset[str]]]:
    return [
        (o.regime, o.outcome, frozenset(r.rule for r in o.reasons), frozenset(o.evidence_needed))
        for o in outs
    ]


def _f(**kw: Any) -> Finding:
    return Finding(why=kw.pop("why", "test"), **kw)


FINDINGS = st.sampled_from(
    [
        _f(kind="region", region="CN-XJ", label="Xinjiang", score=0.95),
        _f(kind="region", region="CN-XJ", label="Xinjiang", match="possible", score=0.6),
        _f(kind="region", region="CN-GD", label="Guangdong"),
        _f(kind="sector", sector="cotton", regime="us_uflpa", match="strong"),
        _f(kind="sector", sector="steel", regime="us_uflpa", match="strong"),
        _f(kind="sector", sector="red dates", regime="us_uflpa", match="possible"),
        _f(kind="sector", sector="pvc", regime="us_uflpa", match="strong"),
        _f(
            kind="listed_entity",
            list="us_uflpa_entity_list",
            entry_name="A Co.",
            match="strong",
            effective_date=date(2024, 1, 1),
        ),
        _f(kind="listed_entity", list="us_uflpa_entity_list", entry_name="B", match="possible"),
        _f(kind="related_party", list="us_uflpa_entity_list", entry_name="C", match="strong"),
        _f(kind="listed_entity", list="us_cbp_wro_findings", entry_name="D", match="strong"),
        _f(kind="listed_entity", list="us_ofac_sdn", entry_name="E", match="strong"),
        _f(kind="listed_entity", list="my_list", entry_name="F", match="strong"),
        _f(
            kind="goods_list",
            list="us_dol_tvpra",
            good="Cotton",
            country="CN",
            match="strong",
            details=(("forced_labor", True), ("derived", False)),
        ),
        _f(
            kind="goods_list",
            list="us_dol_tvpra",
            good="Solar Cells",
            country="CN",
            match="possible",
            details=(("forced_labor", False), ("derived", True)),
        ),
        _f(
            kind="goods_list",
            list="us_cbp_wro_findings",
            good="Cotton",
            country="TM",
            match="strong",
            effective_date=date(2018, 5, 18),
            details=(("program", "WRO"),),
        ),
        _f(kind="some_future_kind", match="strong"),
    ]
)
DATES = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))
COUNTRIES = st.sampled_from(["CN", "cn", "VN", "TM", None])


@settings(max_examples=150, deadline=None)
@given(st.lists(FINDINGS, max_size=6), DATES, COUNTRIES, st.booleans())
def test_evaluate_matches_a_direct_reading_of_the_rules(
    fs: list[Finding], day: date, country: str | None, fresh: bool
) -> None:
    rs = pickle.loads(pickle.dumps(RS)) if fresh else RS  # cold and warm memos
    got = evaluate(rs, fs, country=country, as_of=day)
    assert summary(got) == reference(RS, fs, country, day)
    # a second call (memo warm) and a fresh copy (memo empty) agree exactly
    assert evaluate(rs, fs, country=country, as_of=day) == got
    assert evaluate(pickle.loads(pickle.dumps(RS)), fs, country=country, as_of=day) == got
    assert risk_of(got, fs, rs) == risk_of(got, fs, pickle.loads(pickle.dumps(RS)))


@settings(max_examples=40, deadline=None)
@given(st.lists(FINDINGS, max_size=4), st.lists(FINDINGS, max_size=3), DATES)
def test_inherited_findings_give_the_same_rules_with_inherited_reasons(
    own: list[Finding], upstream: list[Finding], day: date
) -> None:
    got = evaluate(RS, own, country="CN", as_of=day, inherited=upstream)
    assert summary(got) == reference(RS, [*own, *upstream], "CN", day)
    own_texts = {r.text for o in evaluate(RS, own, country="CN", as_of=day) for r in o.reasons}
    for o in got:
        for r in o.reasons:
            assert r.text in own_texts or r.text.startswith("inherited from an upstream input")


def test_no_findings_is_the_precompiled_outcome_per_date() -> None:
    for day in (date(2021, 1, 1), date(2026, 1, 15), date(2028, 1, 1)):
        out = evaluate(RS, [], country="US", as_of=day)
        assert summary(out) == reference(RS, [], "US", day)
        assert evaluate(RS, (), country=None, as_of=day) is out  # shared, immutable


def test_unhashable_details_are_evaluated_without_the_memo() -> None:
    f = _f(
        kind="goods_list",
        list="us_dol_tvpra",
        good="Cotton",
        country="CN",
        match="strong",
        details=(("forced_labor", True), ("via", ["a list"])),
    )
    day = date(2026, 1, 15)
    hashable = replace(f, details=(("forced_labor", True), ("via", ("a list",))))
    assert summary(evaluate(RS, [f], country="CN", as_of=day)) == summary(
        evaluate(RS, [hashable], country="CN", as_of=day)
    )


def test_memos_pickle_empty_and_stay_bounded() -> None:
    evaluate(RS, [], country="CN", as_of=date(2026, 1, 1))
    assert RS.memo.data
    assert pickle.loads(pickle.dumps(RS)).memo.data == {}
    memo = Memo(limit=3)
    for n in range(10):
        memo.put(n, n)
    assert list(memo.data) == [7, 8, 9]


def test_risk_lookup_agrees_with_regime_set_rule() -> None:
    from laborlens.core.rules.evaluate import _rules_by_id

    table = _rules_by_id(RS)
    for regime in RS.regimes:
        for rule in regime.rules:
            assert table[rule.qualified_id] is RS.rule(rule.qualified_id)
