"""The compact answer per node, as columns: what a million-node trace writes.

Per node: its risk, whether it is tainted, one outcome per regime, its own findings as short keys
(``region:CN-XJ``, ``listed_entity:<list>:<entry>`` …), and per taint channel the nearest sources
(at most ``MAX_SOURCES``), how many sources reach it, and for each source the next node upstream
(``via``) and the number of hops: a reference into the graph, not a copy of the path. The path
from a source is followed through the ``via`` of each node on it (the node upstream keeps the
same source: see :mod:`laborlens.core.chain.nearest`), or spelt out by
:func:`~laborlens.core.chain.expand.node_trace`. Mass balance is summarised (worst status,
largest shortfall, the periods short) and exposure given as shares. The size per node does not
grow with the number of sources or the length of the paths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from laborlens.core.chain import graph as g
from laborlens.core.chain.balance import STATUSES
from laborlens.core.chain.trace import GraphTrace
from laborlens.core.model import Finding


def finding_key(f: Finding) -> str:
    """A short, stable key for an own finding (what it is, not why)."""
    if f.kind == "listed_entity":
        band = ":possible" if f.match == "possible" else ""
        return f"listed_entity:{f.list}:{f.entry_id}{band}"
    if f.kind == "related_party":
        return f"related_party:{f.list or f.region}:{f.entry_id or ''}"
    if f.kind == "region":
        return f"region:{f.region}"
    if f.kind == "goods_list":
        return f"goods_list:{f.list}:{f.good}:{f.country}"
    if f.kind in ("sector", "routing"):
        return f"{f.kind}:{f.sector}"
    return f.kind


@dataclass(frozen=True, slots=True)
class Compact:
    """Per-node columns plus flattened lists (``*_ptr``: CSR offsets per node).

    Attributes:
        findings / findings_ptr: own finding keys of each node.
        chan_* (one entry per (node, channel) inherited; ``chan_ptr`` per node): channel name,
            sources total (-1: more than listed, not counted) and the span of its sources in
            ``src_*``.
        src_node / src_via / src_hops: per listed source, its node, the next node upstream on
            its path and the hops.
        bal_*: per node the worst balance status (-1: no balance), unit, node-periods, largest
            shortfall (NaN: none), and the periods with a shortfall (``short_*``).
    """

    findings: list[str]
    findings_ptr: g.IntArray
    chan_name: list[str]
    chan_total: g.IntArray
    chan_src_ptr: g.IntArray
    chan_ptr: g.IntArray
    src_node: g.IntArray
    src_via: g.IntArray
    src_hops: g.IntArray
    bal_status: g.IntArray
    bal_unit: list[str | None]
    bal_periods: g.IntArray
    bal_shortfall: g.FloatArray
    short_period: list[str]
    short_ptr: g.IntArray
    outcomes: npt.NDArray[np.int8]
    risk: npt.NDArray[np.int8]


def _own(gt: GraphTrace) -> tuple[list[str], g.IntArray]:
    n = gt.n
    keys = [finding_key(f) for f in gt.screened.findings]
    ptr, fid = gt.screened.arrays()
    node = np.repeat(np.arange(n, dtype=np.int64), np.diff(ptr))
    order_key = np.arange(fid.shape[0], dtype=np.int64)
    items = [(node, order_key, [keys[int(f)] for f in fid])]
    extra_nodes: list[int] = []
    extra_keys: list[str] = []
    for v in sorted(set(gt.related) | set(gt.routing.nodes.tolist())):
        fs = list(gt.related.get(v, ()))
        fs += [gt.routing.template(v)] if _routed(gt, v) else []
        extra_nodes += [v] * len(fs)
        extra_keys += [finding_key(f) for f in fs]
    if extra_nodes:
        base = fid.shape[0]
        items.append(
            (
                np.array(extra_nodes, dtype=np.int64),
                base + np.arange(len(extra_nodes), dtype=np.int64),
                extra_keys,
            )
        )
    nodes = np.concatenate([i[0] for i in items])
    seq = np.concatenate([i[1] for i in items])
    flat = [k for i in items for k in i[2]]
    order = np.lexsort((seq, nodes))
    out_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(nodes, minlength=n), out=out_ptr[1:])
    return [flat[int(i)] for i in order], out_ptr


def _routed(gt: GraphTrace, v: int) -> bool:
    nodes = gt.routing.nodes
    k = int(np.searchsorted(nodes, v))
    return k < nodes.shape[0] and int(nodes[k]) == v


_Inherited = tuple[
    list[str], g.IntArray, g.IntArray, g.IntArray, g.IntArray, g.IntArray, g.IntArray
]
_Balance = tuple[g.IntArray, list[str | None], g.IntArray, g.FloatArray, list[str], g.IntArray]


def _inherited(gt: GraphTrace) -> _Inherited:
    n = gt.n
    graph = gt.ctx.graph
    parts = []
    for ci, ch in enumerate(gt.channels):
        near = ch.nearest
        rank = np.arange(near.node.shape[0]) - near.ptr[near.node]
        listed = rank < ch.max_sources
        node, src = near.node[listed], near.source[listed]
        via = graph.src[near.pred[listed]]
        hops = near.dist[listed]
        has = np.flatnonzero(np.diff(near.ptr) > 0)
        if ch.counts is not None:
            total = ch.counts[has]
        else:
            kept = np.diff(near.ptr)[has]
            total = np.where(kept <= ch.max_sources, kept, -1)
        parts.append((ci, node, src, via, hops, has, total))
    if not parts:
        z = np.zeros(0, dtype=np.int64)
        return [], z, np.zeros(1, dtype=np.int64), np.zeros(n + 1, dtype=np.int64), z, z, z
    # (node, channel) entries, by node then channel order
    e_node = np.concatenate([p[5] for p in parts])
    e_chan = np.concatenate([np.full(p[5].shape[0], p[0]) for p in parts])
    e_total = np.concatenate([p[6] for p in parts])
    e_count = np.concatenate([np.bincount(p[1], minlength=n)[p[5]] for p in parts])
    e_order = np.lexsort((e_chan, e_node))
    # sources, by node then channel then rank
    s_node = np.concatenate([p[1] for p in parts])
    s_chan = np.concatenate([np.full(p[1].shape[0], p[0]) for p in parts])
    s_seq = np.arange(s_node.shape[0])
    s_order = np.lexsort((s_seq, s_chan, s_node))
    src = np.concatenate([p[2] for p in parts])[s_order]
    via = np.concatenate([p[3] for p in parts])[s_order]
    hops = np.concatenate([p[4] for p in parts])[s_order]
    counts = e_count[e_order]
    src_ptr = np.zeros(counts.shape[0] + 1, dtype=np.int64)
    np.cumsum(counts, out=src_ptr[1:])
    chan_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(e_node, minlength=n), out=chan_ptr[1:])
    names = [gt.channels[int(c)].name for c in e_chan[e_order]]
    return names, e_total[e_order], src_ptr, chan_ptr, src, via, hops


def _balance(gt: GraphTrace) -> _Balance:
    n = gt.n
    nb = gt.balance
    bal = nb.bal
    periods = np.bincount(bal.node, minlength=n)
    status = np.full(n, -1, dtype=np.int64)
    np.maximum.at(status, bal.node, nb.status)
    short = np.full(n, np.nan)
    sf = np.where(np.isnan(bal.shortfall), -np.inf, bal.shortfall)
    best = np.full(n, -np.inf)
    np.maximum.at(best, bal.node, sf)
    has_sf = best > -np.inf
    short[has_sf] = best[has_sf]
    is_short = nb.status == STATUSES.index("shortfall")
    s_nodes = bal.node[is_short]
    short_period = [nb.periods[int(p)] if p >= 0 else "" for p in bal.period[is_short]]
    short_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(s_nodes, minlength=n), out=short_ptr[1:])
    units = [nb.units[int(d)] if d >= 0 else None for d in nb.out_dim]
    return status, units, periods, short, short_period, short_ptr


def compact(gt: GraphTrace) -> Compact:
    """The compact columns of a trace."""
    findings, findings_ptr = _own(gt)
    names, total, src_ptr, chan_ptr, src, via, hops = _inherited(gt)
    status, units, periods, short, short_period, short_ptr = _balance(gt)
    return Compact(
        findings=findings,
        findings_ptr=findings_ptr,
        chan_name=names,
        chan_total=total,
        chan_src_ptr=src_ptr,
        chan_ptr=chan_ptr,
        src_node=src,
        src_via=via,
        src_hops=hops,
        bal_status=status,
        bal_unit=units,
        bal_periods=periods,
        bal_shortfall=short,
        short_period=short_period,
        short_ptr=short_ptr,
        outcomes=gt.outcomes,
        risk=gt.risk,
    )
