"""Typed results of a trace (stable: the evidence layer and the CLI consume them).

Every class is a frozen, slotted dataclass with ``to_dict`` giving the public JSON shape.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from laborlens.core.model import Finding, RegimeOutcome, Risk, RowError


def _num(x: float | None) -> float | None:
    if x is None or math.isnan(x):
        return None
    return round(float(x), 6)


@dataclass(frozen=True, slots=True)
class Hop:
    """One edge of an inherited path: what moved from which node to which."""

    src: str
    dst: str
    product: str | None = None
    hs_code: str | None = None
    row: int = 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"from": self.src, "to": self.dst}
        if self.product:
            out["product"] = self.product
        if self.hs_code:
            out["hs_code"] = self.hs_code
        if self.row:
            out["edge_row"] = self.row
        return out


@dataclass(frozen=True, slots=True)
class Inherited:
    """A finding a node inherits through its inputs ("wholly or in part").

    Attributes:
        source: id of the node whose own finding this is.
        kind: the finding's kind (``listed_entity``, ``region``, ``sector``, ``goods_list``,
            ``routing``).
        channel: the taint channel (kind plus list / region / sector).
        path: node ids from the source to this node (the shortest such path; one per source).
        hops: the edges of ``path``, with the product on each.
        why: plain-words explanation.
        finding: the finding as handed to the regime evaluator (``details`` holds the path).
        tainted_inputs: how many of this node's direct inputs carry this channel.
        all_sources_listed: False when not every source of this channel reaching the node is
            listed: more than ``max_sources`` reach it (the nearest are kept), or the graph was
            too large to follow each source (only the nearest source is kept).
        sources_total: how many sources of this channel reach the node (``None`` when not
            counted, on graphs beyond the path budget).
    """

    source: str
    kind: str
    channel: str
    path: tuple[str, ...]
    hops: tuple[Hop, ...]
    why: str
    finding: Finding
    tainted_inputs: int = 0
    all_sources_listed: bool = True
    sources_total: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "kind": self.kind,
            "channel": self.channel,
            "path": list(self.path),
            "products": [h.product for h in self.hops],
            "hops": [h.to_dict() for h in self.hops],
            "why": self.why,
            # the source's finding without its explanation (``why`` above says it, and the
            # source node's own findings carry the full details)
            "finding": {
                k: v for k, v in self.finding.to_dict().items() if k not in ("why", "details")
            },
            "tainted_inputs": self.tainted_inputs,
        }
        if self.sources_total is not None:
            out["sources_total"] = self.sources_total
        if not self.all_sources_listed:
            out["nearest_source_only"] = True
        return out


@dataclass(frozen=True, slots=True)
class BalanceRow:
    """Mass balance of one node in one period, in the node's output base unit."""

    period: str | None
    unit: str | None
    inputs_untainted: float
    inputs_tainted: float
    inputs_unconverted: int
    outputs_claimed_untainted: float
    outputs_total: float
    outputs_unknown: int
    shortfall: float | None
    status: str  # ok | shortfall | incomplete | origin | no_outputs
    assumed_yield_edges: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "unit": self.unit,
            "inputs_untainted": _num(self.inputs_untainted),
            "inputs_tainted": _num(self.inputs_tainted),
            "inputs_unconverted": self.inputs_unconverted,
            "outputs_claimed_untainted": _num(self.outputs_claimed_untainted),
            "outputs_total": _num(self.outputs_total),
            "outputs_unknown": self.outputs_unknown,
            "shortfall": _num(self.shortfall),
            "status": self.status,
            "assumed_yield_edges": self.assumed_yield_edges,
        }


@dataclass(frozen=True, slots=True)
class NodeExposure:
    """Share of the node's output that may carry tainted input (0..1); ``None`` when unknown."""

    by_quantity: float
    by_value: float | None
    quantity_complete: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "by_quantity": _num(self.by_quantity),
            "by_value": _num(self.by_value),
            "quantity_complete": self.quantity_complete,
        }


@dataclass(frozen=True, slots=True)
class NodeTrace:
    """Everything the trace says about one node."""

    id: str
    row: int
    role: str | None
    name: str | None
    country: str | None
    risk: Risk
    findings: tuple[Finding, ...]
    inherited: tuple[Inherited, ...]
    regimes: tuple[RegimeOutcome, ...]
    errors: tuple[RowError, ...]
    mass_balance: tuple[BalanceRow, ...]
    exposure: NodeExposure
    tainted: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "row": self.row,
            "role": self.role,
            "name": self.name,
            "country": self.country,
            "risk": self.risk,
            "tainted": self.tainted,
            "findings": [f.to_dict() for f in self.findings],
            "inherited": [i.to_dict() for i in self.inherited],
            "regimes": [r.to_dict() for r in self.regimes],
            "mass_balance": [b.to_dict() for b in self.mass_balance],
            "exposure": self.exposure.to_dict(),
            "errors": [str(e) for e in self.errors],
        }
        return out


@dataclass(frozen=True, slots=True)
class EdgeTrace:
    """One edge as traced: its endpoints (node ids) and the channels it carries."""

    src: str
    dst: str
    type: str
    row: int
    product: str | None
    hs_code: str | None
    quantity: float | None
    unit: str | None
    value: float | None
    period: str | None
    declared: str | None
    channels: tuple[str, ...] = ()
    active: bool = True  # False when dated after the as-of date

    @property
    def tainted(self) -> bool:
        return bool(self.channels)

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.src,
            "to": self.dst,
            "type": self.type,
            "row": self.row,
            "product": self.product,
            "hs_code": self.hs_code,
            "quantity": self.quantity,
            "unit": self.unit,
            "value": self.value,
            "period": self.period,
            "declared": self.declared,
            "channels": list(self.channels),
            "active": self.active,
        }


@dataclass(frozen=True, slots=True)
class TraceResult:
    """The trace of a whole chain: one :class:`NodeTrace` per node, in input order."""

    nodes: tuple[NodeTrace, ...]
    edges: tuple[EdgeTrace, ...]
    as_of: date
    algorithms: tuple[str, ...]
    list_versions: tuple[tuple[str, str], ...] = ()
    errors: tuple[RowError, ...] = ()
    stats: tuple[tuple[str, Any], ...] = field(default=())

    def node(self, node_id: str) -> NodeTrace:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def iter_dicts(self) -> Iterator[dict[str, Any]]:
        """One JSON object per node (the JSON Lines output), with as-of and algorithms."""
        for n in self.nodes:
            d = n.to_dict()
            d["as_of"] = self.as_of.isoformat()
            d["algorithms"] = list(self.algorithms)
            yield d

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "algorithms": list(self.algorithms),
            "list_versions": dict(self.list_versions),
            "nodes": [n.to_dict() for n in self.nodes],
            "edges": [e.to_dict() for e in self.edges],
            "errors": [str(e) for e in self.errors],
            "stats": dict(self.stats),
        }
