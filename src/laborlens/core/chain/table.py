"""A validated chain held as columns: integer node ids and one array per edge attribute.

:class:`ChainTable` is what the tracer works on at any size: node ``i`` is row ``i`` of the node
columns, an edge is a position in the edge arrays, and text columns with few distinct values
(product, unit, period …) are :class:`Codes` into their distinct values. No object per edge and
none per node beyond its id; a node's screenable :class:`~laborlens.core.model.Record` is built on
demand by the table's :class:`NodeRecords`.

:meth:`ChainTable.from_chain` and :meth:`ChainTable.to_chain` convert from and to the object model
(:class:`~laborlens.core.chain.model.Chain`), which small chains, cases and dossiers use.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

import numpy as np
import numpy.typing as npt

from laborlens.core.chain import graph as g
from laborlens.core.chain.model import EDGE_TYPES, Chain, ChainEdge, ChainNode
from laborlens.core.model import Record, RowError

#: ``ChainTable.day`` of an edge without a shipment date.
NO_DAY = np.iinfo(np.int64).min
#: ``ChainTable.declared`` codes.
DECLARED: tuple[str | None, ...] = (None, "untainted", "tainted")
_EPOCH = date(1970, 1, 1).toordinal()


def day_number(d: date) -> int:
    """Days since 1970-01-01 (the unit of ``ChainTable.day``)."""
    return d.toordinal() - _EPOCH


def day_date(n: int) -> date | None:
    return None if n == NO_DAY else date.fromordinal(int(n) + _EPOCH)


@dataclass(frozen=True, slots=True)
class Codes:
    """A text column as codes into its distinct values; code -1 is "no value"."""

    codes: npt.NDArray[np.int32]
    values: tuple[str, ...]

    @classmethod
    def of(cls, texts: Iterable[str | None]) -> Codes:
        index: dict[str, int] = {}
        codes = [-1 if t is None else index.setdefault(t, len(index)) for t in texts]
        return cls(np.asarray(codes, dtype=np.int32), tuple(index))

    def text(self, i: int) -> str | None:
        c = int(self.codes[i])
        return None if c < 0 else self.values[c]

    def take(self, idx: g.IntArray) -> Codes:
        return Codes(np.asarray(self.codes[idx], dtype=np.int32), self.values)


class NodeRecords(Protocol):
    """The screenable records of a table's nodes, built on demand (node ``i`` -> record)."""

    def __len__(self) -> int: ...

    def records(self, nodes: Sequence[int]) -> list[Record]:
        """The records of these nodes, in the order given."""
        ...

    def column(self, name: str) -> Sequence[str | None]:
        """One record column (``name``, ``country`` …) for every node, as text."""
        ...


@dataclass(frozen=True, slots=True)
class RecordList:
    """:class:`NodeRecords` over records already built (small chains)."""

    items: tuple[Record, ...]

    def __len__(self) -> int:
        return len(self.items)

    def records(self, nodes: Sequence[int]) -> list[Record]:
        return [self.items[int(i)] for i in nodes]

    def column(self, name: str) -> Sequence[str | None]:
        return [getattr(r, name) for r in self.items]


@dataclass(frozen=True, slots=True)
class ChainTable:
    """A validated chain as columns (see the module docstring).

    Node columns (length ``n``): ``ids``, ``node_row`` (1-based input row), ``role``,
    ``node_yield`` (NaN: none), ``node_hs``/``node_product`` (what the node makes, for its
    material), ``records``.

    Edge columns (length ``m``, input order of the edges kept): ``row``, ``src``, ``dst``,
    ``type`` (index into :data:`~laborlens.core.chain.model.EDGE_TYPES`), ``product``, ``hs_code``,
    ``quantity`` (NaN: none), ``unit``, ``value`` (NaN: none), ``currency``, ``period``, ``day``
    (shipment date as days since 1970, :data:`NO_DAY` when none), ``declared`` (index into
    :data:`DECLARED`), ``edge_id`` (the ``id`` column as given).
    """

    ids: tuple[str, ...]
    node_row: g.IntArray
    role: Codes
    node_yield: g.FloatArray
    node_hs: Codes
    node_product: Codes
    records: NodeRecords
    row: g.IntArray
    src: g.IntArray
    dst: g.IntArray
    type: npt.NDArray[np.int8]
    product: Codes
    hs_code: Codes
    quantity: g.FloatArray
    unit: Codes
    value: g.FloatArray
    currency: Codes
    period: Codes
    day: g.IntArray
    declared: npt.NDArray[np.int8]
    edge_id: Codes
    errors: tuple[RowError, ...] = ()
    nodes_source: str | None = None
    edges_source: str | None = None

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def m(self) -> int:
        return int(self.src.shape[0])

    def index_of(self, node_id: str) -> int | None:
        """The index of the node with this id, or ``None``."""
        try:
            return self.ids.index(node_id)
        except ValueError:
            return None

    def with_errors(self, more: Sequence[RowError]) -> ChainTable:
        return replace(self, errors=(*self.errors, *more)) if more else self

    @classmethod
    def from_chain(cls, chain: Chain) -> ChainTable:
        """The columns of a chain built from objects."""
        nodes, edges = chain.nodes, chain.edges
        return cls(
            ids=tuple(nd.id for nd in nodes),
            node_row=np.array([nd.record.row for nd in nodes], dtype=np.int64),
            role=Codes.of(nd.role for nd in nodes),
            node_yield=_floats(nd.yield_ for nd in nodes),
            node_hs=Codes.of(nd.record.hs_code for nd in nodes),
            node_product=Codes.of(nd.record.product for nd in nodes),
            records=RecordList(tuple(nd.record for nd in nodes)),
            row=np.array([e.row for e in edges], dtype=np.int64),
            src=np.array([e.src for e in edges], dtype=np.int64),
            dst=np.array([e.dst for e in edges], dtype=np.int64),
            type=np.array([EDGE_TYPES.index(e.type) for e in edges], dtype=np.int8),
            product=Codes.of(e.product for e in edges),
            hs_code=Codes.of(e.hs_code for e in edges),
            quantity=_floats(e.quantity for e in edges),
            unit=Codes.of(e.unit for e in edges),
            value=_floats(e.value for e in edges),
            currency=Codes.of(e.currency for e in edges),
            period=Codes.of(e.period for e in edges),
            day=np.array(
                [NO_DAY if e.ship_date is None else day_number(e.ship_date) for e in edges],
                dtype=np.int64,
            ),
            declared=np.array([DECLARED.index(e.declared) for e in edges], dtype=np.int8),
            edge_id=Codes.of(e.id or None for e in edges),
            errors=chain.errors,
            nodes_source=chain.source,
            edges_source=None,
        )

    def edge_ids(self) -> list[str]:
        """Every edge's id: the ``id`` column, else ``FROM->TO``; ``#2``, ``#3`` … for repeats."""
        seen: dict[str, int] = {}
        out: list[str] = []
        for i in range(self.m):
            base = self.edge_id.text(i) or f"{self.ids[self.src[i]]}->{self.ids[self.dst[i]]}"
            seen[base] = seen.get(base, 0) + 1
            out.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
        return out

    def edge(self, i: int, edge_id: str = "") -> ChainEdge:
        """Edge ``i`` as an object."""
        q, v = float(self.quantity[i]), float(self.value[i])
        return ChainEdge(
            index=i,
            row=int(self.row[i]),
            src=int(self.src[i]),
            dst=int(self.dst[i]),
            type=EDGE_TYPES[int(self.type[i])],
            product=self.product.text(i),
            hs_code=self.hs_code.text(i),
            quantity=None if np.isnan(q) else q,
            unit=self.unit.text(i),
            value=None if np.isnan(v) else v,
            currency=self.currency.text(i),
            period=self.period.text(i),
            ship_date=day_date(int(self.day[i])),
            declared=DECLARED[int(self.declared[i])],
            id=edge_id,
        )

    def to_chain(self) -> Chain:
        """The chain as objects (for small chains: one object per node and edge)."""
        records = self.records.records(range(self.n))
        nodes = tuple(
            ChainNode(
                i,
                rec,
                self.role.text(i),
                None if np.isnan(self.node_yield[i]) else float(self.node_yield[i]),
            )
            for i, rec in enumerate(records)
        )
        ids = self.edge_ids()
        edges = tuple(self.edge(i, ids[i]) for i in range(self.m))
        return Chain(nodes, edges, self.errors, self.nodes_source)


def _floats(values: Iterable[float | None]) -> g.FloatArray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
