"""Alerts and review decisions.

Every finding that could stop goods at the border becomes an alert for a reviewer: a name
match to a listed entity (strong or possible) or a related party, a risk region (not a mere
province), a high-priority sector or a listed good. A reviewer clears an alert (a false
positive, with a reason), confirms it, or escalates it to a case.

A decision is remembered for the pair (party, list entry) together with a fingerprint of the
entry as it was when decided. On the next screening of the same party the decision is applied
again, visibly (the alert says whose decision it was and when), until the entry changes: then
the alert opens again and says why.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from laborlens.core.model import Finding, ListEntry, Record, ScreenResult

ALGORITHM = "alerts-v1"

#: decision action -> the alert status it gives
ACTIONS: dict[str, str] = {"clear": "cleared", "confirm": "confirmed", "escalate": "escalated"}
STATUSES: tuple[str, ...] = ("open", "cleared", "confirmed", "escalated")

_LIST_KINDS = ("listed_entity", "related_party")
_PRODUCT_KINDS = ("sector", "goods_list")


@dataclass(frozen=True, slots=True)
class AlertCandidate:
    """An alert as screening raises it, before any remembered decision is applied."""

    row: int
    n: int
    party_key: str
    party_name: str | None
    country: str | None
    entry_key: str
    fingerprint: str
    kind: str
    band: str | None
    list_id: str | None
    entry_id: str | None
    entry_name: str | None
    matched_name: str | None
    score: float
    why: str


@dataclass(frozen=True, slots=True)
class Decision:
    """A reviewer's decision on one alert, remembered for (party, entry)."""

    decision_id: str
    alert_id: str
    party_key: str
    entry_key: str
    fingerprint: str
    action: str
    by: str
    at: datetime
    reason: str | None = None
    case_id: str | None = None


@dataclass(frozen=True, slots=True)
class Applied:
    """What a remembered decision does to a new alert."""

    status: str
    decision_id: str | None
    reapplied: bool
    note: str | None


class DecisionError(ValueError):
    """A decision that cannot be taken (unknown action, clearing without a reason …)."""


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def party_key(record: Record, country: str | None = None) -> str:
    """Who the row is about, stable across uploads: the registration id when given (with the
    country), else the folded name with the country."""
    where = (country or record.country or "").upper()
    if record.registration_id:
        return f"reg:{where}:{_fold(record.registration_id).replace(' ', '')}"
    return f"name:{where}:{_fold(record.name or record.id or '')}"


def entry_key(f: Finding) -> str:
    """What the finding points at: a list entry, a region, a sector or good under a regime."""
    if f.kind in _LIST_KINDS:
        return f"{f.list}:{f.entry_id}"
    if f.kind == "region":
        return f"region:{f.region}"
    if f.kind == "goods_list":
        return f"good:{f.list}:{f.entry_id or f.good}"
    return f"sector:{f.regime or ''}:{f.sector}"


def _digest(obj: Any) -> str:
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def entry_fingerprint(entry: ListEntry) -> str:
    """A digest of everything a list publishes about an entry (its source file aside)."""
    return _digest(
        [entry.list_id, entry.entry_id, entry.name, entry.aliases, entry.schema, entry.addresses,
         entry.countries, entry.programs, entry.effective_date, entry.end_date, entry.subsidiaries,
         entry.properties]
    )  # fmt: skip


def fingerprint(f: Finding, entries: Mapping[tuple[str, str], ListEntry]) -> str:
    """The entry's fingerprint; for regions and sectors, the rule that raised the finding."""
    if f.list and f.entry_id:
        entry = entries.get((f.list, f.entry_id))
        if entry is not None:
            return entry_fingerprint(entry)
        return _digest([f.list, f.entry_id, f.entry_name, f.list_version])
    return _digest([f.kind, f.region, f.label, f.sector, f.regime, f.good, f.algorithm])


def raises_alert(f: Finding) -> bool:
    """Whether a finding goes to the review queue."""
    if f.kind in _LIST_KINDS:
        return f.match in ("strong", "possible") or f.kind == "related_party"
    if f.kind == "region":
        return dict(f.details).get("role") not in (None, "province")
    if f.kind in _PRODUCT_KINDS:
        return f.match in ("strong", "possible")
    return False


def alerts_for(
    result: ScreenResult, record: Record, entries: Mapping[tuple[str, str], ListEntry]
) -> list[AlertCandidate]:
    """The alerts one screened row raises (one per entry; the strongest finding speaks)."""
    key = party_key(record, result.country)
    best: dict[str, Finding] = {}
    for f in result.findings:
        if raises_alert(f):
            k = entry_key(f)
            if k not in best or f.score > best[k].score:
                best[k] = f
    return [
        AlertCandidate(
            row=result.row,
            n=n,
            party_key=key,
            party_name=record.name or record.id,
            country=result.country,
            entry_key=k,
            fingerprint=fingerprint(f, entries),
            kind=f.kind,
            band=f.match,
            list_id=f.list,
            entry_id=f.entry_id,
            entry_name=f.entry_name or f.label or f.sector or f.good,
            matched_name=f.matched_name,
            score=round(float(f.score), 4),
            why=f.why,
        )
        for n, (k, f) in enumerate(best.items(), start=1)
    ]


def check_decision(action: str, reason: str | None) -> None:
    """Clearing needs a reason: an auditor will ask why a match was set aside."""
    if action not in ACTIONS:
        raise DecisionError(f"unknown action {action!r}; choose one of {', '.join(ACTIONS)}")
    if action == "clear" and not (reason or "").strip():
        raise DecisionError("clearing an alert needs a reason (why it is a false positive)")


def reapply(candidate: AlertCandidate, latest: Decision | None) -> Applied:
    """Apply the latest decision on (party, entry) to a new alert, or say why not."""
    if latest is None:
        return Applied("open", None, False, None)
    when = latest.at.date().isoformat()
    if latest.fingerprint == candidate.fingerprint:
        said = f": {latest.reason}" if latest.reason else ""
        return Applied(
            ACTIONS[latest.action],
            latest.decision_id,
            True,
            f"re-applied {latest.action} by {latest.by} on {when}{said}",
        )
    return Applied(
        "open",
        None,
        False,
        f"the entry changed since {latest.by}'s {latest.action} on {when}; review again",
    )
