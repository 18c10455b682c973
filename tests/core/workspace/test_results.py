"""Stored result rows (not screened is never a risk level) and what a re-screening changed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from laborlens.core.model import Record, RowError, ScreenResult
from laborlens.core.workspace.results import NOT_SCREENED, compare, rank, result_row

LEVELS = ["high", "medium", "low", "none", None]


def test_unscreenable_row_is_not_screened_with_its_error() -> None:
    rec = Record(row=3, id="S3", country="CN")
    res = ScreenResult(row=3, id="S3", risk="none", errors=(RowError("nothing to screen", row=3),))
    row = result_row(res, rec)
    assert not row.screened and row.risk is None and row.data["status"] == NOT_SCREENED
    assert "nothing to screen" in (row.errors or "")
    assert row.risk_rank == rank(None)


def test_worst_first_order() -> None:
    assert [rank(r) for r in ("high", "medium", "low", None, "none")] == [6, 4, 2, 1, 0]


def test_compare_reports_what_changed() -> None:
    c = compare(5, "Acme", ("low", "a"), ("high", "a|b"))
    assert c is not None and c.kind == "risk_up" and c.added == ("b",) and c.removed == ()
    assert compare(5, "Acme", ("low", "a"), ("low", "a")) is None
    assert compare(5, "Acme", None, ("none", "")).kind == "new_row"  # type: ignore[union-attr]
    gone = compare(5, "Acme", (None, ""), None)
    assert gone is not None and gone.kind == "removed_row" and gone.before == NOT_SCREENED


keys = st.lists(st.sampled_from(["a", "b", "c", "d"]), unique=True).map("|".join)


@given(st.sampled_from(LEVELS), keys, st.sampled_from(LEVELS), keys)
def test_compare_is_none_exactly_when_nothing_changed(r1, k1, r2, k2) -> None:  # type: ignore[no-untyped-def]
    c = compare(1, None, (r1, k1), (r2, k2))
    unchanged = (r1 == r2) and set(k1.split("|")) == set(k2.split("|"))
    assert (c is None) == unchanged
    if c is not None:
        assert set(c.added).isdisjoint(c.removed)
        assert c.kind in ("risk_up", "risk_down", "findings_changed")
