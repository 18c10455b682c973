"""The active material flows of a chain as of a date: edge list, graph arrays and materials.

Shared by the steps of a trace (propagation, routing, balance) and by mass balance on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from laborlens.core.chain import graph as g
from laborlens.core.chain.model import MATERIAL, Chain, ChainEdge
from laborlens.core.chain.result import Hop
from laborlens.core.chain.tables import Tables
from laborlens.core.model import in_force

ALGORITHM = "chain-v1"
#: Per-source paths are computed while (sources of a channel) x (nodes) stays within this.
PATH_BUDGET = 2_000_000
#: At most this many sources (the nearest) are listed per node and channel.
MAX_SOURCES = 3


class Flows:
    """The material edges of a chain that have happened by ``as_of``, as arrays and lookups."""

    def __init__(self, chain: Chain, as_of: date, tables: Tables) -> None:
        self.chain = chain
        self.tables = tables
        self.n = len(chain.nodes)
        mat = [e for e in chain.edges if e.type == MATERIAL]
        # an edge dated after the as-of date has not happened yet
        self.edges: list[ChainEdge] = [e for e in mat if in_force(as_of, e.ship_date)]
        self.graph = g.Graph.build(self.n, [e.src for e in self.edges], [e.dst for e in self.edges])
        self.mats = [tables.material(e.hs_code, e.product) for e in self.edges]
        self.ids = [nd.id for nd in chain.nodes]

    def hops(self, eids: Sequence[int]) -> tuple[Hop, ...]:
        return tuple(
            Hop(self.ids[e.src], self.ids[e.dst], e.product or _label(m), e.hs_code, e.row)
            for e, m in ((self.edges[i], self.mats[i]) for i in eids)
        )


def _label(m: Any) -> str | None:
    return None if m is None else str(m.label)
