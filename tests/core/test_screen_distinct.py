"""Screening each distinct value once gives exactly what screening every record from scratch
gives: names, places, products and regime outcomes joined back per record."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from laborlens.core import geo, names, products, rules
from laborlens.core import kb as kbase
from laborlens.core.model import Record, RowError, ScreenResult
from laborlens.core.records import ColumnMap, build_record
from laborlens.core.screen import (
    Distinct,
    ScreeningIndex,
    _sort_key,
    _unscreenable,
    _with_source,
    screen_batch,
    screen_record,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DAYS = (date(2026, 11, 27), date(2021, 1, 1))


def _reference(record: Record, index: ScreeningIndex, as_of: date) -> ScreenResult:
    """Screening one record from scratch, every step on the whole record (no memo)."""
    if not record.is_screenable():
        return _unscreenable(record, index, as_of)
    errors: list[RowError] = list(record.errors)
    named = names.match_record(index.names, record, as_of)
    known = kbase.annotate(index.kb, record, named.findings, as_of)
    place = geo.locate(index.gazetteer, record)
    prod = products.classify(index.products, record, place.country, as_of)
    findings = [*known, *place.findings, *prod.findings]
    findings.sort(key=_sort_key)
    errors += [*named.errors, *place.errors, *prod.errors]
    outcomes = rules.evaluate(index.regimes, findings, country=place.country, as_of=as_of)
    return ScreenResult(
        row=record.row,
        id=record.id,
        risk=rules.risk_of(outcomes, findings, index.regimes),
        findings=tuple(findings),
        regimes=outcomes,
        errors=tuple(_with_source(e, record) for e in errors),
        extra=record.extra,
        country=place.country,
        country_inferred=place.country_inferred,
        as_of=as_of,
        algorithms=index.algorithms(),
        source=record.source,
    )


def _records() -> list[Record]:
    """The example suppliers, repeated and shuffled under new row numbers, plus awkward rows."""
    import csv

    with (EXAMPLES / "suppliers.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    columns = ColumnMap.from_headers(rows[0])
    data = rows[1:] * 3
    random.Random(5).shuffle(data)
    out = [build_record(cells, columns, n, "s.csv") for n, cells in enumerate(data, start=1)]
    n = len(out)
    out += [
        Record(n + 1, "e1"),  # nothing to screen
        Record(n + 2, "e2", name="Xinjiang Daqo New Energy Co., Ltd.", hs_code="28046xx"),
        Record(n + 3, "e3", name="Xinjiang Daqo New Energy Co., Ltd.", hs_code="28046xx"),
        Record(n + 4, "e4", name="Ltd.", country="Atlantis", registration_id="91650000ABC"),
        Record(n + 5, "e5", address="Ürümqi, Xinjiang", source="other.csv"),
        Record(n + 6, "e6", address="Ürümqi, Xinjiang", source=None),
    ]
    return out


def test_distinct_screening_equals_screening_from_scratch(index: ScreeningIndex) -> None:
    records = _records()
    for as_of in DAYS:
        expected = [_reference(r, index, as_of) for r in records]
        memo = Distinct()
        got = [
            res
            for start in range(0, len(records), 37)
            for res in screen_batch(records[start : start + 37], index, as_of, memo)
        ]
        assert got == expected
        assert [g.to_dict() for g in got] == [e.to_dict() for e in expected]
        assert all(memo.hits), "the repeated rows should have been screened once"


def test_a_memo_filled_on_another_date_is_not_reused(index: ScreeningIndex) -> None:
    rec = Record(1, "a", name="Xinjiang Daqo New Energy Co., Ltd.")
    memo = Distinct()
    early = screen_batch([rec], index, date(2020, 1, 1), memo)[0]
    late = screen_batch([rec], index, date(2026, 1, 1), memo)[0]
    assert early == screen_record(rec, index, date(2020, 1, 1))
    assert late == screen_record(rec, index, date(2026, 1, 1))
    assert early.risk != late.risk


def test_errors_name_each_record_not_the_first_one_screened(index: ScreeningIndex) -> None:
    a = Record(3, "a", name="Ltd.", source="a.csv")
    b = Record(9, "b", name="Ltd.", source="b.csv")
    first, second = screen_batch([a, b], index, DAYS[0], Distinct())
    assert [(e.row, e.source) for e in first.errors] == [(3, "a.csv")]
    assert [(e.row, e.source) for e in second.errors] == [(9, "b.csv")]


def test_finding_signature_keeps_what_rules_read(index: ScreeningIndex) -> None:
    rec = Record(1, "a", address="Ürümqi, Xinjiang, China")
    region = screen_record(rec, index, DAYS[0]).findings[0]
    sig = rules.finding_signature(index.regimes, region)
    assert "region" in sig and "CN-XJ" in sig
    assert region.why not in sig  # no rule on regions quotes the explanation
