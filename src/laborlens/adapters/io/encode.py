"""Screening results as bytes, a chunk at a time: what worker processes hand back to be written.

A worker screens a chunk of records and encodes the results right away (:class:`Encoder`), so the
process that writes the output only copies bytes, in input order (:mod:`.sinks`). Two shapes:

``full``
    exactly ``ScreenResult.to_dict()`` per row (the JSON Lines contract), serialised by orjson.
``compact``
    per row: ``row``, ``id``, ``risk``, each regime's ``outcomes``, the ``explanation`` reference,
    compact ``findings`` (what matched: list, entry, score, band, region, sector, good, field;
    with ``explain`` also each finding's ``why``), ``errors``, ``country``, ``source`` and the
    extra input columns. The regimes' reasons, citations, legal effects and evidence needed
    repeat across rows (a few hundred distinct blocks per 100,000 rows), so they are written
    once per run in an explanation table, keyed by a content hash (``E`` + 12 hex digits) that
    every process computes alike.

Parquet chunks travel as Arrow IPC streams of one record batch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from laborlens.core.model import Finding, Parts, Record, RegimeOutcome, ScreenResult

__all__ = ["COMPACT_VERSION", "Chunk", "Encoder", "Shape", "explanation_ref"]

#: The name and version of the compact shape (in every compact output's run header).
COMPACT_VERSION = "laborlens-compact-1"
_RISKS = ("high", "medium", "low", "none")
_COMPACT_FINDING = (
    "list",
    "entry_id",
    "entry_name",
    "matched_name",
    "score",
    "match",
    "region",
    "sector",
    "hs_code",
    "regime",
    "good",
    "country",
    "field",
)
_MEMO_LIMIT = 50_000


@dataclass(frozen=True, slots=True)
class Shape:
    """What a run writes: the format (``jsonl`` or ``parquet``), full or compact rows, whether
    compact rows explain their findings, and the regime and extra columns (Parquet)."""

    fmt: str
    full: bool = False
    explain: bool = False
    regimes: tuple[str, ...] = ()
    extras: tuple[str, ...] = ()


@dataclass(slots=True)
class Chunk:
    """The encoded rows of one chunk of input, in input order.

    Attributes:
        data: JSON Lines bytes, or an Arrow IPC stream of one record batch (Parquet).
        counts: rows, then rows per risk (high, medium, low, none), rows with findings, rows
            with errors.
        refs: the explanation references the rows use, in order of first use.
        definitions: ref -> the regimes block (JSON array) for refs this worker had not sent.
        last_row: the ``row`` number of the last row (0 for an empty chunk).
    """

    data: bytes
    counts: tuple[int, ...]
    refs: tuple[str, ...] = ()
    definitions: dict[str, bytes] = field(default_factory=dict)
    last_row: int = 0


def explanation_ref(regimes_json: bytes) -> str:
    """The reference of a regimes block: ``E`` + the first 12 hex digits of its SHA-256."""
    return "E" + hashlib.sha256(regimes_json).hexdigest()[:12]


def _compact_finding(f: Finding, explain: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": f.kind}
    for name in _COMPACT_FINDING:
        value = getattr(f, name)
        if value is not None:
            out[name] = round(float(value), 4) if name == "score" else value
    if explain:
        out["why"] = f.why
    return out


class Encoder:
    """Turns (record, result) pairs into a :class:`Chunk`; one per worker process.

    Remembers the objects it has converted (screening shares the objects of repeated values)
    and the explanation references it has already sent.
    """

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.parts = Parts(_MEMO_LIMIT)
        self._blocks: dict[int, tuple[tuple[RegimeOutcome, ...], str, dict[str, str]]] = {}
        self._findings: dict[int, tuple[Finding, dict[str, Any]]] = {}
        self._sent: set[str] = set()
        self._new: dict[str, bytes] = {}

    # --- shared parts ---------------------------------------------------------------------

    def _block(self, outcomes: tuple[RegimeOutcome, ...]) -> tuple[str, dict[str, str]]:
        """(reference, regime -> outcome) of a regimes block, registering its definition."""
        hit = self._blocks.get(id(outcomes))
        if hit is not None and hit[0] is outcomes:
            return hit[1], hit[2]
        data = orjson.dumps(self.parts.regimes(outcomes))
        ref = explanation_ref(data)
        if ref not in self._sent:
            self._sent.add(ref)
            self._new[ref] = data
        if len(self._blocks) >= _MEMO_LIMIT:
            self._blocks.clear()
        value = (ref, {o.regime: o.outcome for o in outcomes})
        self._blocks[id(outcomes)] = (outcomes, *value)
        return value

    def _finding(self, f: Finding) -> dict[str, Any]:
        hit = self._findings.get(id(f))
        if hit is not None and hit[0] is f:
            return hit[1]
        if len(self._findings) >= _MEMO_LIMIT:
            self._findings.clear()
        out = _compact_finding(f, self.shape.explain)
        self._findings[id(f)] = (f, out)
        return out

    def compact(self, result: ScreenResult) -> tuple[dict[str, Any], str]:
        """The compact row of a result and its explanation reference."""
        ref, outcomes = self._block(result.regimes)
        out: dict[str, Any] = {
            "row": result.row,
            "id": result.id,
            "risk": result.risk,
            "outcomes": outcomes,
            "explanation": ref,
        }
        if result.findings:
            out["findings"] = [self._finding(f) for f in result.findings]
        if result.errors:
            out["errors"] = [str(e) for e in result.errors]
        if result.country:
            out["country"] = result.country
            if result.country_inferred:
                out["country_inferred"] = True
        if result.source:
            out["source"] = result.source
        if result.extra:
            out["extra"] = dict(result.extra)
        return out, ref

    # --- chunks -----------------------------------------------------------------------------

    def encode(self, pairs: Sequence[tuple[Record, ScreenResult]]) -> Chunk:
        """The chunk of these pairs (in order)."""
        counts = [0] * 7
        for _, result in pairs:
            counts[0] += 1
            counts[1 + _RISKS.index(result.risk)] += 1
            counts[5] += bool(result.findings)
            counts[6] += bool(result.errors)
        refs: dict[str, None] = {}
        if self.shape.fmt == "parquet":
            from laborlens.adapters.io.parquet_out import encode_batch

            data = encode_batch(self, pairs, refs)
        elif self.shape.full:
            dumps, parts = orjson.dumps, self.parts
            data = b"".join([dumps(r.to_dict(parts)) + b"\n" for _, r in pairs])
        else:
            lines = []
            for _, result in pairs:
                row, ref = self.compact(result)
                refs[ref] = None
                lines.append(orjson.dumps(row))
            data = b"\n".join(lines) + b"\n" if lines else b""
        new, self._new = self._new, {}
        last = pairs[-1][1].row if pairs else 0
        return Chunk(data, tuple(counts), tuple(refs), new, last)
