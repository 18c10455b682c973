"""The audit log's hash chain: any edit, deletion or reordering is detected."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core.evidence.audit import GENESIS, AuditRecord, make_record, verify

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def _log(n: int) -> list[AuditRecord]:
    out: list[AuditRecord] = []
    prev = GENESIS
    for i in range(1, n + 1):
        rec = make_record(
            seq=i,
            at=T0 + timedelta(minutes=i),
            actor="analyst",
            action="evidence.register",
            subject=f"D{i:04d}",
            prev_hash=prev,
            details={"doc_type": "commercial_invoice", "n": i},
            list_versions={"us_uflpa_entity_list": "2026-08-20#4148c141161a"},
            algorithms=("evidence-gaps-v1",),
        )
        out.append(rec)
        prev = rec.hash
    return out


def test_intact_log_verifies() -> None:
    log = _log(5)
    res = verify(log, (5, log[-1].hash))
    assert res.ok and res.records == 5 and res.head_hash == log[-1].hash
    assert verify([], None).ok


def test_edit_is_detected() -> None:
    log = _log(5)
    log[2] = replace(log[2], actor="someone else")
    res = verify(log, (5, log[-1].hash))
    assert not res.ok
    assert any(p.seq == 3 and "edited" in p.message for p in res.problems)


def test_rehashed_edit_breaks_the_next_link() -> None:
    log = _log(5)
    forged = replace(log[2], subject="D9999")
    log[2] = replace(forged, hash=forged.compute_hash())
    res = verify(log, (5, log[-1].hash))
    assert any(p.seq == 4 and "link" in p.message for p in res.problems)


def test_deletion_in_the_middle_is_detected() -> None:
    log = _log(5)
    del log[1]
    res = verify(log, (5, log[-1].hash))
    assert any("missing" in p.message for p in res.problems)


def test_deletion_at_the_end_is_detected_against_the_head() -> None:
    log = _log(5)
    assert verify(log[:4], None).ok  # the chain alone cannot tell …
    res = verify(log[:4], (5, log[-1].hash))  # … the head can
    assert not res.ok and "deleted" in res.problems[0].message


def test_reorder_is_detected() -> None:
    log = _log(4)
    log[1], log[2] = log[2], log[1]
    assert not verify(log, (4, log[-1].hash)).ok


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=5),
    st.sampled_from(["at", "actor", "action", "subject", "details", "list_versions", "algorithms"]),
)
def test_any_field_edit_is_detected(index: int, field: str) -> None:
    log = _log(6)
    rec = log[index]
    new_value: object = {
        "at": rec.at + timedelta(seconds=1),
        "actor": rec.actor + "x",
        "action": rec.action + "x",
        "subject": rec.subject + "x",
        "details": (*rec.details, ("forged", True)),
        "list_versions": (),
        "algorithms": (*rec.algorithms, "x"),
    }[field]
    log[index] = replace(rec, **{field: new_value})
    assert not verify(log, (6, log[-1].hash)).ok


def test_details_are_normalised_to_json() -> None:
    rec = make_record(
        seq=1, at=T0, actor="a", action="x", subject="s", prev_hash=GENESIS, details={"d": T0}
    )
    assert isinstance(rec.to_dict()["details"]["d"], str)
    assert rec.compute_hash() == rec.hash


@pytest.mark.parametrize("n", [1, 3])
def test_hash_is_deterministic(n: int) -> None:
    assert [r.hash for r in _log(n)] == [r.hash for r in _log(n)]


def test_missing_head_is_reported_when_required() -> None:
    log = _log(3)
    assert verify(log, None).ok
    res = verify(log, None, head_required=True)
    assert not res.ok and "head is missing" in res.problems[0].message
    assert verify([], None, head_required=True).ok
