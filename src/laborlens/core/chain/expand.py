"""Explanations on demand: a :class:`~laborlens.core.chain.trace.GraphTrace` node as the full
record (:class:`NodeTrace`: own and inherited findings with paths and texts, regimes with their
reasons, mass balance rows, exposure, problems), and the whole trace as a :class:`TraceResult`
for small chains.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

import numpy as np
import numpy.typing as npt

from laborlens.core import rules
from laborlens.core.chain import graph as g
from laborlens.core.chain.flows import ALGORITHM, MAX_SOURCES, PATH_BUDGET
from laborlens.core.chain.model import MATERIAL, Chain
from laborlens.core.chain.own import Screened
from laborlens.core.chain.propagate import Channel
from laborlens.core.chain.result import EdgeTrace, Inherited, NodeTrace, TraceResult
from laborlens.core.chain.table import ChainTable
from laborlens.core.chain.tables import Tables
from laborlens.core.chain.trace import GraphTrace, trace_table
from laborlens.core.chain.verdicts import Classes, decide
from laborlens.core.model import Finding, RowError, ScreenResult


def _source_finding(gt: GraphTrace, channel: Channel, s: int) -> Finding:
    if channel.name == "routing":
        return gt.routing.finding(s)
    return gt.screened.findings[channel.best[s]]


def _inherit(gt: GraphTrace, channel: Channel, v: int, k: int, *, full: bool) -> Inherited:
    """The inherited finding of pair ``k`` (node ``v``, one source) of a channel."""
    ctx, near = gt.ctx, channel.nearest
    s = int(near.source[k])
    eids = near.path_edges(ctx.graph, v, s)
    best = _source_finding(gt, channel, s)
    ids = ctx.ids
    path = (ids[s], *(ids[int(ctx.graph.dst[i])] for i in eids))
    hops = ctx.hops(eids)
    products = " → ".join(h.product or "?" for h in hops)
    why = f"inherits {best.kind} from {ids[s]!r} via {' → '.join(path)} ({products}): {best.why}"
    fin = replace(
        best,
        why=why,
        details=(
            *best.details,
            ("inherited_from", ids[s]),
            ("path", path),
            ("products", tuple(h.product or "" for h in hops)),
            ("channel", channel.name),
            ("propagation", ALGORITHM),
        ),
    )
    total = channel.total(v)
    tin = 0
    if full:
        tin = int(channel.carries[ctx.graph.src[ctx.in_edges(v)]].sum())
    return Inherited(
        source=ids[s],
        kind=best.kind,
        channel=channel.name,
        path=path,
        hops=hops,
        why=why,
        finding=fin,
        tainted_inputs=tin,
        all_sources_listed=total is not None and total <= channel.max_sources,
        sources_total=total,
    )


def inherited_of(gt: GraphTrace, v: int) -> list[Inherited]:
    """Everything node ``v`` inherits: per channel (by name, ``routing`` last) its nearest
    sources, nearest first, each with its shortest path."""
    out: list[Inherited] = []
    for channel in gt.channels:
        a, b = channel.listed(v)
        out.extend(_inherit(gt, channel, v, k, full=True) for k in range(a, b))
    return out


def _firsts(gt: GraphTrace, v: int) -> list[Finding]:
    """The finding the evaluator sees per channel: the nearest source's."""
    out = []
    for channel in gt.channels:
        a, b = channel.listed(v)
        if b > a:
            out.append(_inherit(gt, channel, v, a, full=False).finding)
    return out


def _evaluate(gt: GraphTrace, v: int, inherited: Sequence[Finding]) -> tuple[tuple[str, ...], str]:
    own = gt.own(v)
    outcomes = rules.evaluate(
        gt.regimes, own, country=gt.screened.countries[v], as_of=gt.as_of, inherited=inherited
    )
    return tuple(o.outcome for o in outcomes), rules.risk_of(outcomes, [*own, *inherited])


def _routing_classes(gt: GraphTrace, classes: Classes) -> g.IntArray:
    """Per node the class of its routing finding (-1: not routed): the class depends on the
    sector of the first hop and the node's country only, so it is found once per pair."""
    out = np.full(gt.n, -1, dtype=np.int64)
    nodes = gt.routing.nodes
    if not nodes.size:
        return out
    mat = gt.ctx.material[gt.routing.first_edge[nodes]]
    codes = {c: i for i, c in enumerate(dict.fromkeys(gt.screened.countries))}
    country = np.array([codes[gt.screened.countries[int(v)]] for v in nodes], dtype=np.int64)
    pair = (mat + 1) * (len(codes) + 1) + country
    _, first, inverse = np.unique(pair, return_index=True, return_inverse=True)
    found = np.array(
        [classes.of_finding(gt.routing.template(int(nodes[k]))) for k in first], dtype=np.int64
    )
    out[nodes] = found[inverse.reshape(-1)]
    return out


def decide_all(gt: GraphTrace) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int8], int]:
    """Outcome codes and risk for every node, once per distinct situation (see ``verdicts``)."""
    n = gt.n
    classes = Classes.of(gt.regimes)
    fclass = np.array([classes.of_finding(f) for f in gt.screened.findings], dtype=np.int64)
    routed = _routing_classes(gt, classes)
    ptr, fid = gt.screened.arrays()
    o_node = [np.repeat(np.arange(n, dtype=np.int64), np.diff(ptr)), gt.routing.nodes]
    o_cls = [
        fclass[fid] if fid.size else np.zeros(0, dtype=np.int64),
        routed[gt.routing.nodes],
    ]
    extra = [(v, classes.of_finding(f)) for v, fs in gt.related.items() for f in fs]
    if extra:
        o_node.append(np.array([v for v, _ in extra], dtype=np.int64))
        o_cls.append(np.array([c for _, c in extra], dtype=np.int64))
    i_node, i_cls = [], []
    for channel in gt.channels:
        near = channel.nearest
        has = np.flatnonzero(np.diff(near.ptr) > 0)
        nearest_src = near.source[near.ptr[has]]
        if channel.name == "routing":
            per_src = routed
        else:
            per_src = np.full(n, -1, dtype=np.int64)
            srcs = np.fromiter(channel.best, dtype=np.int64, count=len(channel.best))
            best = np.fromiter(channel.best.values(), dtype=np.int64, count=len(channel.best))
            per_src[srcs] = fclass[best]
        i_node.append(has)
        i_cls.append(per_src[nearest_src])
    codes = {c: i for i, c in enumerate(dict.fromkeys(gt.screened.countries))}
    country = np.array([codes[c] for c in gt.screened.countries], dtype=np.int64)
    return decide(
        n,
        country,
        own=(np.concatenate(o_node), np.concatenate(o_cls)),
        inherited=(
            np.concatenate(i_node) if i_node else np.zeros(0, dtype=np.int64),
            np.concatenate(i_cls) if i_cls else np.zeros(0, dtype=np.int64),
        ),
        evaluate=lambda v: _evaluate(gt, v, _firsts(gt, v)),
        exact=classes.exact,
    )


def edge_errors(gt: GraphTrace) -> dict[int, list[RowError]]:
    """Row problems of the edges, per node the edge delivers to (in edge order)."""
    t = gt.table
    by_row: dict[int, list[RowError]] = {}
    for err in gt.errors:
        if err.row and err.source != t.nodes_source:
            by_row.setdefault(err.row, []).append(err)
    out: dict[int, list[RowError]] = {}
    if not by_row or not t.m:
        return out
    rows = np.array(sorted(by_row), dtype=np.int64)
    pos = np.searchsorted(t.row, rows)
    hits = []
    for r, p in zip(rows.tolist(), pos.tolist(), strict=True):
        if p < t.m and int(t.row[p]) == r:
            hits.append((p, r))
    for p, r in sorted(hits):
        out.setdefault(int(t.dst[p]), []).extend(by_row[r])
    return out


def node_trace(
    gt: GraphTrace, v: int, edge_errs: Mapping[int, Sequence[RowError]] | None = None
) -> NodeTrace:
    """The full record of node ``v``."""
    own = tuple(gt.own(v))
    inh = tuple(inherited_of(gt, v))
    # the evaluator needs each channel once (its nearest source); all kept paths are output
    firsts = list({i.channel: i.finding for i in reversed(inh)}.values())
    country = gt.screened.countries[v]
    outcomes = rules.evaluate(gt.regimes, own, country=country, as_of=gt.as_of, inherited=firsts)
    errs = edge_errors(gt) if edge_errs is None else edge_errs
    (rec,) = gt.table.records.records([v])
    return NodeTrace(
        id=gt.table.ids[v],
        row=rec.row,
        role=gt.table.role.text(v),
        name=rec.name,
        country=country,
        risk=rules.risk_of(outcomes, [*own, *firsts]),
        findings=own,
        inherited=inh,
        regimes=outcomes,
        errors=(*gt.screened.node_errors(v), *errs.get(v, ())),
        mass_balance=gt.balance.rows(v),
        exposure=gt.balance.exposure(v),
        tainted=bool(gt.tainted[v]),
    )


def edge_traces(gt: GraphTrace) -> tuple[EdgeTrace, ...]:
    """Every edge as traced, in input order."""
    t, ctx = gt.table, gt.ctx
    active = np.zeros(t.m, dtype=bool)
    active[ctx.pos] = True
    where = np.full(t.m, -1, dtype=np.int64)
    where[ctx.pos] = np.arange(ctx.pos.shape[0])
    names = [c.name for c in gt.channels]
    carried = [c.carries[ctx.graph.src] for c in gt.channels]
    out = []
    for i in range(t.m):
        e = t.edge(i)
        k = int(where[i])
        chans = tuple(sorted(nm for nm, cw in zip(names, carried, strict=True) if k >= 0 and cw[k]))
        out.append(
            EdgeTrace(
                src=t.ids[e.src],
                dst=t.ids[e.dst],
                type=e.type,
                row=e.row,
                product=e.product,
                hs_code=e.hs_code,
                quantity=e.quantity,
                unit=e.unit,
                value=e.value,
                period=e.period,
                declared=e.declared,
                channels=chans,
                active=e.type != MATERIAL or bool(active[i]),
            )
        )
    return tuple(out)


_STATS = ("nodes", "edges", "active_material_edges", "channels", "tainted_nodes")


def full_result(gt: GraphTrace) -> TraceResult:
    """The whole trace as full records (for small chains: every inherited path spelt out)."""
    errs = edge_errors(gt)
    stats = dict(gt.stats)
    return TraceResult(
        nodes=tuple(node_trace(gt, v, errs) for v in range(gt.n)),
        edges=edge_traces(gt),
        as_of=gt.as_of,
        algorithms=gt.algorithms,
        list_versions=gt.list_versions,
        errors=gt.errors,
        stats=(
            *((k, stats[k]) for k in _STATS),
            ("nodes_with_inherited", stats["nodes_with_inherited"]),
        ),
    )


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
    """Trace a screened chain and spell every node out (see :func:`trace_table`).

    ``screened``: one screening result per node, in ``chain.nodes`` order (the caller screens:
    the chain layer does not).
    """
    if len(screened) != len(chain.nodes):
        raise ValueError("one screening result per node is required")
    gt = trace_table(
        ChainTable.from_chain(chain),
        Screened.of(screened),
        regimes,
        as_of,
        tables=tables,
        list_versions=list_versions,
        algorithms=algorithms,
        path_budget=path_budget,
        max_sources=max_sources,
    )
    return full_result(gt)
