"""The chain tracer as it was before the array path (chain-v1 over ``Chain`` objects), frozen here
as the reference the array path is checked against (test_chain_equivalence.py). Not product code:
propagation per source, routing, mass balance and per-node regime evaluation as they were.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np

from laborlens.core import rules
from laborlens.core.chain import graph as g
from laborlens.core.chain.model import MATERIAL, Chain, ChainEdge
from laborlens.core.chain.propagate import channel_of, is_taint
from laborlens.core.chain.result import (
    BalanceRow,
    EdgeTrace,
    Hop,
    Inherited,
    NodeExposure,
    NodeTrace,
    TraceResult,
)
from laborlens.core.chain.tables import Tables, load_tables
from laborlens.core.model import Finding, RowError, ScreenResult, in_force

ALGORITHM = "chain-v1"
PATH_BUDGET = 2_000_000
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


def related_party(
    chain: Chain, own: Sequence[Sequence[Finding]], taint_regions: Collection[str]
) -> list[list[Finding]]:
    """Related-party findings from ownership/control edges (direct links, both directions)."""
    out: list[list[Finding]] = [[] for _ in chain.nodes]
    for e in chain.edges:
        if e.type == MATERIAL:
            continue
        parent, child = chain.nodes[e.src], chain.nodes[e.dst]
        for here, there, rel in ((e.dst, parent, "parent"), (e.src, child, "subsidiary")):
            if e.type != "ownership":
                rel = "controller" if rel == "parent" else "controlled entity"
            for f in own[there.index]:
                if not is_taint(f, taint_regions):
                    continue
                what = (
                    f"listed on {f.list} as {f.entry_name!r}"
                    if f.kind == "listed_entity"
                    else f"located in {f.label or f.region}"
                )
                out[here].append(
                    Finding(
                        kind="related_party",
                        why=(
                            f"{e.type} link (edge row {e.row}): its {rel} {there.id!r}"
                            f" ({there.record.name or there.id}) is {what}"
                        ),
                        score=round(f.score * 0.8, 4),
                        list=f.list,
                        list_version=f.list_version,
                        entry_id=f.entry_id,
                        entry_name=f.entry_name,
                        match="possible",
                        region=f.region,
                        label=f.label,
                        effective_date=f.effective_date,
                        algorithm=ALGORITHM,
                        details=(
                            ("relation", e.type),
                            ("counterpart", there.id),
                            ("counterpart_role", rel),
                            ("counterpart_finding", f.kind),
                            ("edge_row", e.row),
                        ),
                    )
                )
    return out


def _inherit(
    ctx: Flows,
    r: g.Reach,
    v: int,
    *,
    by_node: dict[int, list[Finding]],
    channel: str,
    tainted_inputs: int,
    all_listed: bool,
    sources_total: int | None,
) -> Inherited:
    eids = g.path_edges(r, ctx.graph, v)
    s = int(r.origin[v])
    best = max(by_node[s], key=lambda f: f.score)
    path = (ctx.ids[s], *(ctx.ids[ctx.edges[i].dst] for i in eids))
    hops = ctx.hops(eids)
    products = " → ".join(h.product or "?" for h in hops)
    why = (
        f"inherits {best.kind} from {ctx.ids[s]!r} via {' → '.join(path)} ({products}): {best.why}"
    )
    fin = replace(
        best,
        why=why,
        details=(
            *best.details,
            ("inherited_from", ctx.ids[s]),
            ("path", path),
            ("products", tuple(h.product or "" for h in hops)),
            ("channel", channel),
            ("propagation", ALGORITHM),
        ),
    )
    return Inherited(
        source=ctx.ids[s],
        kind=best.kind,
        channel=channel,
        path=path,
        hops=hops,
        why=why,
        finding=fin,
        tainted_inputs=tainted_inputs,
        all_sources_listed=all_listed,
        sources_total=sources_total,
    )


def propagate(
    ctx: Flows,
    sources: dict[str, dict[int, list[Finding]]],
    path_budget: int,
    max_sources: int = MAX_SOURCES,
) -> tuple[list[list[Inherited]], dict[str, g.BoolArray]]:
    """Inherited findings per node, and per channel the nodes that carry it (own or inherited)."""
    n, graph = ctx.n, ctx.graph
    inherited: list[list[Inherited]] = [[] for _ in range(n)]
    carries: dict[str, g.BoolArray] = {}
    for channel, by_node in sorted(sources.items()):
        mask = np.zeros(n, dtype=bool)
        mask[list(by_node)] = True
        union = g.reach(graph, mask)
        carrying = union.reached
        carries[channel] = carrying
        if graph.m:
            tin = np.bincount(
                graph.dst, weights=carrying[graph.src].astype(np.float64), minlength=n
            ).astype(np.int64)
        else:
            tin = np.zeros(n, dtype=np.int64)
        per_source = len(by_node) * n <= path_budget
        runs: list[tuple[g.Reach, list[int]]]
        if per_source:
            runs = []
            for s in sorted(by_node):
                one = np.zeros(n, dtype=bool)
                one[s] = True
                r = g.reach(graph, one)
                runs.append((r, np.flatnonzero(r.dist > 0).tolist()))
        else:
            runs = [(union, np.flatnonzero(union.dist > 0).tolist())]
        # per (node, channel): keep the ``max_sources`` nearest sources (shortest paths first)
        best_runs: dict[int, list[tuple[int, int, g.Reach]]] = {}
        counts: dict[int, int] = {}
        for order, (r, targets) in enumerate(runs):
            for v in targets:
                counts[v] = counts.get(v, 0) + 1
                best_runs.setdefault(v, []).append((int(r.dist[v]), order, r))
        for v, cands in best_runs.items():
            cands.sort(key=lambda c: (c[0], c[1]))
            for _, _, r in cands[:max_sources]:
                total = counts[v] if per_source else None
                inherited[v].append(
                    _inherit(
                        ctx,
                        r,
                        v,
                        by_node=by_node,
                        channel=channel,
                        tainted_inputs=int(tin[v]),
                        all_listed=per_source and counts[v] <= max_sources,
                        sources_total=total,
                    )
                )
    return inherited, carries


def routing(
    ctx: Flows, countries: Sequence[str | None], priority: Collection[str]
) -> list[list[Finding]]:
    """``routing`` findings: a producer outside China fed (any tier up) by a Chinese shipment
    of a UFLPA high-priority-sector material."""
    n, graph, tables = ctx.n, ctx.graph, ctx.tables
    out: list[list[Finding]] = [[] for _ in range(n)]
    if not graph.m:
        return out
    cn = np.array([c == "CN" for c in countries], dtype=bool)
    hp = np.array([m is not None and m.sector in priority for m in ctx.mats], dtype=bool)
    if not (cn & (np.bincount(graph.src, weights=hp.astype(np.float64), minlength=n) > 0)).any():
        return out
    r = g.reach(graph, cn, seed_edge_ok=hp)
    for v in np.flatnonzero(r.dist > 0).tolist():
        c = countries[v]
        node = ctx.chain.nodes[v]
        if c is None or c == "CN" or not tables.is_producer(node.role):
            continue
        eids = g.path_edges(r, graph, v)
        first = ctx.mats[eids[0]]
        sector = first.sector if first is not None else None
        path = (ctx.ids[int(r.origin[v])], *(ctx.ids[ctx.edges[i].dst] for i in eids))
        hops = ctx.hops(eids)
        products = " → ".join(h.product or "?" for h in hops)
        out[v].append(
            Finding(
                kind="routing",
                why=(
                    f"last producer outside China ({c}) with Chinese {sector} input:"
                    f" {' → '.join(path)} ({products}); third-country processing of a UFLPA"
                    " high-priority-sector input calls for tracing to raw material"
                ),
                score=0.8,
                sector=sector,
                regime="us_uflpa",
                country=c,
                algorithm=ALGORITHM,
                details=(
                    ("path", path),
                    ("products", tuple(h.product or "" for h in hops)),
                    ("origin", ctx.ids[int(r.origin[v])]),
                    ("origin_country", "CN"),
                    ("outcome_hint", "elevated_risk"),
                ),
            )
        )
    return out


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


def _country(res: ScreenResult) -> str | None:
    if res.country:
        return res.country.upper()
    if any(f.kind == "region" and (f.region or "").startswith("CN-") for f in res.findings):
        return "CN"
    return None


def trace_chain(
    chain: Chain,
    screened: Sequence[ScreenResult],
    regimes: rules.RegimeSet,
    as_of: date,
    *,
    tables: Tables | None = None,
    list_versions: Sequence[tuple[str, str]] = (),
    algorithms: Sequence[str] = (),
    path_budget: int = PATH_BUDGET,
    max_sources: int = MAX_SOURCES,
) -> TraceResult:
    """Trace a screened chain.

    Args:
        chain: the validated chain.
        screened: one screening result per node, in ``chain.nodes`` order (the caller screens:
            the chain layer does not).
        regimes: the regime set to evaluate; also the registry of taint regions and UFLPA
            high-priority sectors.
        as_of: evaluation date (lists, regimes, and which dated edges have happened).
        tables: unit/material/yield tables (default: bundled).
        list_versions: ``(list id, version)`` pairs recorded on the result.
        algorithms: algorithm names of the screening pipeline, recorded on the result.
        path_budget: see :data:`PATH_BUDGET`.
        max_sources: see :data:`MAX_SOURCES`.

    Returns:
        The trace, one node result per node in input order.
    """
    if len(screened) != len(chain.nodes):
        raise ValueError("one screening result per node is required")
    tables = tables or load_tables()
    ctx = Flows(chain, as_of, tables)
    taint = regimes.taint_regions
    own: list[list[Finding]] = [list(r.findings) for r in screened]
    for v, extra in enumerate(related_party(chain, own, taint)):
        own[v].extend(extra)
    countries = [_country(r) for r in screened]

    sources: dict[str, dict[int, list[Finding]]] = {}
    for v, fs in enumerate(own):
        for f in fs:
            c = channel_of(f, taint, tables)
            if c is not None:
                sources.setdefault(c, {}).setdefault(v, []).append(f)
    inherited, carries = propagate(ctx, sources, path_budget, max_sources)

    # UFLPA high-priority sectors in force: third-country routing looks for them
    priority = frozenset(s for r, s in regimes.designated(as_of) if r == "us_uflpa")
    route_src: dict[str, dict[int, list[Finding]]] = {}
    for v, fs in enumerate(routing(ctx, countries, priority)):
        if fs:
            own[v].extend(fs)
            route_src.setdefault("routing", {})[v] = fs
    if route_src:
        more, more_carries = propagate(ctx, route_src, path_budget, max_sources)
        for v in range(ctx.n):
            inherited[v].extend(more[v])
        carries.update(more_carries)

    own_taint = np.array([any(is_taint(f, taint) for f in fs) for fs in own], dtype=bool)
    tainted = g.reach(ctx.graph, own_taint).reached if ctx.n else own_taint
    rows, exposures = balance(ctx, own_taint, tainted)
    nodes = _node_traces(
        ctx,
        screened,
        regimes,
        as_of,
        own=own,
        inherited=inherited,
        countries=countries,
        balance=(rows, exposures),
        tainted=tainted,
    )
    stats: tuple[tuple[str, Any], ...] = (
        ("nodes", ctx.n),
        ("edges", len(chain.edges)),
        ("active_material_edges", len(ctx.edges)),
        ("channels", sorted(carries)),
        ("tainted_nodes", int(tainted.sum())),
        ("nodes_with_inherited", sum(1 for x in inherited if x)),
    )
    return TraceResult(
        nodes=nodes,
        edges=_edge_traces(ctx, carries),
        as_of=as_of,
        algorithms=(*algorithms, ALGORITHM),
        list_versions=tuple(list_versions),
        errors=chain.errors,
        stats=stats,
    )


def _node_traces(
    ctx: Flows,
    screened: Sequence[ScreenResult],
    regimes: rules.RegimeSet,
    as_of: date,
    *,
    own: Sequence[Sequence[Finding]],
    inherited: Sequence[Sequence[Inherited]],
    countries: Sequence[str | None],
    balance: tuple[Sequence[Sequence[BalanceRow]], Sequence[NodeExposure]],
    tainted: g.BoolArray,
) -> tuple[NodeTrace, ...]:
    chain = ctx.chain
    # an edge's row problems are shown on the node it delivers to
    edge_errors: dict[int, list[RowError]] = {}
    for err in chain.errors:
        if err.row and err.source != chain.source:
            edge_errors.setdefault(err.row, []).append(err)
    node_errs: list[list[RowError]] = [list(r.errors) for r in screened]
    for e in chain.edges:
        node_errs[e.dst].extend(edge_errors.get(e.row, ()))
    rows, exposures = balance
    nodes: list[NodeTrace] = []
    for v, nd in enumerate(chain.nodes):
        own_fs = tuple(own[v])
        inh = tuple(inherited[v])
        # the evaluator needs each channel once (its nearest source); all kept paths are output
        firsts = list({i.channel: i.finding for i in reversed(inh)}.values())
        outcomes = rules.evaluate(
            regimes, own_fs, country=countries[v], as_of=as_of, inherited=firsts
        )
        nodes.append(
            NodeTrace(
                id=nd.id,
                row=nd.record.row,
                role=nd.role,
                name=nd.record.name,
                country=countries[v],
                risk=rules.risk_of(outcomes, [*own_fs, *firsts]),
                findings=own_fs,
                inherited=inh,
                regimes=outcomes,
                errors=tuple(node_errs[v]),
                mass_balance=tuple(rows[v]),
                exposure=exposures[v],
                tainted=bool(tainted[v]),
            )
        )
    return tuple(nodes)


def _edge_traces(ctx: Flows, carries: dict[str, g.BoolArray]) -> tuple[EdgeTrace, ...]:
    active_ids = {e.index for e in ctx.edges}
    edge_channels: dict[int, list[str]] = {}
    for c, arr in carries.items():
        for i in np.flatnonzero(arr[ctx.graph.src]).tolist():
            edge_channels.setdefault(i, []).append(c)
    pos = {e.index: i for i, e in enumerate(ctx.edges)}
    return tuple(
        EdgeTrace(
            src=ctx.ids[e.src],
            dst=ctx.ids[e.dst],
            type=e.type,
            row=e.row,
            product=e.product,
            hs_code=e.hs_code,
            quantity=e.quantity,
            unit=e.unit,
            value=e.value,
            period=e.period,
            declared=e.declared,
            channels=tuple(sorted(edge_channels.get(pos.get(e.index, -1), ()))),
            active=e.type != MATERIAL or e.index in active_ids,
        )
        for e in ctx.chain.edges
    )
