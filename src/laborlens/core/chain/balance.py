"""Mass balance and exposure of each node: can its untainted inputs (converted into
output-equivalents by the yields) cover what it ships as untainted, per period?

:func:`balance_arrays` computes both for every node on arrays; :meth:`NodeBalance.rows` and
:meth:`NodeBalance.exposure` give one node's :class:`BalanceRow` s and :class:`NodeExposure`
on demand (a million nodes never become a million objects).
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import numpy as np

from laborlens.core.chain import graph as g
from laborlens.core.chain.flows import Flows, material_codes
from laborlens.core.chain.model import Chain
from laborlens.core.chain.result import BalanceRow, NodeExposure
from laborlens.core.chain.table import DECLARED, ChainTable
from laborlens.core.chain.tables import Tables, load_tables

#: :attr:`NodeBalance.status` codes, from the least to the most worrying.
STATUSES: tuple[str, ...] = ("origin", "no_outputs", "ok", "incomplete", "shortfall")


@dataclass(frozen=True, slots=True)
class NodeBalance:
    """Mass balance per (node, period) group and exposure per node, as arrays.

    ``bal`` rows are sorted by node, then period; ``status`` is an index into :data:`STATUSES`.
    """

    bal: g.Balance
    status: g.IntArray
    out_dim: g.IntArray
    assumed: g.IntArray
    qmiss: g.BoolArray
    expo: g.Exposure
    periods: tuple[str, ...]
    units: tuple[str, ...]  # base unit per dimension code

    def span(self, v: int) -> tuple[int, int]:
        """The ``bal`` rows of node ``v``."""
        a = int(np.searchsorted(self.bal.node, v, side="left"))
        return a, int(np.searchsorted(self.bal.node, v, side="right"))

    def rows(self, v: int) -> tuple[BalanceRow, ...]:
        a, b = self.span(v)
        bal, od = self.bal, int(self.out_dim[v])
        out = []
        for k in range(a, b):
            p = int(bal.period[k])
            sf = float(bal.shortfall[k])
            out.append(
                BalanceRow(
                    period=self.periods[p] if p >= 0 else None,
                    unit=self.units[od] if od >= 0 else None,
                    inputs_untainted=float(bal.inputs_untainted[k]),
                    inputs_tainted=float(bal.inputs_tainted[k]),
                    inputs_unconverted=int(bal.inputs_unconverted[k]),
                    outputs_claimed_untainted=float(bal.outputs_claimed[k]),
                    outputs_total=float(bal.outputs_total[k]),
                    outputs_unknown=int(bal.outputs_unknown[k]),
                    shortfall=None if math.isnan(sf) else sf,
                    status=STATUSES[int(self.status[k])],
                    assumed_yield_edges=int(self.assumed[v]),
                )
            )
        return tuple(out)

    def exposure(self, v: int) -> NodeExposure:
        by_value = float(self.expo.by_value[v])
        return NodeExposure(
            by_quantity=float(self.expo.by_quantity[v]),
            by_value=None if math.isnan(by_value) else by_value,
            quantity_complete=not bool(self.qmiss[v]),
        )


def balance_arrays(ctx: Flows, own_taint: g.BoolArray, tainted: g.BoolArray) -> NodeBalance:
    """Every node's balance rows and exposure shares, on arrays."""
    n, graph = ctx.n, ctx.graph
    arrays = _EdgeArrays(ctx)
    in_eq, out_q, out_dim, assumed = g.equivalents(
        graph,
        material=arrays.material,
        dim=arrays.dim,
        qty_base=arrays.qty,
        node_material=arrays.node_material,
        node_yield=arrays.node_yield,
        yields=arrays.yields,
    )
    bal = g.mass_balance(
        graph,
        tainted=tainted,
        own=own_taint,
        in_equiv=in_eq,
        out_qty=out_q,
        declared_tainted=arrays.declared,
        period=arrays.period,
        declared_untainted=arrays.declared_clean,
    )
    expo = g.exposure(graph, own_taint, in_eq, arrays.value, edge_tainted=arrays.declared)
    weights = np.ones(graph.m)
    assumed_per = np.bincount(graph.dst, weights=weights * assumed, minlength=n).astype(np.int64)
    qmiss = np.bincount(graph.dst, weights=weights * np.isnan(in_eq), minlength=n) > 0
    return NodeBalance(
        bal=bal,
        status=_status(bal),
        out_dim=out_dim,
        assumed=assumed_per,
        qmiss=qmiss,
        expo=expo,
        periods=arrays.periods,
        units=tuple(dict(ctx.tables.base)[d] for d in arrays.dims),
    )


def _status(bal: g.Balance) -> g.IntArray:
    """``origin`` (nothing to check), ``no_outputs``, ``shortfall``, ``incomplete`` or ``ok``."""
    sf = bal.shortfall
    with np.errstate(invalid="ignore"):
        short = (sf > 1e-9 * np.maximum(1.0, bal.outputs_claimed)) & (bal.inputs_unconverted == 0)
    status = np.full(sf.shape[0], STATUSES.index("ok"), dtype=np.int64)
    status[(bal.inputs_unconverted > 0) | (bal.outputs_unknown > 0)] = STATUSES.index("incomplete")
    status[short] = STATUSES.index("shortfall")
    status[(bal.outputs_total == 0) & (bal.outputs_unknown == 0)] = STATUSES.index("no_outputs")
    status[np.isnan(sf)] = STATUSES.index("origin")
    return status


class _EdgeArrays:
    """Per-edge and per-node arrays of quantities, units, materials and claims."""

    def __init__(self, ctx: Flows) -> None:
        tables, t, pos = ctx.tables, ctx.table, ctx.pos
        mat_ids = {mat.id: i for i, mat in enumerate(tables.materials)}
        self.dims = [d for d, _ in tables.base]
        dim_ids = {d: i for i, d in enumerate(self.dims)}
        nm, nd = len(mat_ids), len(self.dims)
        self.yields = np.full((max(nm, 1), max(nm, 1), max(nd, 1), max(nd, 1)), np.nan)
        for y in tables.yields:
            key = (mat_ids[y.src], mat_ids[y.dst], dim_ids[y.from_dim], dim_ids[y.to_dim])
            self.yields[key] = y.value
        self.material = ctx.material
        # units: dimension and factor per distinct unit text
        unit_dim = np.full(len(t.unit.values) + 1, -1, dtype=np.int64)
        unit_factor = np.full(len(t.unit.values) + 1, np.nan)
        for k, name in enumerate(t.unit.values):
            u = tables.unit(name)
            if u is not None:
                unit_dim[k], unit_factor[k] = dim_ids[u.dimension], u.factor
        ucode = t.unit.codes[pos].astype(np.int64)  # -1 indexes the last (unknown) slot
        self.dim = unit_dim[ucode]
        self.qty = t.quantity[pos] * unit_factor[ucode]
        self.value = t.value[pos]
        self.declared = t.declared[pos] == DECLARED.index("tainted")
        self.declared_clean = t.declared[pos] == DECLARED.index("untainted")
        # periods in sorted order (a period's code is its rank)
        pcode = t.period.codes[pos]
        used = np.unique(pcode[pcode >= 0])
        names = [t.period.values[int(c)] for c in used]
        order = sorted(range(len(names)), key=names.__getitem__)
        self.periods = tuple(names[i] for i in order)
        remap = np.full(len(t.period.values) + 1, -1, dtype=np.int64)
        for rank, i in enumerate(order):
            remap[int(used[i])] = rank
        self.period = remap[pcode.astype(np.int64)]
        self.node_material = material_codes(tables, t.node_hs, t.node_product)
        self.node_yield = t.node_yield


def node_balances(
    chain: Chain | ChainTable,
    as_of: date,
    *,
    own_taint: Collection[int] = (),
    tables: Tables | None = None,
) -> list[list[BalanceRow]]:
    """Each node's mass balance on its own (no trace), as in a trace: ``own_taint`` are the
    nodes tainted themselves (their taint reaches everything downstream)."""
    table = chain if isinstance(chain, ChainTable) else ChainTable.from_chain(chain)
    ctx = Flows(table, as_of, tables or load_tables())
    own = np.zeros(ctx.n, dtype=bool)
    own[list(own_taint)] = True
    tainted = g.reach(ctx.graph, own).reached if ctx.n else own
    nb = balance_arrays(ctx, own, tainted)
    return [list(nb.rows(v)) for v in range(ctx.n)]
