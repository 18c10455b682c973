"""The nearest sources of every node, each with one shortest path: bounded, exact, on arrays.

A channel (``region:CN-XJ``, a list …) has many sources. Following each source on its own costs
sources x (nodes + edges); keeping every (node, source) pair costs sources x nodes. Instead,
:func:`nearest_sources` runs one level-synchronous breadth-first search in which every node keeps
at most ``capacity`` sources: the nearest ones, ties broken by the lower source index. The work
is at most ``capacity`` x (nodes + edges) whatever the number of sources, and the result equals
what a separate search from each source would give:

- a source ``s`` is kept by ``v`` exactly when fewer than ``capacity`` sources rank before it at
  ``v``; each of ``v``'s inputs ``u`` on a shortest path from ``s`` then keeps ``s`` too, as
  every node keeps one source more than asked (every source ranked before ``s`` at ``u`` reaches
  ``v`` and ranks before it there, except ``v`` itself when it is a source), so ``v`` hears of
  ``s`` at the right level from every such input;
- the edge by which ``s`` arrives (``pred``) is the one a search from ``s`` alone would choose:
  the first out-edge, in CSR order, of the lowest-numbered input at the previous level;
- a node that kept fewer than ``capacity`` sources kept all that reach it, so the count is exact
  then (with ``capacity = k + 1`` one learns whether more than ``k`` sources reach a node).

:func:`source_counts` gives the exact number of sources reaching each node with one bit per
(node, source) — for graphs where sources x nodes is small enough.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from laborlens.core.chain import graph as g

_BITS = 64


@dataclass(frozen=True, slots=True)
class Nearest:
    """Kept (node, source) pairs, sorted by node, then distance, then source index.

    Attributes:
        node: the node that inherits (never the source itself).
        source: the source's node index.
        dist: hops from the source (>= 1).
        pred: the edge id by which the shortest path from ``source`` arrives at ``node``.
        ptr: CSR index over ``node``: the pairs of ``v`` are ``ptr[v]:ptr[v + 1]``.
        capacity: sources kept per node at most.
    """

    node: g.IntArray
    source: g.IntArray
    dist: g.IntArray
    pred: g.IntArray
    ptr: g.IntArray
    capacity: int

    def count(self) -> g.IntArray:
        """Sources kept per node."""
        return np.diff(self.ptr)

    def pair(self, v: int, source: int) -> int:
        """Position of ``(v, source)`` among the kept pairs, or -1."""
        a, b = int(self.ptr[v]), int(self.ptr[v + 1])
        hits = np.flatnonzero(self.source[a:b] == source)
        return a + int(hits[0]) if hits.size else -1

    def path_edges(self, graph: g.Graph, v: int, source: int) -> list[int]:
        """Edge ids of the kept shortest path from ``source`` to ``v``, in flow order.

        Paths are followed through the pairs kept upstream: they are known for the first
        ``capacity - 1`` sources of a node (whose upstream pairs rank within ``capacity``)."""
        out: list[int] = []
        node = v
        while node != source:
            k = self.pair(node, source)
            if k < 0:
                raise KeyError((v, source))
            e = int(self.pred[k])
            out.append(e)
            node = int(graph.src[e])
        out.reverse()
        return out

    def paths(self, graph: g.Graph, pairs: g.IntArray) -> tuple[g.IntArray, g.IntArray]:
        """The node paths (source first) of these pairs, all at once: ``(ptr, nodes)`` with
        the path of ``pairs[i]`` in ``nodes[ptr[i]:ptr[i + 1]]`` (pairs among the first
        ``capacity - 1`` of their node, as for :meth:`path_edges`)."""
        pairs = np.asarray(pairs, dtype=np.int64)
        n_nodes = int(graph.n)
        # the pairs of a node are looked up by (node, source)
        keys = self.node * n_nodes + self.source
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        length = self.dist[pairs] + 1
        ptr = np.zeros(pairs.shape[0] + 1, dtype=np.int64)
        np.cumsum(length, out=ptr[1:])
        out = np.empty(int(ptr[-1]), dtype=np.int64)
        at = ptr[:-1] + self.dist[pairs]
        out[at] = self.node[pairs]
        cur, live = pairs.copy(), np.flatnonzero(self.dist[pairs] > 0)
        src_of = self.source[pairs]
        while live.size:
            parent = graph.src[self.pred[cur[live]]]
            at[live] -= 1
            out[at[live]] = parent
            more = parent != src_of[live]
            live, parent = live[more], parent[more]
            hit = np.searchsorted(sorted_keys, parent * n_nodes + src_of[live])
            cur[live] = order[hit]
        return ptr, out


def _expand(graph: g.Graph, nodes: g.IntArray) -> tuple[g.IntArray, g.IntArray]:
    """The out-edges of each entry of ``nodes`` (repeats allowed), grouped per entry in order,
    with the entry each edge came from."""
    starts = graph.out_ptr[nodes]
    counts = graph.out_ptr[nodes + 1] - starts
    total = int(counts.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    item = np.repeat(np.arange(nodes.shape[0], dtype=np.int64), counts)
    offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    pos = np.arange(total, dtype=np.int64) + offsets
    return np.asarray(graph.out_edges[pos], dtype=np.int64), item


def nearest_sources(graph: g.Graph, sources: g.IntArray, capacity: int) -> Nearest:
    """Up to ``capacity`` nearest sources of every node, each with its shortest-path edge.

    Args:
        graph: the material-flow graph.
        sources: node indices of the channel's sources (any order, no repeats).
        capacity: sources kept per node (``k + 1`` to tell whether more than ``k`` reach it).
    """
    n = graph.n
    srcs = np.unique(np.asarray(sources, dtype=np.int64))
    n_src = max(int(srcs.shape[0]), 1)
    rank_of = np.full(n, -1, dtype=np.int64)
    rank_of[srcs] = np.arange(srcs.shape[0], dtype=np.int64)
    # one spare slot: a source ranked first at an input may be the node itself, which does not
    # count at the node
    room = capacity + 1
    fill = np.zeros(n, dtype=np.int64)
    held = np.full((n, room), -1, dtype=np.int32)  # source ranks held, in arrival order
    parts: list[tuple[g.IntArray, ...]] = []
    # the frontier: (node, source rank) pairs that arrived at the previous level, by node
    f_node, f_rank = srcs, np.arange(srcs.shape[0], dtype=np.int64)
    level = 0
    while f_node.size:
        level += 1
        eids, item = _expand(graph, f_node)
        if not eids.size:
            break
        c_node, c_rank = graph.dst[eids], f_rank[item]
        # a node without room takes nothing more; nothing goes back to its source, and a node
        # does not take a source it keeps already (dropping these first keeps the sort small)
        fresh = fill[c_node] < room
        fresh &= srcs[c_rank] != c_node
        fresh[fresh] = ~np.any(held[c_node[fresh]] == c_rank[fresh, None], axis=1)
        eids, c_node, c_rank = eids[fresh], c_node[fresh], c_rank[fresh]
        if not eids.size:
            break
        # first candidate per (node, source): the frontier is ordered by node, so this is the
        # lowest-numbered input and then its first out-edge (the single-source choice)
        uniq, first = np.unique(c_node * n_src + c_rank, return_index=True)
        c_node, c_rank, c_pred = uniq // n_src, uniq % n_src, eids[first]
        # per node, candidates are now in source order; keep as many as the node has room for
        starts = np.searchsorted(c_node, c_node, side="left")
        slot = fill[c_node] + (np.arange(c_node.shape[0]) - starts)
        ok = slot < room
        c_node, c_rank, c_pred, slot = c_node[ok], c_rank[ok], c_pred[ok], slot[ok]
        held[c_node, slot] = c_rank
        np.add.at(fill, c_node, 1)
        parts.append((c_node, c_rank, np.full(c_node.shape[0], level, np.int64), c_pred))
        f_node, f_rank = c_node, c_rank
    return _collect(parts, srcs, n, capacity)


def _collect(
    parts: list[tuple[g.IntArray, ...]], srcs: g.IntArray, n: int, capacity: int
) -> Nearest:
    if parts:
        node, rank, dist, pred = (np.concatenate([p[i] for p in parts]) for i in range(4))
    else:
        node = rank = dist = pred = np.zeros(0, dtype=np.int64)
    source = srcs[rank] if srcs.size else rank
    return collect(node, source, dist, pred, n=n, capacity=capacity)


class Search(Protocol):
    """Where the graph searches run: here on arrays, or on a cluster (same results)."""

    def nearest(self, graph: g.Graph, sources: g.IntArray, capacity: int) -> Nearest:
        """See :func:`nearest_sources`."""
        ...

    def reach(
        self, graph: g.Graph, sources: g.BoolArray, *, seed_edge_ok: g.BoolArray | None = None
    ) -> g.Reach:
        """See :func:`laborlens.core.chain.graph.reach`."""
        ...


class LocalSearch:
    """:class:`Search` on this machine's arrays."""

    def nearest(self, graph: g.Graph, sources: g.IntArray, capacity: int) -> Nearest:
        return nearest_sources(graph, sources, capacity)

    def reach(
        self, graph: g.Graph, sources: g.BoolArray, *, seed_edge_ok: g.BoolArray | None = None
    ) -> g.Reach:
        return g.reach(graph, sources, seed_edge_ok=seed_edge_ok)


def collect(
    node: g.IntArray,
    source: g.IntArray,
    dist: g.IntArray,
    pred: g.IntArray,
    *,
    n: int,
    capacity: int,
) -> Nearest:
    """A :class:`Nearest` from kept (node, source, dist, pred) rows in any order (the nearest
    ``capacity`` per node kept: distance, then source index)."""
    order = np.lexsort((source, dist, node))
    node, source, dist, pred = node[order], source[order], dist[order], pred[order]
    starts = np.searchsorted(node, node, side="left")
    keep = np.arange(node.shape[0]) - starts < capacity
    node, source, dist, pred = node[keep], source[keep], dist[keep], pred[keep]
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(node, minlength=n), out=ptr[1:])
    return Nearest(node, source, dist, pred, ptr, capacity)


def source_counts(graph: g.Graph, sources: g.IntArray) -> g.IntArray:
    """How many sources (other than the node itself) reach each node, exactly.

    One bit per (node, source): memory is nodes x sources / 8 bytes, so callers use it within a
    budget. Bits travel along edges from the nodes whose bits changed, until nothing changes.
    """
    n = graph.n
    srcs = np.unique(np.asarray(sources, dtype=np.int64))
    words = max(1, -(-int(srcs.shape[0]) // _BITS))
    bits = np.zeros((n, words), dtype=np.uint64)
    own = np.zeros((n, words), dtype=np.uint64)
    ranks = np.arange(srcs.shape[0])
    own[srcs, ranks // _BITS] = np.left_shift(np.uint64(1), (ranks % _BITS).astype(np.uint64))
    bits |= own
    changed = srcs
    while changed.size:
        eids, _ = _expand(graph, changed)
        if not eids.size:
            break
        order = np.argsort(graph.dst[eids], kind="stable")
        eids = eids[order]
        dst = graph.dst[eids]
        uniq, starts = np.unique(dst, return_index=True)
        incoming = np.bitwise_or.reduceat(bits[graph.src[eids]], starts, axis=0)
        merged = bits[uniq] | incoming
        moved = np.any(merged != bits[uniq], axis=1)
        bits[uniq] = merged
        changed = uniq[moved]
    counts = _popcount(bits & ~own)
    return counts


def _popcount(bits: npt.NDArray[np.uint64]) -> g.IntArray:
    per_byte = np.unpackbits(bits.view(np.uint8), axis=1)
    return np.asarray(per_byte.sum(axis=1), dtype=np.int64)
