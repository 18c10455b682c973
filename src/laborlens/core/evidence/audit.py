"""The append-only audit log's hash chain: how a record is hashed and how a log is verified.

Each record carries the hash of the record before it (``prev_hash``; the first carries
``GENESIS``) and its own hash over a canonical JSON of all its fields. Editing any field breaks
that record's hash; deleting or reordering records breaks the next record's ``prev_hash`` or the
sequence; deleting records at the end is caught against the head (last sequence number and hash)
kept apart from the log by the store.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from laborlens.core.canonical import canonical_json, sha256_text

GENESIS = "0" * 64
ALGORITHM = "audit-chain-v1"


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One audit-log record: who did what, when, under which list and algorithm versions."""

    seq: int
    at: datetime
    actor: str
    action: str
    subject: str
    details: tuple[tuple[str, Any], ...] = ()
    list_versions: tuple[tuple[str, str], ...] = ()
    algorithms: tuple[str, ...] = ()
    prev_hash: str = GENESIS
    hash: str = ""

    def payload(self) -> dict[str, Any]:
        """Every field except ``hash``: what the hash is taken over."""
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "details": dict(self.details),
            "list_versions": dict(self.list_versions),
            "algorithms": list(self.algorithms),
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        return sha256_text(canonical_json(self.payload()))

    def to_dict(self) -> dict[str, Any]:
        return {**self.payload(), "hash": self.hash}


def make_record(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    prev_hash: str,
    details: Mapping[str, Any] | None = None,
    list_versions: Mapping[str, str] | None = None,
    algorithms: Sequence[str] = (),
) -> AuditRecord:
    """A new record with its hash filled in (details are normalised to JSON-safe values)."""
    norm = _json_roundtrip(dict(details or {}))
    rec = AuditRecord(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        subject=subject,
        details=tuple(sorted(norm.items())),
        list_versions=tuple(sorted((list_versions or {}).items())),
        algorithms=tuple(algorithms),
        prev_hash=prev_hash,
    )
    return replace(rec, hash=rec.compute_hash())


def _json_roundtrip(value: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(canonical_json(value))
    return out


@dataclass(frozen=True, slots=True)
class AuditProblem:
    seq: int
    message: str


@dataclass(frozen=True, slots=True)
class AuditVerification:
    """The result of verifying a log: ``ok`` when no problem was found."""

    records: int
    head_hash: str
    problems: tuple[AuditProblem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "records": self.records,
            "head_hash": self.head_hash,
            "algorithm": ALGORITHM,
            "problems": [{"seq": p.seq, "message": p.message} for p in self.problems],
        }


def verify(
    records: Sequence[AuditRecord],
    head: tuple[int, str] | None = None,
    *,
    head_required: bool = False,
) -> AuditVerification:
    """Check a log: hashes, links, an unbroken sequence from 1, and the recorded head.

    Args:
        records: the log as stored, in sequence order.
        head: ``(last seq, last hash)`` recorded apart from the log, if any; catches deletion
            of the newest records, which leaves an otherwise valid chain.
        head_required: report a missing head when the log has records (the store always
            writes one, so its absence means it was deleted).
    """
    problems: list[AuditProblem] = []
    prev = GENESIS
    expected_seq = 1
    for rec in records:
        if rec.seq != expected_seq:
            if rec.seq > expected_seq:
                missing = (
                    f"{expected_seq}"
                    if rec.seq == expected_seq + 1
                    else (f"{expected_seq}-{rec.seq - 1}")
                )
                problems.append(AuditProblem(rec.seq, f"record(s) {missing} missing (deleted)"))
            else:
                problems.append(AuditProblem(rec.seq, "sequence number repeated or out of order"))
        if rec.prev_hash != prev:
            problems.append(
                AuditProblem(
                    rec.seq, "previous-hash link broken (a record before it was edited or deleted)"
                )
            )
        if rec.compute_hash() != rec.hash:
            problems.append(
                AuditProblem(rec.seq, "record content does not match its hash (edited)")
            )
        prev = rec.hash
        expected_seq = rec.seq + 1
    if head is None and head_required and records:
        problems.append(
            AuditProblem(
                records[-1].seq,
                "the recorded head is missing: deletion of the newest records cannot be ruled out",
            )
        )
    if head is not None:
        head_seq, head_hash = head
        last_seq = records[-1].seq if records else 0
        if last_seq < head_seq:
            problems.append(
                AuditProblem(
                    last_seq + 1,
                    f"log ends at record {last_seq} but its head says {head_seq}: "
                    "newest records deleted",
                )
            )
        elif last_seq == head_seq and head_hash != prev:
            problems.append(AuditProblem(last_seq, "last record does not match the recorded head"))
        elif last_seq > head_seq:
            problems.append(
                AuditProblem(
                    head_seq + 1,
                    "records beyond the recorded head (appended outside the log API, or the "
                    "head was not updated)",
                )
            )
    return AuditVerification(records=len(records), head_hash=prev, problems=tuple(problems))
