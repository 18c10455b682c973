from __future__ import annotations

from datetime import date

from laborlens.core.model import Finding
from laborlens.core.rules import evaluate, load_regimes, risk_of


def test_third_country_routing_is_elevated_uflpa_risk() -> None:
    routing = Finding(
        kind="routing",
        regime="us_uflpa",
        sector="polysilicon",
        country="MY",
        score=0.8,
        why="last producer outside China (MY) with Chinese polysilicon input: A → B → C",
    )
    regimes = load_regimes()
    outcomes = {
        o.regime: o
        for o in evaluate(regimes, [], country="MY", as_of=date(2025, 6, 1), inherited=[routing])
    }
    uflpa = outcomes["us_uflpa"]
    assert uflpa.outcome == "elevated_risk"
    assert any(r.rule.endswith("third_country_routing") and r.citation for r in uflpa.reasons)
    assert risk_of(tuple(outcomes.values()), [routing]) == "medium"
