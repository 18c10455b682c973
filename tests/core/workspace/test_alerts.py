"""Alerts from findings, and remembered decisions applied to later screenings."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laborlens.core.model import Finding, ListEntry, Record, ScreenResult
from laborlens.core.workspace import alerts as a

T = datetime(2026, 10, 1, tzinfo=UTC)
ENTRY = ListEntry(
    "us_uflpa_entity_list",
    "uflpa-1",
    "Xinjiang Daqo New Energy Co., Ltd.",
    aliases=("Daqo",),
    effective_date=date(2024, 11, 25),
)
ENTRIES = {(ENTRY.list_id, ENTRY.entry_id): ENTRY}


def listed(score: float = 0.97, match: str = "strong") -> Finding:
    return Finding(
        "listed_entity",
        "name matches",
        score=score,
        list=ENTRY.list_id,
        entry_id=ENTRY.entry_id,
        entry_name=ENTRY.name,
        match=match,  # type: ignore[arg-type]
        matched_name=ENTRY.name,
    )


def region(role: str) -> Finding:
    return Finding(
        "region",
        "address in XUAR",
        score=0.9,
        region="CN-XJ",
        label="Xinjiang",
        details=(("role", role),),
    )


def result(*findings: Finding, row: int = 1) -> ScreenResult:
    return ScreenResult(row=row, id=str(row), risk="high", findings=findings, country="CN")


REC = Record(row=1, id="S1", name="Xinjiang Daqo New Energy Co Ltd", country="CN")


def test_which_findings_become_alerts() -> None:
    sector = Finding(
        "sector", "polysilicon", match="strong", sector="polysilicon", regime="us_uflpa"
    )
    weak = Finding("sector", "maybe", match=None, sector="cotton")
    found = a.alerts_for(
        result(listed(), region("xinjiang"), region("province"), sector, weak), REC, ENTRIES
    )
    assert [x.kind for x in found] == ["listed_entity", "region", "sector"]
    assert found[0].entry_key == "us_uflpa_entity_list:uflpa-1"
    assert found[0].fingerprint == a.entry_fingerprint(ENTRY)


def test_one_alert_per_entry_the_strongest_finding_speaks() -> None:
    found = a.alerts_for(result(listed(0.8, "possible"), listed(0.99)), REC, ENTRIES)
    assert len(found) == 1 and found[0].score == 0.99 and found[0].band == "strong"


def test_party_key_is_stable_across_spelling_and_prefers_registration() -> None:
    other = replace(REC, name="  XINJIANG daqo new-energy co., ltd ")
    assert a.party_key(REC) == a.party_key(other)
    assert a.party_key(replace(REC, registration_id="9165 0000")) == "reg:CN:91650000"
    assert a.party_key(replace(REC, country="VN")) != a.party_key(REC)


def test_decision_is_reapplied_until_the_entry_changes() -> None:
    cand = a.alerts_for(result(listed()), REC, ENTRIES)[0]
    d = a.Decision(
        "D1",
        "J.1.1",
        cand.party_key,
        cand.entry_key,
        cand.fingerprint,
        "clear",
        "rita",
        T,
        reason="different company, other province",
    )
    same = a.reapply(cand, d)
    assert same.status == "cleared" and same.reapplied and same.decision_id == "D1"
    assert "rita" in (same.note or "") and "other province" in (same.note or "")
    changed_entry = replace(ENTRY, aliases=("Daqo", "Daqo Xinjiang"))
    cand2 = a.alerts_for(result(listed()), REC, {(ENTRY.list_id, ENTRY.entry_id): changed_entry})[0]
    again = a.reapply(cand2, d)
    assert again.status == "open" and not again.reapplied and "changed" in (again.note or "")
    assert a.reapply(cand, None) == a.Applied("open", None, False, None)


def test_clearing_needs_a_reason() -> None:
    with pytest.raises(a.DecisionError, match="reason"):
        a.check_decision("clear", "  ")
    with pytest.raises(a.DecisionError, match="unknown action"):
        a.check_decision("ignore", "x")
    a.check_decision("confirm", None)


@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=4), st.text(max_size=10))
def test_fingerprint_changes_with_any_published_fact(aliases: list[str], extra: str) -> None:
    base = replace(ENTRY, aliases=tuple(aliases))
    changed = replace(base, aliases=(*aliases, extra + "!"))
    assert a.entry_fingerprint(base) == a.entry_fingerprint(replace(base, source="elsewhere"))
    assert a.entry_fingerprint(base) != a.entry_fingerprint(changed)
