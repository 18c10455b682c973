from __future__ import annotations

import pickle
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core.model import Record
from laborlens.core.screen import ScreeningIndex, screen_batch, screen_record, worst_first

TODAY = date(2026, 11, 27)

REGIMES = {"us_uflpa", "us_307", "eu_flr", "ca_forced_labour", "mx_forced_labour"}


def test_verbatim_listed_name_is_a_strong_hit(index: ScreeningIndex) -> None:
    r = screen_record(Record(1, "S-1", name="Hoshine Silicon Industry Co., Ltd."), index, TODAY)
    hits = [f for f in r.findings if f.kind == "listed_entity"]
    assert any(f.list == "us_cbp_wro_findings" and f.match == "strong" for f in hits)
    assert all(f.why and f.algorithm and f.list_version for f in hits)
    assert r.risk == "high"


def test_xinjiang_address_gives_region_and_uflpa_presumption(index: ScreeningIndex) -> None:
    r = screen_record(Record(1, "1", address="Ürümqi, Xinjiang, China"), index, TODAY)
    assert any(f.kind == "region" and f.region == "CN-XJ" for f in r.findings)
    uflpa = next(o for o in r.regimes if o.regime == "us_uflpa")
    assert uflpa.outcome == "presumption" and uflpa.reasons


def test_every_regime_for_every_record(index: ScreeningIndex) -> None:
    records = [Record(1, "a", name="Nothing Special Trading"), Record(2, "b")]
    for r in screen_batch(records, index, TODAY):
        assert {o.regime for o in r.regimes} == REGIMES


def test_unscreenable_row_yields_error_record(index: ScreeningIndex) -> None:
    r = screen_record(Record(5, "x", country="CN", source="f.csv"), index, TODAY)
    assert r.risk == "none" and r.findings == ()
    assert r.errors and r.errors[0].row == 5 and r.errors[0].source == "f.csv"


def test_as_of_before_listing_drops_entity_hit(index: ScreeningIndex) -> None:
    # Zijin Mining joined the UFLPA Entity List on 2025-01-15 (DHS page; FR 2025-00901)
    rec = Record(1, "1", name="Zijin Mining Group Co., Ltd.")
    before = screen_record(rec, index, date(2025, 1, 14))
    after = screen_record(rec, index, date(2025, 1, 15))

    def listed(r: object) -> bool:
        return any(
            f.kind == "listed_entity" and f.list == "us_uflpa_entity_list"
            for f in r.findings  # type: ignore[attr-defined]
        )

    assert not listed(before) and listed(after)


def test_index_pickles_for_workers(index: ScreeningIndex) -> None:
    clone = pickle.loads(pickle.dumps(index))
    rec = Record(1, "1", name="Hoshine Silicon Industry Co., Ltd.")
    assert screen_record(rec, clone, TODAY) == screen_record(rec, index, TODAY)


def test_worst_first_orders_by_risk_then_row(index: ScreeningIndex) -> None:
    res = screen_batch(
        [Record(1, "a", name="Plain Co"), Record(2, "b", address="Urumqi, Xinjiang")],
        index,
        TODAY,
    )
    assert next(r.row for r in worst_first(res)) == 2


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.builds(
            lambda n, a: (n, a),
            st.none() | st.text(max_size=40),
            st.none() | st.text(max_size=40),
        ),
        max_size=8,
    )
)
def test_one_result_per_record_in_order(index: ScreeningIndex, rows: list[tuple[str, str]]) -> None:
    records = [
        Record(i, str(i), name=n or None, address=a or None) for i, (n, a) in enumerate(rows, 1)
    ]
    out = screen_batch(records, index, TODAY)
    assert [r.row for r in out] == [r.row for r in records]
    assert all(r.risk in ("high", "medium", "low", "none") for r in out)
