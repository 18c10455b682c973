"""The supply-chain graph: nodes (parties, each carrying a screenable record) and edges.

A chain is immutable once built. Edges of type ``material`` carry goods from ``src`` to ``dst``;
``ownership`` and ``control`` edges link a parent/controller (``src``) to what it owns or
controls (``dst``) and never carry material taint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from laborlens.core.model import Record, RowError

MATERIAL = "material"
OWNERSHIP = "ownership"
CONTROL = "control"
EDGE_TYPES: tuple[str, ...] = (MATERIAL, OWNERSHIP, CONTROL)

#: Node columns besides the record columns of DESIGN.md §3.1.
NODE_COLUMNS: tuple[str, ...] = ("role", "yield")
#: Edge columns (``from`` and ``to`` are required; synonyms are listed in validate.py).
EDGE_COLUMNS: tuple[str, ...] = (
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


@dataclass(frozen=True, slots=True)
class Chain:
    """A validated supply chain: nodes, edges and the problems found while building it."""

    nodes: tuple[ChainNode, ...]
    edges: tuple[ChainEdge, ...]
    errors: tuple[RowError, ...] = ()
    source: str | None = None

    def node(self, node_id: str) -> ChainNode:
        """The node with this id (``KeyError`` when there is none)."""
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def material_edges(self) -> tuple[ChainEdge, ...]:
        return tuple(e for e in self.edges if e.type == MATERIAL)
