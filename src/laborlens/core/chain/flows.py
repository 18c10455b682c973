"""The active material flows of a chain as of a date: the graph arrays and each edge's material.

Shared by the steps of a trace (propagation, routing, balance) and by mass balance on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from laborlens.core.chain import graph as g
from laborlens.core.chain.model import EDGE_TYPES, MATERIAL
from laborlens.core.chain.result import Hop
from laborlens.core.chain.table import NO_DAY, ChainTable, Codes, day_number
from laborlens.core.chain.tables import Material, Tables

ALGORITHM = "chain-v1"
#: Exact source counts are computed while (sources of a channel) x (nodes) stays within this.
PATH_BUDGET = 2_000_000
#: At most this many sources (the nearest) are listed per node and channel.
MAX_SOURCES = 3


def material_codes(tables: Tables, hs: Codes, product: Codes) -> g.IntArray:
    """Per row, the index of its material in ``tables.materials`` (-1: unknown), found once per
    distinct (HS code, product) pair."""
    if not hs.codes.shape[0]:
        return np.zeros(0, dtype=np.int64)
    width = len(product.values) + 1
    pair = (hs.codes.astype(np.int64) + 1) * width + (product.codes.astype(np.int64) + 1)
    uniq, inverse = np.unique(pair, return_inverse=True)
    index = {m.id: i for i, m in enumerate(tables.materials)}
    found = np.full(uniq.shape[0], -1, dtype=np.int64)
    for k, key in enumerate(uniq.tolist()):
        h, p = key // width - 1, key % width - 1
        mat = tables.material(
            hs.values[h] if h >= 0 else None, product.values[p] if p >= 0 else None
        )
        if mat is not None:
            found[k] = index[mat.id]
    return np.asarray(found[inverse.reshape(-1)], dtype=np.int64)


class Flows:
    """The material edges of a chain that have happened by ``as_of``, as arrays.

    Active edge ``i`` is table edge ``pos[i]``; the graph's edge ids are active-edge positions.
    """

    def __init__(self, table: ChainTable, as_of: date, tables: Tables) -> None:
        self.table = table
        self.tables = tables
        self.n = table.n
        material = EDGE_TYPES.index(MATERIAL)
        # an edge dated after the as-of date has not happened yet
        happened = (table.day == NO_DAY) | (table.day <= day_number(as_of))
        self.pos = np.flatnonzero((table.type == material) & happened).astype(np.int64)
        self.graph = g.Graph.build(self.n, table.src[self.pos], table.dst[self.pos])
        self.material = material_codes(
            tables, table.hs_code.take(self.pos), table.product.take(self.pos)
        )
        self.ids = table.ids
        self._in: tuple[g.IntArray, g.IntArray] | None = None

    def in_edges(self, v: int) -> g.IntArray:
        """The active edges delivering to ``v`` (ids in edge order)."""
        if self._in is None:
            order = np.argsort(self.graph.dst, kind="stable").astype(np.int64)
            ptr = np.zeros(self.n + 1, dtype=np.int64)
            np.cumsum(np.bincount(self.graph.dst, minlength=self.n), out=ptr[1:])
            self._in = (ptr, order)
        ptr, order = self._in
        return order[ptr[v] : ptr[v + 1]]

    def mat(self, i: int) -> Material | None:
        """The material of active edge ``i``."""
        code = int(self.material[i])
        return None if code < 0 else self.tables.materials[code]

    def hops(self, eids: Sequence[int]) -> tuple[Hop, ...]:
        """The hops of a path of active edges."""
        t = self.table
        out = []
        for i in eids:
            e = int(self.pos[i])
            m = self.mat(i)
            out.append(
                Hop(
                    self.ids[int(t.src[e])],
                    self.ids[int(t.dst[e])],
                    t.product.text(e) or (None if m is None else str(m.label)),
                    t.hs_code.text(e),
                    int(t.row[e]),
                )
            )
        return tuple(out)
