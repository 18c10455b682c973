"""Mass balance and exposure of each node: can its untainted inputs (converted into
output-equivalents by the yields) cover what it ships as untainted, per period?"""

from __future__ import annotations

import math
from collections.abc import Collection
from datetime import date

import numpy as np

from laborlens.core.chain import graph as g
from laborlens.core.chain.flows import Flows
from laborlens.core.chain.model import Chain
from laborlens.core.chain.result import BalanceRow, NodeExposure
from laborlens.core.chain.tables import Tables, load_tables


def balance(
    ctx: Flows,
    own_taint: g.BoolArray,
    tainted: g.BoolArray,
) -> tuple[list[list[BalanceRow]], list[NodeExposure]]:
    """Per node its balance rows (one per period) and its exposure shares."""
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
    assumed_per = (
        np.bincount(graph.dst, weights=assumed.astype(np.float64), minlength=n).astype(np.int64)
        if graph.m
        else np.zeros(n, dtype=np.int64)
    )
    qmiss = (
        np.bincount(graph.dst, weights=np.isnan(in_eq).astype(np.float64), minlength=n) > 0
        if graph.m
        else np.zeros(n, dtype=bool)
    )
    base_name = dict(ctx.tables.base)
    rows: list[list[BalanceRow]] = [[] for _ in range(n)]
    for k in range(bal.node.shape[0]):
        v = int(bal.node[k])
        od = int(out_dim[v])
        p = int(bal.period[k])
        sf = float(bal.shortfall[k])
        rows[v].append(
            BalanceRow(
                period=arrays.periods[p] if p >= 0 else None,
                unit=base_name[arrays.dims[od]] if od >= 0 else None,
                inputs_untainted=float(bal.inputs_untainted[k]),
                inputs_tainted=float(bal.inputs_tainted[k]),
                inputs_unconverted=int(bal.inputs_unconverted[k]),
                outputs_claimed_untainted=float(bal.outputs_claimed[k]),
                outputs_total=float(bal.outputs_total[k]),
                outputs_unknown=int(bal.outputs_unknown[k]),
                shortfall=None if math.isnan(sf) else sf,
                status=_status(bal, k),
                assumed_yield_edges=int(assumed_per[v]),
            )
        )
    exposures = [
        NodeExposure(
            by_quantity=float(expo.by_quantity[v]),
            by_value=None if math.isnan(expo.by_value[v]) else float(expo.by_value[v]),
            quantity_complete=not bool(qmiss[v]),
        )
        for v in range(n)
    ]
    return rows, exposures


def _status(bal: g.Balance, k: int) -> str:
    """``origin`` (nothing to check), ``no_outputs``, ``shortfall``, ``incomplete`` or ``ok``."""
    sf = float(bal.shortfall[k])
    claimed = float(bal.outputs_claimed[k])
    unconverted = int(bal.inputs_unconverted[k])
    out_unknown = int(bal.outputs_unknown[k])
    if math.isnan(sf):
        return "origin"
    if float(bal.outputs_total[k]) == 0 and out_unknown == 0:
        return "no_outputs"
    if sf > 1e-9 * max(1.0, claimed) and unconverted == 0:
        return "shortfall"
    if unconverted or out_unknown:
        return "incomplete"
    return "ok"


class _EdgeArrays:
    """Per-edge and per-node arrays of quantities, units, materials and claims."""

    def __init__(self, ctx: Flows) -> None:
        tables, n, m = ctx.tables, ctx.n, ctx.graph.m
        mat_ids = {mat.id: i for i, mat in enumerate(tables.materials)}
        self.dims = [d for d, _ in tables.base]
        dim_ids = {d: i for i, d in enumerate(self.dims)}
        nm, nd = len(mat_ids), len(self.dims)
        self.yields = np.full((max(nm, 1), max(nm, 1), max(nd, 1), max(nd, 1)), np.nan)
        for y in tables.yields:
            key = (mat_ids[y.src], mat_ids[y.dst], dim_ids[y.from_dim], dim_ids[y.to_dim])
            self.yields[key] = y.value
        self.material = np.array([mat_ids[x.id] if x else -1 for x in ctx.mats], dtype=np.int64)
        self.dim = np.full(m, -1, dtype=np.int64)
        self.qty = np.full(m, np.nan)
        self.value = np.full(m, np.nan)
        self.declared = np.zeros(m, dtype=bool)
        self.declared_clean = np.zeros(m, dtype=bool)
        self.periods = sorted({e.period for e in ctx.edges if e.period})
        pidx = {p: i for i, p in enumerate(self.periods)}
        self.period = np.full(m, -1, dtype=np.int64)
        for i, e in enumerate(ctx.edges):
            u = tables.unit(e.unit)
            if u is not None:
                self.dim[i] = dim_ids[u.dimension]
                if e.quantity is not None:
                    self.qty[i] = e.quantity * u.factor
            if e.value is not None:
                self.value[i] = e.value
            self.declared[i] = e.declared == "tainted"
            self.declared_clean[i] = e.declared == "untainted"
            if e.period:
                self.period[i] = pidx[e.period]
        self.node_material = np.full(n, -1, dtype=np.int64)
        self.node_yield = np.full(n, np.nan)
        for node in ctx.chain.nodes:
            mm = tables.material(node.record.hs_code, node.record.product)
            if mm is not None:
                self.node_material[node.index] = mat_ids[mm.id]
            if node.yield_ is not None:
                self.node_yield[node.index] = node.yield_


def node_balances(
    chain: Chain,
    as_of: date,
    *,
    own_taint: Collection[int] = (),
    tables: Tables | None = None,
) -> list[list[BalanceRow]]:
    """Each node's mass balance on its own (no trace), as in a trace: ``own_taint`` are the
    nodes tainted themselves (their taint reaches everything downstream)."""
    ctx = Flows(chain, as_of, tables or load_tables())
    own = np.zeros(ctx.n, dtype=bool)
    own[list(own_taint)] = True
    tainted = g.reach(ctx.graph, own).reached if ctx.n else own
    return balance(ctx, own, tainted)[0]
