"""Trace a screened chain on arrays: propagate taint downstream, route, balance, decide.

The order of work (each linear in nodes + edges per channel):

1. own findings per node: the screening results, plus ``related_party`` findings from ownership /
   control edges (a listed or Xinjiang parent or subsidiary; never material taint);
2. taint channels: each propagating finding kind with its key (``listed_entity:<list>``,
   ``region:<code>``, ``goods_list:<list>:<good>:<country>``);
3. per channel, one breadth-first search along *active* material edges (edges dated after the
   as-of date have not happened yet) keeping each node's nearest sources with one shortest path
   each (bounded storage whatever the number of sources);
4. third-country routing (``routing`` findings, then propagated like any channel);
5. exposure shares and mass balance (:mod:`laborlens.core.chain.graph`);
6. the regime evaluator, once per distinct situation of a node (:mod:`.verdicts`).

The result, :class:`GraphTrace`, keeps arrays and references: inherited findings are (node,
source, path) references into the graph, explained on demand (:mod:`.expand`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from laborlens.core import rules
from laborlens.core.chain import graph as g
from laborlens.core.chain.balance import NodeBalance, balance_arrays
from laborlens.core.chain.flows import ALGORITHM, MAX_SOURCES, PATH_BUDGET, Flows
from laborlens.core.chain.nearest import LocalSearch, Search
from laborlens.core.chain.own import Screened
from laborlens.core.chain.propagate import (
    Channel,
    channel_of,
    channel_sources,
    is_taint,
    related_party,
    trace_channel,
)
from laborlens.core.chain.routing import Routing, routing
from laborlens.core.chain.table import ChainTable
from laborlens.core.chain.tables import Tables, load_tables
from laborlens.core.model import Finding, RowError

__all__ = ["ALGORITHM", "MAX_SOURCES", "PATH_BUDGET", "GraphTrace", "channel_of", "trace_table"]


@dataclass(frozen=True, slots=True)
class GraphTrace:
    """A traced chain, as arrays and references (any size).

    Attributes:
        table: the chain.
        ctx: its active material flows as of ``as_of``.
        screened: per node its screening country, own findings and row problems.
        related: related-party findings of the nodes that have any.
        routing: the routed producers (findings built on demand).
        channels: the taint channels, sorted by name, ``routing`` last.
        own_taint: nodes tainted themselves.
        tainted: nodes whose output carries taint (own or inherited).
        balance: mass balance and exposure arrays.
        outcomes: per node and regime an index into ``verdicts.OUTCOMES``.
        risk: per node an index into ``verdicts.RISKS``.
        regime_ids: the regimes, in the order of ``outcomes``' columns.
    """

    table: ChainTable
    ctx: Flows
    regimes: rules.RegimeSet
    as_of: date
    screened: Screened
    related: dict[int, list[Finding]]
    routing: Routing
    channels: tuple[Channel, ...]
    own_taint: g.BoolArray
    tainted: g.BoolArray
    balance: NodeBalance
    outcomes: npt.NDArray[np.int8]
    risk: npt.NDArray[np.int8]
    regime_ids: tuple[str, ...]
    algorithms: tuple[str, ...]
    list_versions: tuple[tuple[str, str], ...]
    errors: tuple[RowError, ...]
    stats: tuple[tuple[str, Any], ...]

    @property
    def n(self) -> int:
        return self.table.n

    def own(self, v: int) -> list[Finding]:
        """The node's own findings: screening, related party, routing (in that order)."""
        out = self.screened.own(v)
        out.extend(self.related.get(v, ()))
        if self.routing.nodes.size:
            k = int(np.searchsorted(self.routing.nodes, v))
            if k < self.routing.nodes.shape[0] and int(self.routing.nodes[k]) == v:
                out.append(self.routing.finding(v))
        return out

    def channel(self, name: str) -> Channel | None:
        return next((c for c in self.channels if c.name == name), None)


def _own_taint(screened: Screened, related: dict[int, list[Finding]], taint: Any) -> g.BoolArray:
    ptr, fid = screened.arrays()
    taints = np.array([is_taint(f, taint) for f in screened.findings] + [False], dtype=bool)
    per_item = taints[fid] if fid.size else np.zeros(0, dtype=bool)
    n = len(screened)
    nodes = np.repeat(np.arange(n), np.diff(ptr))
    own = np.bincount(nodes[per_item], minlength=n) > 0 if n else np.zeros(0, dtype=bool)
    for v, fs in related.items():
        own[v] |= any(is_taint(f, taint) for f in fs)
    return np.asarray(own, dtype=bool)


def trace_table(
    table: ChainTable,
    screened: Screened,
    regimes: rules.RegimeSet,
    as_of: date,
    *,
    tables: Tables | None = None,
    list_versions: Sequence[tuple[str, str]] = (),
    algorithms: Sequence[str] = (),
    path_budget: int = PATH_BUDGET,
    max_sources: int = MAX_SOURCES,
    search: Search | None = None,
) -> GraphTrace:
    """Trace a screened chain (``screened``: one screening result per node, in node order; the
    caller screens: the chain layer does not).

    Args:
        table: the validated chain.
        screened: what screening found about each node.
        regimes: the regime set to evaluate; also the registry of taint regions and UFLPA
            high-priority sectors.
        as_of: evaluation date (lists, regimes, and which dated edges have happened).
        tables: unit/material/yield tables (default: bundled).
        list_versions: ``(list id, version)`` pairs recorded on the result.
        algorithms: algorithm names of the screening pipeline, recorded on the result.
        path_budget: exact source counts while (sources of a channel) x (nodes) is within this.
        max_sources: sources listed per node and channel (the nearest).
        search: where the graph searches run (default: here, on arrays).
    """
    if len(screened) != table.n:
        raise ValueError("one screening result per node is required")
    tables = tables or load_tables()
    ctx = Flows(table, as_of, tables)
    taint = regimes.taint_regions
    related = related_party(table, screened.own, taint)
    ptr, fid = screened.arrays()
    chans = [channel_of(f, taint, tables) for f in screened.findings]
    # related-party findings never propagate (their kind is not a propagating kind)
    by_channel = channel_sources(ptr, fid, chans, [f.score for f in screened.findings])
    search = search or LocalSearch()
    channels = [
        trace_channel(ctx, c, best, path_budget=path_budget, max_sources=max_sources, search=search)
        for c, best in sorted(by_channel.items())
    ]
    # UFLPA high-priority sectors in force: third-country routing looks for them
    priority = frozenset(s for r, s in regimes.designated(as_of) if r == "us_uflpa")
    routed = routing(ctx, screened.countries, priority, search)
    if routed.nodes.size:
        best = {int(v): -1 for v in routed.nodes}  # routing findings are built on demand
        channels.append(
            trace_channel(
                ctx,
                "routing",
                best,
                path_budget=path_budget,
                max_sources=max_sources,
                search=search,
            )
        )
    own_taint = _own_taint(screened, related, taint)
    tainted = search.reach(ctx.graph, own_taint).reached if ctx.n else own_taint
    balance = balance_arrays(ctx, own_taint, tainted)
    partial = GraphTrace(
        table=table,
        ctx=ctx,
        regimes=regimes,
        as_of=as_of,
        screened=screened,
        related=related,
        routing=routed,
        channels=tuple(channels),
        own_taint=own_taint,
        tainted=tainted,
        balance=balance,
        outcomes=np.zeros((table.n, 0), dtype=np.int8),
        risk=np.zeros(table.n, dtype=np.int8),
        regime_ids=tuple(regimes.ids),
        algorithms=(*algorithms, ALGORITHM),
        list_versions=tuple(list_versions),
        errors=table.errors,
        stats=(),
    )
    from laborlens.core.chain.expand import decide_all

    outcomes, risk, evaluations = decide_all(partial)
    stats: tuple[tuple[str, Any], ...] = (
        ("nodes", table.n),
        ("edges", table.m),
        ("active_material_edges", ctx.graph.m),
        ("channels", sorted(c.name for c in channels)),
        ("tainted_nodes", int(tainted.sum())),
        ("nodes_with_inherited", int(_inheriting(channels, table.n).sum())),
        ("situations_evaluated", evaluations),
    )
    return replace(partial, outcomes=outcomes, risk=risk, stats=stats)


def _inheriting(channels: Sequence[Channel], n: int) -> g.BoolArray:
    out = np.zeros(n, dtype=bool)
    for c in channels:
        out |= np.diff(c.nearest.ptr) > 0
    return out
