from __future__ import annotations

from datetime import date

from laborlens.core.model import Finding
from laborlens.core.rules import evaluate, load_regimes, risk_of

AS_OF = date(2026, 11, 27)


def test_other_province_location_alone_is_no_risk() -> None:
    henan = Finding(kind="region", region="CN-HA", label="Henan", why="address names 新乡市")
    regimes = load_regimes()
    outcomes = evaluate(regimes, [henan], country="CN", as_of=AS_OF)
    assert risk_of(outcomes, [henan]) == "none"


def test_unruled_finding_still_counts_low() -> None:
    user_hit = Finding(kind="listed_entity", list="my_watchlist", match="strong", why="x")
    regimes = load_regimes()
    outcomes = evaluate(regimes, [user_hit], country="CN", as_of=AS_OF)
    assert risk_of(outcomes, [user_hit]) in ("low", "medium")
