"""Trace a screened chain: propagate taint downstream, route, balance, decide.

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

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np

from laborlens.core import rules
from laborlens.core.chain import graph as g
from laborlens.core.chain.balance import balance
from laborlens.core.chain.flows import ALGORITHM, MAX_SOURCES, PATH_BUDGET, Flows
from laborlens.core.chain.model import MATERIAL, Chain
from laborlens.core.chain.propagate import (
    channel_of,
    is_taint,
    propagate,
    related_party,
    routing,
)
from laborlens.core.chain.result import (
    BalanceRow,
    EdgeTrace,
    Inherited,
    NodeExposure,
    NodeTrace,
    TraceResult,
)
from laborlens.core.chain.tables import Tables, load_tables
from laborlens.core.model import Finding, RowError, ScreenResult

__all__ = ["ALGORITHM", "MAX_SOURCES", "PATH_BUDGET", "channel_of", "trace_chain"]


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
