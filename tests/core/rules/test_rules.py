"""Regimes as data: loading, validation, dates, triggers, outcomes, evidence and risk."""

from __future__ import annotations

import pickle
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core import resources, rules
from laborlens.core.model import RISK_ORDER, Finding, MatchBand, RegimeOutcome
from laborlens.core.rules import OUTCOMES, REGIME_IDS, RegimeError, evaluate, risk_of

RS = rules.load_regimes()


def outcome(
    findings: list[Finding],
    as_of: date,
    regime: str,
    country: str | None = "CN",
    inherited: tuple[Finding, ...] = (),
) -> RegimeOutcome:
    out = evaluate(RS, findings, country=country, as_of=as_of, inherited=inherited)
    return next(o for o in out if o.regime == regime)


XJ = Finding(
    kind="region",
    region="CN-XJ",
    label="Xinjiang Uygur Autonomous Region",
    score=0.95,
    why="address names Urumqi",
)


def entity(
    list_id: str,
    match: MatchBand = "strong",
    effective: date | None = date(2022, 6, 21),
    kind: str = "listed_entity",
) -> Finding:
    return Finding(
        kind=kind,
        list=list_id,
        entry_id="e1",
        entry_name="Example Co.",
        match=match,
        score=0.97 if match == "strong" else 0.7,
        effective_date=effective,
        why="name matched",
    )


def sector(name: str, match: MatchBand = "strong") -> Finding:
    return Finding(
        kind="sector",
        sector=name,
        regime="us_uflpa",
        match=match,
        why=f"{name} product",
    )


def good(name: str, country: str, **flags: bool) -> Finding:
    details = tuple(
        (k, flags.get(k, False))
        for k in ("forced_labor", "child_labor", "forced_child_labor", "derived")
    )
    return Finding(
        kind="goods_list",
        list="us_dol_tvpra",
        good=name,
        country=country,
        match="strong",
        details=details,
        why="DOL good",
    )


# --- loading and validation ----------------------------------------------------------------------


def test_bundled_regimes_validate_and_cover_every_public_id() -> None:
    assert RS.ids == REGIME_IDS
    for regime in RS.regimes:
        assert regime.citation and regime.effective_from_citation and regime.burden
        assert regime.standard_of_proof and regime.challenge_paths
        for rule in regime.rules:
            assert rule.citation and rule.text and rule.paths
            for path_id in rule.paths:
                for cat in regime.path(path_id).evidence:
                    assert cat in {c.id for c in RS.evidence}


def test_regime_set_is_picklable() -> None:
    assert pickle.loads(pickle.dumps(RS)) == RS


def test_evidence_categories_are_id_label_source_triples() -> None:
    cats = rules.evidence_categories()
    ids = [c.id for c in cats]
    assert len(ids) == len(set(ids)) >= 13
    assert "due_diligence_system" in ids and "supply_chain_tracing_to_raw_material" in ids
    for cid, label, source in cats:
        assert cid and label and source


def test_uflpa_high_priority_sectors_and_dates() -> None:
    uflpa = RS.get("us_uflpa")
    dates = {s.sector: s.designated_on for s in uflpa.sectors}
    assert dates["polysilicon"] == dates["cotton"] == date(2022, 6, 17)
    assert dates["aluminum"] == dates["pvc"] == dates["seafood"] == date(2024, 7, 9)
    assert dates["red dates"] == dates["caustic soda"] == date(2025, 8, 19)
    assert len(dates) == 12


def _bundled_text(name: str) -> str:
    return resources.read_text(f"regimes/{name}")


def test_malformed_rule_file_names_file_and_field(tmp_path: Path) -> None:
    bad = _bundled_text("us_307.yaml").replace("outcome: prohibited_entity", "outcome: banned", 1)
    path = tmp_path / "us_307.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(RegimeError) as err:
        rules.load_regimes({path.name: path.read_text(encoding="utf-8")})
    msg = str(err.value)
    # rules[0] is the rule for inactive orders (elevated_risk): the first prohibited_entity is 1
    assert "us_307.yaml" in msg and "rules[1].outcome" in msg and "banned" in msg


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("effective_from: 2022-06-21\n", "effective_from: soon\n", "effective_from"),
        ("    citation:\n      primary:", "    citation_x:\n      primary:", "rules[0].citation"),
        (
            "when: {kind: region, region: CN-XJ, match: [strong, null]}",
            "when: {colour: red}",
            "rules[0].when.colour",
        ),
        (
            "evidence: [transaction_supply_chain_records,",
            "evidence: [no_such_category,",
            "challenge_paths[0].evidence",
        ),
        ("risk: high", "risk: medium", "rules[0].risk"),
        ("paths: [applicability_review, exception_request]", "paths: [nowhere]", "rules[0].paths"),
    ],
)
def test_each_kind_of_error_names_the_field(old: str, new: str, field: str) -> None:
    text = _bundled_text("us_uflpa.yaml")
    assert old in text
    with pytest.raises(RegimeError, match=re.escape(f"us_uflpa.yaml: field '{field}'")):
        rules.load_regimes({"us_uflpa.yaml": text.replace(old, new, 1)})


def test_invalid_yaml_and_duplicate_and_missing_regimes() -> None:
    with pytest.raises(RegimeError, match=r"draft\.yaml: invalid YAML"):
        rules.load_regimes({"draft.yaml": "id: [unclosed"})
    with pytest.raises(RegimeError, match=r"field 'id': regime 'us_uflpa' is already defined in"):
        rules.load_regimes({"copy.yaml": _bundled_text("us_uflpa.yaml")})
    four = {f"{r}.yaml": _bundled_text(f"{r}.yaml") for r in REGIME_IDS if r != "eu_flr"}
    with pytest.raises(RegimeError, match="no file defines eu_flr"):
        rules.load_regimes(four, bundled=False)


# --- dates ---------------------------------------------------------------------------------------

EFFECTIVE = {
    "us_uflpa": date(2022, 6, 21),
    "eu_flr": date(2027, 12, 14),
    "ca_forced_labour": date(2020, 7, 1),
    "mx_forced_labour": date(2023, 5, 18),
}


@pytest.mark.parametrize(("regime", "start"), sorted(EFFECTIVE.items()))
def test_regime_applies_from_its_effective_date(regime: str, start: date) -> None:
    before = outcome([XJ], start - timedelta(days=1), regime)
    assert before.outcome == "not_in_force" and before.reasons[0].citation
    on = outcome([XJ], start, regime)
    assert on.outcome in ("presumption", "elevated_risk")
    assert outcome([], start, regime).outcome == "no_trigger"


def test_every_regime_in_force_today_except_eu() -> None:
    out = {o.regime: o.outcome for o in evaluate(RS, [], country=None, as_of=date(2026, 11, 27))}
    assert out == {
        "us_uflpa": "no_trigger",
        "us_307": "no_trigger",
        "eu_flr": "not_in_force",
        "ca_forced_labour": "no_trigger",
        "mx_forced_labour": "no_trigger",
    }


def test_entity_added_later_does_not_trigger_earlier() -> None:
    f = entity("us_uflpa_entity_list", effective=date(2024, 8, 9))
    assert outcome([f], date(2023, 6, 1), "us_uflpa").outcome == "no_trigger"
    assert outcome([f], date(2024, 8, 8), "us_uflpa").outcome == "no_trigger"
    assert outcome([f], date(2024, 8, 9), "us_uflpa").outcome == "presumption"


@pytest.mark.parametrize(
    ("name", "designated"),
    [
        ("cotton", date(2022, 6, 17)),
        ("aluminum", date(2024, 7, 9)),
        ("pvc", date(2024, 7, 9)),
        ("seafood", date(2024, 7, 9)),
        ("steel", date(2025, 8, 19)),
        ("red dates", date(2025, 8, 19)),
    ],
)
def test_sector_counts_only_from_its_designation(name: str, designated: date) -> None:
    day_before = max(designated - timedelta(days=1), date(2022, 6, 21))
    if day_before >= designated:  # 2022 sectors: designated before the Act applied
        assert outcome([sector(name)], date(2022, 6, 21), "us_uflpa").outcome == "elevated_risk"
        return
    assert outcome([sector(name)], day_before, "us_uflpa").outcome == "no_trigger"
    after = outcome([sector(name)], designated, "us_uflpa")
    assert after.outcome == "elevated_risk"
    assert after.reasons[0].rule == "us_uflpa.high_priority_sector_china"
    assert designated.isoformat() in after.reasons[0].text


def test_canada_child_labour_limb_from_2024() -> None:
    f = good("Bricks", "PK", child_labor=True)
    assert outcome([f], date(2023, 12, 31), "ca_forced_labour").outcome == "no_trigger"
    on = outcome([f], date(2024, 1, 1), "ca_forced_labour")
    assert on.outcome == "elevated_risk" and "child" in on.reasons[0].text


# --- triggers and outcomes -----------------------------------------------------------------------

AS_OF = date(2026, 1, 15)


def test_xuar_region_raises_uflpa_presumption_with_both_challenge_paths() -> None:
    o = outcome([XJ], AS_OF, "us_uflpa")
    assert o.outcome == "presumption" and o.effect and "presumption" in o.effect
    assert o.reasons[0].rule == "us_uflpa.geography_xuar" and o.reasons[0].citation
    assert o.reasons[0].finding_kind == "region"
    assert "evidence_not_from_xuar" in o.evidence_needed  # applicability review
    assert "evidence_no_forced_labor_china_origin" in o.evidence_needed  # exception request


def test_strong_entity_presumption_but_possible_match_only_elevated() -> None:
    assert outcome([entity("us_uflpa_entity_list")], AS_OF, "us_uflpa").outcome == "presumption"
    weak = outcome([entity("us_uflpa_entity_list", "possible")], AS_OF, "us_uflpa")
    assert weak.outcome == "elevated_risk" and "possible" in weak.reasons[0].text
    assert "exception_request" not in weak.reasons[0].rule
    rel = outcome([entity("us_uflpa_entity_list", kind="related_party")], AS_OF, "us_uflpa")
    assert rel.outcome == "elevated_risk"


def test_wro_entity_is_prohibited_entity_under_307_only() -> None:
    f = entity("us_cbp_wro_findings", effective=date(2021, 6, 24))
    out = {o.regime: o for o in evaluate(RS, [f], country="CN", as_of=AS_OF)}
    assert out["us_307"].outcome == "prohibited_entity"
    assert "certificate_of_origin_19cfr12_43" in out["us_307"].evidence_needed
    assert out["us_uflpa"].outcome == "no_trigger"
    assert out["ca_forced_labour"].outcome == "elevated_risk"
    assert out["mx_forced_labour"].outcome == "elevated_risk"


def test_country_wide_wro_goods_finding() -> None:
    f = Finding(
        kind="goods_list",
        list="us_cbp_wro_findings",
        good="Cotton",
        country="TM",
        match="strong",
        effective_date=date(2018, 5, 18),
        entry_name="All Turkmenistan Cotton",
        details=(("program", "WRO"),),
        why="WRO covers Turkmen cotton",
    )
    o = outcome([f], AS_OF, "us_307", country="TM")
    assert o.outcome == "prohibited_entity" and "WRO" in o.reasons[0].text
    possible = Finding(
        kind="goods_list",
        list="us_cbp_wro_findings",
        good="Gold",
        country="CD",
        match="possible",
        why="artisanal gold",
    )
    assert outcome([possible], AS_OF, "us_307", country="CD").outcome == "elevated_risk"


def test_sector_outside_china_is_low_risk_elevated() -> None:
    o = outcome([sector("cotton")], AS_OF, "us_uflpa", country="VN")
    assert o.outcome == "elevated_risk" and o.reasons[0].rule == "us_uflpa.high_priority_sector"
    assert risk_of([o], [sector("cotton")]) == "low"
    cn = outcome([sector("cotton")], AS_OF, "us_uflpa", country="CN")
    assert risk_of([cn], [sector("cotton")]) == "medium"
    weak = outcome([sector("red dates", "possible")], AS_OF, "us_uflpa")
    assert weak.reasons[0].rule == "us_uflpa.high_priority_sector_possible"


def test_dol_goods_list_by_flags() -> None:
    cn = good("Cotton", "CN", forced_labor=True, child_labor=True, forced_child_labor=True)
    out = {o.regime: o for o in evaluate(RS, [cn], country="CN", as_of=AS_OF)}
    assert out["us_uflpa"].outcome == "elevated_risk"
    assert out["us_307"].outcome == "elevated_risk"
    derived = good("Solar Modules", "CN", derived=True)
    assert outcome([derived], AS_OF, "us_uflpa").reasons[0].rule == "us_uflpa.dol_derived_china"
    child_only = good("Cocoa", "GH", child_labor=True)
    assert outcome([child_only], AS_OF, "us_307", country="GH").outcome == "no_trigger"


def test_inherited_findings_taint_the_output_and_say_so() -> None:
    o = outcome([], AS_OF, "us_uflpa", country="VN", inherited=(XJ,))
    assert o.outcome == "presumption"
    assert o.reasons[0].text.startswith("inherited from an upstream input")


def test_combined_findings_take_the_strongest_outcome_and_keep_every_reason() -> None:
    fs = [
        sector("polysilicon"),
        entity("us_uflpa_entity_list", "possible"),
        XJ,
        entity("us_ofac_sdn"),
    ]
    out = evaluate(RS, fs, country="CN", as_of=AS_OF)
    uflpa = next(o for o in out if o.regime == "us_uflpa")
    assert uflpa.outcome == "presumption"
    assert next(r.rule for r in uflpa.reasons) == "us_uflpa.geography_xuar"
    assert {r.finding_kind for r in uflpa.reasons} == {"region", "sector", "listed_entity"}
    assert next(o for o in out if o.regime == "us_307").outcome == "elevated_risk"  # OFAC
    assert risk_of(out, fs) == "high"


def test_eu_flr_has_no_presumption_even_for_xuar() -> None:
    o = outcome([XJ, entity("us_uflpa_entity_list")], date(2028, 1, 3), "eu_flr")
    assert o.outcome == "elevated_risk"
    assert "forced_labour_risk_mitigation_actions" in o.evidence_needed


def test_risk_table() -> None:
    assert risk_of(evaluate(RS, [], country=None, as_of=AS_OF), []) == "none"
    user = Finding(kind="listed_entity", list="my_suppliers", match="strong", why="user list")
    assert risk_of(evaluate(RS, [user], country=None, as_of=AS_OF), [user]) == "low"
    assert risk_of(evaluate(RS, [XJ], country="CN", as_of=AS_OF), [XJ]) == "high"


# --- invariants ----------------------------------------------------------------------------------

FINDINGS = st.sampled_from(
    [
        XJ,
        sector("cotton"),
        sector("aluminum"),
        sector("red dates", "possible"),
        entity("us_uflpa_entity_list"),
        entity("us_uflpa_entity_list", "possible"),
        entity("us_cbp_wro_findings"),
        entity("us_ofac_sdn"),
        good("Toys", "CN", forced_labor=True),
        entity("us_uflpa_entity_list", effective=date(2025, 1, 15)),
    ]
)
DATES = st.dates(min_value=date(2019, 1, 1), max_value=date(2029, 12, 31))


@settings(max_examples=60, deadline=None)
@given(st.lists(FINDINGS, max_size=5), DATES, st.sampled_from(["CN", "VN", None]))
def test_every_regime_always_once_with_a_known_outcome(
    fs: list[Finding], day: date, country: str | None
) -> None:
    out = evaluate(RS, fs, country=country, as_of=day)
    assert tuple(o.regime for o in out) == REGIME_IDS
    valid = {c.id for c in RS.evidence}
    for o in out:
        assert o.outcome in OUTCOMES
        assert set(o.evidence_needed) <= valid
        assert all(r.rule and r.citation for r in o.reasons)


@settings(max_examples=60, deadline=None)
@given(st.lists(FINDINGS, max_size=4), FINDINGS, DATES)
def test_more_findings_never_lower_the_risk(fs: list[Finding], extra: Finding, day: date) -> None:
    base = risk_of(evaluate(RS, fs, country="CN", as_of=day), fs)
    more = [*fs, extra]
    assert (
        RISK_ORDER[risk_of(evaluate(RS, more, country="CN", as_of=day), more)] >= RISK_ORDER[base]
    )
