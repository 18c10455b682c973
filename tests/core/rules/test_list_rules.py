"""Regime rules that rest on the official lists' content: region-wide CBP orders, the status of
an order, BIS context (real entries and dates of the bundled lists)."""

from __future__ import annotations

from datetime import date

from laborlens.core.model import Record
from laborlens.core.screen import ScreeningIndex, screen_record


def _outcome(index: ScreeningIndex, rec: Record, day: date, regime: str) -> tuple[str, set[str]]:
    result = screen_record(rec, index, day)
    out = next(o for o in result.regimes if o.regime == regime)
    return out.outcome, {r.rule for r in out.reasons}


def test_xuar_cotton_order_of_2021_01_13(index: ScreeningIndex) -> None:
    xj = Record(
        1,
        "1",
        name="Example Cotton Trading Co.",
        address="Aksu, Xinjiang, China",
        product="raw cotton",
        country="CN",
    )
    other = Record(
        2,
        "2",
        name="Example Cotton Trading Co.",
        address="Jinan, Shandong, China",
        product="raw cotton",
        country="CN",
    )
    assert _outcome(index, xj, date(2021, 1, 12), "us_307")[0] != "prohibited_entity"
    outcome, rules = _outcome(index, xj, date(2021, 1, 13), "us_307")
    assert outcome == "prohibited_entity" and "us_307.wro_region_goods" in rules
    # the same cotton outside Xinjiang: only "may be covered"
    outcome, rules = _outcome(index, other, date(2021, 6, 1), "us_307")
    assert "us_307.wro_region_goods" not in rules
    assert "us_307.wro_finding_goods_possible" in rules


def test_xpcc_cotton_order_of_2020_11_30(index: ScreeningIndex) -> None:
    rec = Record(
        1, "1", name="Example Farm", address="第八师一五〇团", product="cotton", country="CN"
    )
    outcome, rules = _outcome(index, rec, date(2020, 12, 1), "us_307")
    assert outcome == "prohibited_entity" and rules & {"us_307.wro_xpcc_goods"}
    assert "us_307.wro_region_goods" not in rules  # the XUAR order came on 2021-01-13


def test_inactive_finding_is_context_not_detention(index: ScreeningIndex) -> None:
    rec = Record(1, "1", name="Kingtom Aluminio S.R.L.")
    outcome, rules = _outcome(index, rec, date(2025, 6, 1), "us_307")
    assert outcome == "elevated_risk" and rules == {"us_307.wro_finding_inactive"}


def test_bis_xinjiang_entries_are_elevated_risk_context(index: ScreeningIndex) -> None:
    hik = Record(1, "1", name="Hangzhou Hikvision Digital Technology Co., Ltd.")
    for regime in ("us_uflpa", "us_307"):
        outcome, rules = _outcome(index, hik, date(2025, 6, 1), regime)
        assert outcome == "elevated_risk" and f"{regime}.bis_xinjiang" in rules
    other = Record(2, "2", name="Harbin Institute of Technology")
    outcome, rules = _outcome(index, other, date(2025, 6, 1), "us_uflpa")
    assert outcome == "elevated_risk" and rules == {"us_uflpa.bis_entity"}
