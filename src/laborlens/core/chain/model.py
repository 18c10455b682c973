"""The supply-chain graph: nodes (parties, each carrying a screenable record) and edges.

A chain is immutable once built. Edges of type ``material`` carry goods from ``src`` to ``dst``;
``ownership`` and ``control`` edges link a parent/controller (``src``) to what it owns or
controls (``dst``) and never carry material taint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from laborlens.core.canonical import canonical_json, sha256_text
from laborlens.core.chain.tables import role_in
from laborlens.core.model import RECORD_FIELDS, Record, RowError

MATERIAL = "material"
OWNERSHIP = "ownership"
CONTROL = "control"
EDGE_TYPES: tuple[str, ...] = (MATERIAL, OWNERSHIP, CONTROL)

#: Node columns besides the record columns (docs/contracts.md).
NODE_COLUMNS: tuple[str, ...] = ("role", "yield")
#: Edge columns (``from`` and ``to`` are required; synonyms: resources/columns.yaml).
EDGE_COLUMNS: tuple[str, ...] = (
    "id",
    "from",
    "to",
    "type",
    "product",
    "hs_code",
    "quantity",
    "unit",
    "value",
    "currency",
    "period",
    "date",
    "declared",
)


@dataclass(frozen=True, slots=True)
class ChainNode:
    """One party of the chain.

    Attributes:
        index: position in ``Chain.nodes`` (0-based).
        record: what is screened (id, name, address, country …; ``row`` is the input row).
        role: free-text role (``farm``, ``ginner``, ``spinner``, ``importer`` …).
        yield_: output per input declared by this node (overrides the yield table), if any.
    """

    index: int
    record: Record
    role: str | None = None
    yield_: float | None = None

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def name(self) -> str | None:
        return self.record.name

    @property
    def country(self) -> str | None:
        return self.record.country

    def label(self) -> str:
        """``name (id)``, or the id alone."""
        return f"{self.record.name} ({self.id})" if self.record.name else self.id

    def to_mapping(self) -> dict[str, Any]:
        """The node as a chain-file row (``None`` fields left out; extra columns kept)."""
        rec = self.record
        out: dict[str, Any] = {f: getattr(rec, f) for f in RECORD_FIELDS}
        out["aliases"] = list(rec.aliases) or None
        out.update(role=self.role, **{"yield": self.yield_})
        out = {k: v for k, v in out.items() if v is not None}
        for k, v in rec.extra:
            out.setdefault(k, v)
        return out


@dataclass(frozen=True, slots=True)
class ChainEdge:
    """One relation between two nodes (node indices, not ids).

    Attributes:
        index: position in ``Chain.edges``.
        row: 1-based input row (0 when the edge came from a source without rows).
        src: index of the supplier / owner.
        dst: index of the buyer / owned entity.
        type: ``material``, ``ownership`` or ``control``.
        quantity: as declared, in ``unit`` (``None`` when not declared).
        value: monetary value as declared (``None`` when not declared).
        period: accounting period for mass balance (``YYYY-MM`` from ``date`` when not given).
        ship_date: shipment date; edges dated after the as-of date carry nothing yet.
        declared: ``untainted``, ``tainted`` or ``None`` (claim on what this edge carries).
        id: the edge's ``id`` column, else ``FROM->TO`` (``#2``, ``#3`` … for repeated pairs),
            so that people can name an edge (e.g. the documents covering it).
    """

    index: int
    row: int
    src: int
    dst: int
    type: str = MATERIAL
    product: str | None = None
    hs_code: str | None = None
    quantity: float | None = None
    unit: str | None = None
    value: float | None = None
    currency: str | None = None
    period: str | None = None
    ship_date: date | None = None
    declared: str | None = None
    id: str = ""


@dataclass(frozen=True, slots=True)
class Chain:
    """A validated supply chain: nodes, edges and the problems found while building it."""

    nodes: tuple[ChainNode, ...]
    edges: tuple[ChainEdge, ...]
    errors: tuple[RowError, ...] = ()
    source: str | None = None

    def find(self, node_id: str) -> ChainNode | None:
        """The node with this id, or ``None``."""
        for n in self.nodes:
            if n.id == node_id:
                return n
        return None

    def edge(self, edge_id: str) -> ChainEdge | None:
        """The edge with this id, or ``None``."""
        for e in self.edges:
            if e.id == edge_id:
                return e
        return None

    def material_edges(self) -> tuple[ChainEdge, ...]:
        return tuple(e for e in self.edges if e.type == MATERIAL)

    def ends(self, edge: ChainEdge) -> tuple[ChainNode, ChainNode]:
        """The supplier and the buyer of an edge."""
        return self.nodes[edge.src], self.nodes[edge.dst]

    def in_flow(self) -> frozenset[str]:
        """Ids of the nodes on a material flow (all nodes when the chain has no flows).

        A node linked only by ownership or control carries no goods: it has no tier, and no
        documents are required of it.
        """
        flows = self.material_edges()
        if not flows:
            return frozenset(n.id for n in self.nodes)
        return frozenset(self.nodes[i].id for e in flows for i in (e.src, e.dst))

    def tiers(self, importer_roles: Iterable[str] = ("importer",)) -> dict[str, int]:
        """Tier of every node on a material flow: 0 for the importer, 1 for its direct
        suppliers, and so on upstream.

        The tier is the shortest number of flows from the node down to a sink (a node with no
        outputs). When the sink is not an importer, the sink is tier 1 (the exporter of the
        imported goods). Nodes on no path to a sink (cycles) get the largest tier + 1; nodes on
        no material flow (ownership or control links only) get no tier.
        """
        flows = self.material_edges()
        in_flow = self.in_flow()
        senders = {e.src for e in flows}
        dist: dict[int, int] = {
            n.index: 0 if role_in(n.role, importer_roles) else 1
            for n in self.nodes
            if n.id in in_flow and n.index not in senders
        }
        # shortest distances upstream; 0/1 start tiers need relaxation rather than plain BFS
        changed = True
        while changed:
            changed = False
            for e in flows:
                if e.dst in dist and dist[e.dst] + 1 < dist.get(e.src, 1 << 30):
                    dist[e.src] = dist[e.dst] + 1
                    changed = True
        top = max(dist.values(), default=0) + 1
        return {n.id: dist.get(n.index, top) for n in self.nodes if n.id in in_flow}

    def to_mapping(self) -> dict[str, Any]:
        """The chain as a chain file ``{"nodes", "edges"}`` (what a case keeps; building a chain
        from it gives this chain again)."""
        ids = [n.id for n in self.nodes]
        edges = []
        for e in self.edges:
            row: dict[str, Any] = {"id": e.id, "from": ids[e.src], "to": ids[e.dst]}
            row.update(
                type=e.type,
                product=e.product,
                hs_code=e.hs_code,
                quantity=e.quantity,
                unit=e.unit,
                value=e.value,
                currency=e.currency,
                period=e.period,
                date=e.ship_date.isoformat() if e.ship_date else None,
                declared=e.declared,
            )
            edges.append({k: v for k, v in row.items() if v is not None})
        return {"nodes": [n.to_mapping() for n in self.nodes], "edges": edges}

    def sha256(self) -> str:
        """sha256 of the chain's canonical JSON (recorded on cases, audit records, dossiers)."""
        return sha256_text(canonical_json(self.to_mapping()))
