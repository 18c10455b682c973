"""Trace a chain: screen every node, propagate taint downstream, balance, route, decide.

The order of work (all linear in nodes + edges per channel):

1. own findings per node: the screening results, plus ``related_party`` findings from ownership /
   control edges (a listed or Xinjiang parent or subsidiary; never material taint);
2. taint channels: each propagating finding kind with its key (``listed_entity:<list>``,
   ``region:<code>``, ``sector:<sector>``, ``goods_list:<list>:<good>:<country>``);
3. per channel, breadth-first reach along *active* material edges (edges dated after the as-of
   date have not happened yet). When the graph is small enough (sources x nodes within
   ``path_budget``) every source gets its own shortest path to every node it reaches; otherwise
   only the nearest source per node and channel is kept (``nearest_source_only``) — bounded
   storage either way;
4. third-country routing (``routing`` findings, then propagated like any channel);
5. exposure shares and mass balance (:mod:`laborlens.core.chain.graph`);
6. the regime evaluator per node on own + inherited findings.
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
#: Kinds that can make a node's output tainted for mass balance and exposure (see _is_taint).
MATERIAL_TAINT_KINDS: tuple[str, ...] = ("listed_entity", "region")
#: Per-source paths are computed while (sources of a channel) x (nodes) stays within this.
PATH_BUDGET = 2_000_000
#: At most this many sources (the nearest) are listed per node and channel.
MAX_SOURCES = 3


def channel_of(
    f: Finding, taint_regions: Collection[str], tables: Tables | None = None
) -> str | None:
    """The taint channel a finding propagates in, or ``None`` when it does not propagate.

    Propagating kinds come from ``resources/chain/taint.yaml``; a region finding propagates only
    for a taint region of the regimes (``CN-XJ``); elsewhere it is a location fact.
    """
    tables = tables or load_tables()
    if f.kind not in tables.propagating_kinds:
        return None
    if f.kind == "listed_entity":
        # a possible (unconfirmed) name match travels in its own channel and never counts as
        # material taint for mass balance / exposure until an analyst confirms it
        band = ":possible" if f.match == "possible" else ""
        return f"listed_entity:{f.list or '?'}{band}"
    if f.kind == "region":
        code = (f.region or "").upper()
        return f"region:{code}" if code in taint_regions else None
    if f.kind == "goods_list":
        return f"goods_list:{f.list or '?'}:{f.good or '?'}:{f.country or '?'}"
    if f.kind == "sector":
        return f"sector:{f.sector or '?'}"
    return f.kind


def _is_taint(f: Finding, taint_regions: Collection[str]) -> bool:
    """Whether a finding makes the node's own output tainted (confirmed listing, taint region)."""
    if f.kind == "listed_entity":
        return f.match != "possible"
    if f.kind == "region":
        return (f.region or "").upper() in taint_regions
    return False


def _country(res: ScreenResult) -> str | None:
    if res.country:
        return res.country.upper()
    if any(f.kind == "region" and (f.region or "").startswith("CN-") for f in res.findings):
        return "CN"
    return None


def _related_party(
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
                if not _is_taint(f, taint_regions):
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


class _Ctx:
    """Arrays and lookups shared by the steps of one trace."""

    def __init__(self, chain: Chain, as_of: date, tables: Tables, regimes: rules.RegimeSet) -> None:
        self.chain = chain
        self.tables = tables
        self.taint_regions = regimes.taint_regions
        # UFLPA high-priority sectors in force (third-country routing looks for them)
        self.priority = frozenset(s for r, s in regimes.designated(as_of) if r == "us_uflpa")
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


def _inherit(
    ctx: _Ctx,
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


def _propagate(
    ctx: _Ctx,
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


def _routing(ctx: _Ctx, countries: Sequence[str | None]) -> list[list[Finding]]:
    """``routing`` findings: a producer outside China fed (any tier up) by a Chinese shipment
    of a UFLPA high-priority-sector material."""
    n, graph, tables = ctx.n, ctx.graph, ctx.tables
    out: list[list[Finding]] = [[] for _ in range(n)]
    if not graph.m:
        return out
    cn = np.array([c == "CN" for c in countries], dtype=bool)
    hp = np.array([m is not None and m.sector in ctx.priority for m in ctx.mats], dtype=bool)
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


def _balance(
    ctx: _Ctx,
    own_taint: g.BoolArray,
    tainted: g.BoolArray,
) -> tuple[list[list[BalanceRow]], list[NodeExposure]]:
    n, graph, tables = ctx.n, ctx.graph, ctx.tables
    mat_ids = {m.id: i for i, m in enumerate(tables.materials)}
    dims = [d for d, _ in tables.base]
    dim_ids = {d: i for i, d in enumerate(dims)}
    base_name = dict(tables.base)
    nm, nd = len(mat_ids), len(dims)
    ytab = np.full((max(nm, 1), max(nm, 1), max(nd, 1), max(nd, 1)), np.nan)
    for y in tables.yields:
        ytab[mat_ids[y.src], mat_ids[y.dst], dim_ids[y.from_dim], dim_ids[y.to_dim]] = y.value
    m = graph.m
    material = np.array([mat_ids[x.id] if x else -1 for x in ctx.mats], dtype=np.int64)
    dim = np.full(m, -1, dtype=np.int64)
    qty = np.full(m, np.nan)
    value = np.full(m, np.nan)
    declared = np.zeros(m, dtype=bool)
    declared_clean = np.zeros(m, dtype=bool)
    periods = sorted({e.period for e in ctx.edges if e.period})
    pidx = {p: i for i, p in enumerate(periods)}
    period = np.full(m, -1, dtype=np.int64)
    for i, e in enumerate(ctx.edges):
        u = tables.unit(e.unit)
        if u is not None:
            dim[i] = dim_ids[u.dimension]
            if e.quantity is not None:
                qty[i] = e.quantity * u.factor
        if e.value is not None:
            value[i] = e.value
        declared[i] = e.declared == "tainted"
        declared_clean[i] = e.declared == "untainted"
        if e.period:
            period[i] = pidx[e.period]
    node_mat = np.full(n, -1, dtype=np.int64)
    node_yield = np.full(n, np.nan)
    for nd_ in ctx.chain.nodes:
        mm = tables.material(nd_.record.hs_code, nd_.record.product)
        if mm is not None:
            node_mat[nd_.index] = mat_ids[mm.id]
        if nd_.yield_ is not None:
            node_yield[nd_.index] = nd_.yield_
    in_eq, out_q, out_dim, assumed = g.equivalents(
        graph,
        material=material,
        dim=dim,
        qty_base=qty,
        node_material=node_mat,
        node_yield=node_yield,
        yields=ytab,
    )
    bal = g.mass_balance(
        graph,
        tainted=tainted,
        own=own_taint,
        in_equiv=in_eq,
        out_qty=out_q,
        declared_tainted=declared,
        period=period,
        declared_untainted=declared_clean,
    )
    expo = g.exposure(graph, own_taint, in_eq, value, edge_tainted=declared)
    assumed_per = (
        np.bincount(graph.dst, weights=assumed.astype(np.float64), minlength=n).astype(np.int64)
        if m
        else np.zeros(n, dtype=np.int64)
    )
    qmiss = (
        np.bincount(graph.dst, weights=np.isnan(in_eq).astype(np.float64), minlength=n) > 0
        if m
        else np.zeros(n, dtype=bool)
    )
    rows: list[list[BalanceRow]] = [[] for _ in range(n)]
    for k in range(bal.node.shape[0]):
        v = int(bal.node[k])
        sf = float(bal.shortfall[k])
        claimed = float(bal.outputs_claimed[k])
        unconverted = int(bal.inputs_unconverted[k])
        out_unknown = int(bal.outputs_unknown[k])
        total = float(bal.outputs_total[k])
        if math.isnan(sf):
            status = "origin"
        elif total == 0 and out_unknown == 0:
            status = "no_outputs"
        elif sf > 1e-9 * max(1.0, claimed) and unconverted == 0:
            status = "shortfall"
        elif unconverted or out_unknown:
            status = "incomplete"
        else:
            status = "ok"
        od = int(out_dim[v])
        p = int(bal.period[k])
        rows[v].append(
            BalanceRow(
                period=periods[p] if p >= 0 else None,
                unit=base_name[dims[od]] if od >= 0 else None,
                inputs_untainted=float(bal.inputs_untainted[k]),
                inputs_tainted=float(bal.inputs_tainted[k]),
                inputs_unconverted=unconverted,
                outputs_claimed_untainted=claimed,
                outputs_total=total,
                outputs_unknown=out_unknown,
                shortfall=None if math.isnan(sf) else sf,
                status=status,
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
        screened: one screening result per node, in ``chain.nodes`` order.
        regimes: the regime set to evaluate.
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
    ctx = _Ctx(chain, as_of, tables, regimes)
    n = ctx.n
    own: list[list[Finding]] = [list(r.findings) for r in screened]
    for v, extra in enumerate(_related_party(chain, own, ctx.taint_regions)):
        own[v].extend(extra)
    countries = [_country(r) for r in screened]

    sources: dict[str, dict[int, list[Finding]]] = {}
    for v, fs in enumerate(own):
        for f in fs:
            c = channel_of(f, ctx.taint_regions, tables)
            if c is not None:
                sources.setdefault(c, {}).setdefault(v, []).append(f)
    inherited, carries = _propagate(ctx, sources, path_budget, max_sources)

    routing = _routing(ctx, countries)
    route_src: dict[str, dict[int, list[Finding]]] = {}
    for v, fs in enumerate(routing):
        if fs:
            own[v].extend(fs)
            route_src.setdefault("routing", {})[v] = fs
    if route_src:
        more, more_carries = _propagate(ctx, route_src, path_budget, max_sources)
        for v in range(n):
            inherited[v].extend(more[v])
        carries.update(more_carries)

    own_taint = np.array(
        [any(_is_taint(f, ctx.taint_regions) for f in fs) for fs in own], dtype=bool
    )
    tainted = g.reach(ctx.graph, own_taint).reached if n else own_taint
    balance, exposures = _balance(ctx, own_taint, tainted)

    edge_errors: dict[int, list[RowError]] = {}
    for err in chain.errors:
        if err.row and err.source != chain.source:
            edge_errors.setdefault(err.row, []).append(err)
    node_errs: list[list[RowError]] = [list(r.errors) for r in screened]
    for e in chain.edges:
        node_errs[e.dst].extend(edge_errors.get(e.row, ()))

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
                mass_balance=tuple(balance[v]),
                exposure=exposures[v],
                tainted=bool(tainted[v]),
            )
        )

    active_ids = {e.index for e in ctx.edges}
    edge_channels: dict[int, list[str]] = {}
    for c, arr in carries.items():
        for i in np.flatnonzero(arr[ctx.graph.src]).tolist():
            edge_channels.setdefault(i, []).append(c)
    pos = {e.index: i for i, e in enumerate(ctx.edges)}
    edges = tuple(
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
        for e in chain.edges
    )
    stats: tuple[tuple[str, Any], ...] = (
        ("nodes", n),
        ("edges", len(chain.edges)),
        ("active_material_edges", len(ctx.edges)),
        ("channels", sorted(carries)),
        ("tainted_nodes", int(tainted.sum())),
        ("nodes_with_inherited", sum(1 for x in inherited if x)),
    )
    return TraceResult(
        nodes=tuple(nodes),
        edges=edges,
        as_of=as_of,
        algorithms=(*algorithms, ALGORITHM),
        list_versions=tuple(list_versions),
        errors=chain.errors,
        stats=stats,
    )
