"""Linear-time graph algorithms over numpy arrays (the large-scale path).

The chain is held as edge arrays (``src``, ``dst``) plus a CSR index of out-edges. Everything here
is O(V + E) per pass, with no per-node search:

- :func:`reach` is a level-synchronous multi-source breadth-first search. It marks every node
  downstream of a set of tainted sources (cycles need no special case: a node is visited once)
  and keeps, per node, one shortest path back to its nearest source as a predecessor-edge pointer
  (bounded storage: one int per node, whatever the number of paths).
- :func:`exposure` computes the share of each node's output that may carry tainted input, as
  input-weighted averages, by Jacobi sweeps over the edges; on an acyclic chain it is exact after
  as many sweeps as the chain has tiers, and on cycles it converges geometrically.
- :func:`mass_balance` sums declared untainted inputs (converted into output-equivalents by the
  yields) against outputs shipped as untainted, per node and period, with ``bincount``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Graph:
    """Material-flow edges with a CSR index of out-edges (immutable by convention)."""

    n: int
    src: IntArray
    dst: IntArray
    out_ptr: IntArray  # len n+1; out-edges of v are out_edges[out_ptr[v]:out_ptr[v+1]]
    out_edges: IntArray

    @classmethod
    def build(cls, n: int, src: npt.ArrayLike, dst: npt.ArrayLike) -> Graph:
        s = np.asarray(src, dtype=np.int64)
        d = np.asarray(dst, dtype=np.int64)
        if s.shape != d.shape:
            raise ValueError("src and dst differ in length")
        order = np.argsort(s, kind="stable").astype(np.int64)
        counts = np.bincount(s, minlength=n) if len(s) else np.zeros(n, dtype=np.int64)
        ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts, out=ptr[1:])
        return cls(n, s, d, ptr, order)

    @property
    def m(self) -> int:
        return int(self.src.shape[0])

    def out_of(self, nodes: IntArray) -> IntArray:
        """Every out-edge id of ``nodes``, grouped by node in the given order."""
        starts = self.out_ptr[nodes]
        counts = self.out_ptr[nodes + 1] - starts
        total = int(counts.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts)
        return np.asarray(self.out_edges[np.arange(total, dtype=np.int64) + offsets], np.int64)


@dataclass(frozen=True, slots=True)
class Reach:
    """Result of :func:`reach`.

    Attributes:
        dist: hops from the nearest source (0 for a source, -1 when not reached).
        pred: the edge id by which the shortest path arrives (-1 for sources / unreached).
        origin: the nearest source's node index (-1 when not reached).
    """

    dist: IntArray
    pred: IntArray
    origin: IntArray

    @property
    def reached(self) -> BoolArray:
        return np.asarray(self.dist >= 0)


def reach(
    graph: Graph,
    sources: BoolArray,
    *,
    edge_ok: BoolArray | None = None,
    seed_edge_ok: BoolArray | None = None,
) -> Reach:
    """Multi-source BFS along edges from every node where ``sources`` is true.

    Args:
        graph: the material-flow graph.
        sources: one flag per node.
        edge_ok: edges that may be followed (default: all).
        seed_edge_ok: edges that may leave a *source* (default: ``edge_ok``); e.g. only the
            high-priority-sector shipments of a Chinese producer start a routing path.

    Returns:
        Distances, predecessor edges and nearest-source ids; ties are broken by the lowest
        frontier position, so results are deterministic.
    """
    n = graph.n
    dist = np.full(n, -1, dtype=np.int64)
    pred = np.full(n, -1, dtype=np.int64)
    origin = np.full(n, -1, dtype=np.int64)
    frontier = np.flatnonzero(sources).astype(np.int64)
    dist[frontier] = 0
    origin[frontier] = frontier
    level = 0
    first = True
    while frontier.size:
        level += 1
        eids = graph.out_of(frontier)
        ok = seed_edge_ok if first and seed_edge_ok is not None else edge_ok
        if ok is not None and eids.size:
            eids = eids[ok[eids]]
        first = False
        if not eids.size:
            break
        targets = graph.dst[eids]
        fresh = dist[targets] < 0
        eids, targets = eids[fresh], targets[fresh]
        if not targets.size:
            break
        uniq, pos = np.unique(targets, return_index=True)
        chosen = eids[pos]
        dist[uniq] = level
        pred[uniq] = chosen
        origin[uniq] = origin[graph.src[chosen]]
        frontier = uniq
    return Reach(dist, pred, origin)


def path_edges(result: Reach, graph: Graph, node: int) -> list[int]:
    """Edge ids of the kept shortest path from the nearest source to ``node``, in flow order."""
    out: list[int] = []
    e = int(result.pred[node])
    while e >= 0:
        out.append(e)
        e = int(result.pred[int(graph.src[e])])
    out.reverse()
    return out


@dataclass(frozen=True, slots=True)
class Exposure:
    """Share of each node's output that may carry tainted input (0..1), and convergence facts."""

    by_quantity: FloatArray
    by_value: FloatArray  # NaN where some input has no declared value
    sweeps: int
    converged: bool


def sweep_levels(graph: Graph) -> IntArray:
    """An update order for level-by-level propagation: Kahn levels for the acyclic part, then
    breadth-first levels (from the already-levelled part) for nodes on or behind cycles.

    On an acyclic chain every node's inputs sit in lower levels, so one sweep in this order is
    exact; cycles need more sweeps (geometric convergence).
    """
    n = graph.n
    level = np.full(n, -1, dtype=np.int64)
    indeg = np.bincount(graph.dst, minlength=n).astype(np.int64)
    frontier = np.flatnonzero(indeg == 0)
    lv = 0
    while frontier.size:
        level[frontier] = lv
        lv += 1
        eids = graph.out_of(frontier)
        if not eids.size:
            break
        dec = np.bincount(graph.dst[eids], minlength=n)
        indeg -= dec
        frontier = np.flatnonzero((indeg == 0) & (dec > 0) & (level < 0))
    rest = level < 0
    if rest.any():
        # the cyclic remainder, ordered by distance from its inputs in the levelled part
        seeds = np.zeros(n, dtype=bool)
        if graph.m:
            boundary = (level[graph.src] >= 0) & rest[graph.dst]
            seeds[graph.dst[boundary]] = True
        if not seeds.any():
            seeds[np.flatnonzero(rest)[0]] = True
        r = reach(graph, seeds, edge_ok=rest[graph.src] & rest[graph.dst])
        d = np.where(r.dist >= 0, r.dist, int(r.dist.max(initial=0)) + 1)
        level[rest] = lv + d[rest]
    return level


def exposure(
    graph: Graph,
    own: BoolArray,
    qty_weight: FloatArray,
    value_weight: FloatArray,
    *,
    edge_tainted: BoolArray | None = None,
    max_sweeps: int = 200,
    tol: float = 1e-6,
) -> Exposure:
    """Input-weighted taint shares, propagated downstream.

    ``share[v] = 1`` when ``v`` is tainted itself; otherwise the weighted mean of its inputs'
    shares (an edge declared tainted counts as share 1). Inputs with a NaN quantity weight make the
    node fall back to equal weights; with a NaN value weight the node's value share is NaN.

    Nodes are updated level by level in :func:`sweep_levels` order, always from the newest
    values (block Gauss-Seidel): exact after one sweep on an acyclic chain. On cycles the sweeps
    repeat from the first cyclic level on; the geometric tail is shortened by extrapolating with
    the observed contraction rate every few sweeps, and the sweeps stop when the error estimated
    from that rate is below ``tol`` (checked against a plain fixed-point iteration in the tests).

    Args:
        graph: material-flow graph.
        own: nodes tainted themselves.
        qty_weight: per-edge weight by quantity (output-equivalent), NaN when unknown.
        value_weight: per-edge weight by declared value, NaN when unknown.
        edge_tainted: edges declared as carrying tainted input.
        max_sweeps: cap on sweeps over the cyclic part.
        tol: stop when the estimated remaining error of every share is below this.
    """
    n = graph.n
    dst = graph.dst
    etaint = np.zeros(graph.m, dtype=bool) if edge_tainted is None else edge_tainted
    qmiss = np.bincount(dst, weights=np.isnan(qty_weight).astype(np.float64), minlength=n) > 0
    qw = np.where(qmiss[dst], 1.0, np.nan_to_num(qty_weight, nan=0.0))
    vmiss = np.bincount(dst, weights=np.isnan(value_weight).astype(np.float64), minlength=n) > 0
    vw = np.nan_to_num(value_weight, nan=0.0)
    seeds = own.copy()
    if etaint.any():
        seeds[dst[etaint]] = True
    live_nodes = reach(graph, seeds).reached | own
    # only nodes downstream of taint can have a non-zero share; only their input edges matter
    live = (live_nodes & ~own)[dst]
    if not live.any():
        sv = own.astype(np.float64)
        return Exposure(own.astype(np.float64), np.where(vmiss & ~own, np.nan, sv), 0, True)
    sweeper = _Sweeper(graph, own, live, qw=qw, vw=vw, etaint=etaint, tol=tol)
    sweeps, converged = sweeper.run(max_sweeps)
    by_value = np.where(vmiss & ~own, np.nan, sweeper.sv)
    return Exposure(np.clip(sweeper.sq, 0.0, 1.0), by_value, sweeps, converged)


class _Sweeper:
    """Block Gauss-Seidel sweeps of :func:`exposure` over the live edges, level by level."""

    def __init__(
        self,
        graph: Graph,
        own: BoolArray,
        live: BoolArray,
        *,
        qw: FloatArray,
        vw: FloatArray,
        etaint: BoolArray,
        tol: float,
    ) -> None:
        n, src, dst = graph.n, graph.src, graph.dst
        self.own, self.tol = own, tol
        self.q_tot = np.bincount(dst, weights=qw, minlength=n)
        self.v_tot = np.bincount(dst, weights=vw, minlength=n)
        self.sq = own.astype(np.float64)
        self.sv = own.astype(np.float64)
        level = sweep_levels(graph)
        le = np.flatnonzero(live)
        le = le[np.argsort(level[dst[le]], kind="stable")]
        self.ls, ld, self.lq, self.lv, self.lt = src[le], dst[le], qw[le], vw[le], etaint[le]
        dl = level[ld]
        cuts = np.flatnonzero(np.diff(dl)) + 1
        self.bounds = np.concatenate([[0], cuts, [le.shape[0]]])
        k_blocks = self.bounds.shape[0] - 1
        # a block needs repeated sweeps when some input comes from the same or a later level
        same_or_later = level[self.ls] >= dl
        self.cyclic = np.array(
            [
                bool(same_or_later[self.bounds[k] : self.bounds[k + 1]].any())
                for k in range(k_blocks)
            ],
            dtype=bool,
        )
        self.block_nodes = [
            np.unique(ld[self.bounds[k] : self.bounds[k + 1]], return_inverse=True)
            for k in range(k_blocks)
        ]
        self.moved = np.zeros(n, dtype=np.float64)

    def sweep(self, blocks: list[int], first: bool) -> float:
        """One sweep over ``blocks``; the largest change of any share."""
        delta = 0.0
        quiet = self.tol * 1e-3
        sq, sv, moved = self.sq, self.sv, self.moved
        for k in blocks:
            a, b = self.bounds[k], self.bounds[k + 1]
            s_ = self.ls[a:b]
            # a share is a weighted mean of its inputs: when no input moved (beyond a tiny
            # fraction of the tolerance) since the last visit, the block cannot move either
            if not first and float(np.max(moved[s_], initial=0.0)) <= quiet:
                continue
            cq = np.where(self.lt[a:b], 1.0, sq[s_])
            cv = np.where(self.lt[a:b], 1.0, sv[s_])
            nodes, local = self.block_nodes[k]
            num_q = np.bincount(local, weights=self.lq[a:b] * cq, minlength=nodes.shape[0])
            num_v = np.bincount(local, weights=self.lv[a:b] * cv, minlength=nodes.shape[0])
            with np.errstate(invalid="ignore", divide="ignore"):
                nq = np.where(self.q_tot[nodes] > 0, num_q / self.q_tot[nodes], 0.0)
                nv = np.where(self.v_tot[nodes] > 0, num_v / self.v_tot[nodes], 0.0)
            delta = max(
                delta,
                float(np.max(np.abs(nq - sq[nodes]), initial=0.0)),
                float(np.max(np.abs(nv - sv[nodes]), initial=0.0)),
            )
            moved[nodes] = np.maximum(np.abs(nq - sq[nodes]), np.abs(nv - sv[nodes]))
            sq[nodes] = nq
            sv[nodes] = nv
        return delta

    def run(self, max_sweeps: int) -> tuple[int, bool]:
        """Sweep until converged (estimated remaining error below ``tol``); (sweeps, converged)."""
        sweeps, prev, steady = 0, 0.0, 0  # steady: sweeps since the start or the last jump
        blocks = list(range(self.bounds.shape[0] - 1))
        cyclic = self.cyclic
        first_cyclic = int(np.argmax(cyclic)) if cyclic.any() else len(cyclic)
        # extrapolation is an accelerator only: when the sweep after one moves more than the sweep
        # before it (e.g. shares inside one level alternate, so the last step is no guide), the
        # pre-extrapolation state is restored and plain sweeps, which always converge, finish
        extrapolate = True
        snapshot: tuple[FloatArray, FloatArray, float] | None = None
        while sweeps < max_sweeps:
            sweeps += 1
            before_q, before_v = self.sq.copy(), self.sv.copy()
            delta = self.sweep(blocks, sweeps == 1)
            # later sweeps revisit every block from the first cyclic one on (blocks downstream of
            # a cycle must follow its updates); blocks before it are final after one sweep
            blocks = [k for k in blocks if k >= first_cyclic]
            if snapshot is not None:
                snap_q, snap_v, snap_delta = snapshot
                snapshot = None
                if delta > snap_delta:
                    self.sq, self.sv = snap_q, snap_v
                    extrapolate = False
                    self.moved[:] = np.inf
                    prev, steady = 0.0, 0
                    continue
            # geometric convergence: estimate the remaining error from the contraction rate
            rho = delta / prev if prev > 0 else 0.0
            remaining = delta * rho / (1.0 - rho) if rho < 1.0 else float("inf")
            prev = delta
            if not blocks or delta == 0.0 or (steady >= 2 and max(remaining, delta) <= self.tol):
                return sweeps, True
            steady += 1
            if extrapolate and steady >= 6 and 0.2 < rho < 0.995:
                snapshot = (self.sq.copy(), self.sv.copy(), delta)
                self._extrapolate(before_q, before_v, rho / (1.0 - rho))
                prev, steady = 0.0, 0
        return sweeps, False

    def _extrapolate(self, before_q: FloatArray, before_v: FloatArray, step: float) -> None:
        """Extrapolate the slow geometric tail (Aitken-style, with the observed rate); the
        sweeps that follow correct any overshoot of faster-converging shares."""
        self.sq = np.clip(self.sq + (self.sq - before_q) * step, 0.0, 1.0)
        self.sv = np.clip(self.sv + (self.sv - before_v) * step, 0.0, 1.0)
        self.sq[self.own] = 1.0
        self.sv[self.own] = 1.0
        self.moved[:] = np.inf


def first_per_node(n: int, keys: IntArray, values: IntArray, ok: BoolArray) -> IntArray:
    """For each node, ``values`` of its first (lowest position) item with ``ok``; -1 if none."""
    out = np.full(n, -1, dtype=np.int64)
    idx = np.flatnonzero(ok)
    if idx.size:
        uniq, pos = np.unique(keys[idx], return_index=True)
        out[uniq] = values[idx[pos]]
    return out


def equivalents(
    graph: Graph,
    *,
    material: IntArray,
    dim: IntArray,
    qty_base: FloatArray,
    node_material: IntArray,
    node_yield: FloatArray,
    yields: FloatArray,
) -> tuple[FloatArray, FloatArray, IntArray, BoolArray]:
    """Convert each edge's quantity for mass balance.

    Args:
        graph: material-flow graph.
        material: per-edge material code (-1 unknown).
        dim: per-edge dimension code of its unit (-1 unknown).
        qty_base: per-edge quantity in the base unit of its dimension (NaN unknown).
        node_material: per-node output material code when known from the node itself (-1:
            derived from the node's first outgoing edge with a known material).
        node_yield: per-node declared yield (output per input, base units), NaN when none.
        yields: ``yields[from_mat, to_mat, from_dim, to_dim]``, NaN where unknown.

    Returns:
        ``(in_equiv, out_qty, out_dim, assumed)``: per-edge input quantity in the receiving node's
        output-equivalent (NaN when it cannot be converted), per-edge quantity as an output of the
        sending node (NaN when not in that node's output dimension), per-node output dimension,
        and per-edge flag that a yield of 1 was assumed (same dimension, no known conversion:
        an upper bound for mass, so a shortfall found with it is certain).
    """
    n = graph.n
    src, dst = graph.src, graph.dst
    eid = np.arange(graph.m, dtype=np.int64)
    derived = first_per_node(n, src, material[eid], material >= 0)
    out_mat = np.where(node_material >= 0, node_material, derived)
    out_mat = np.where(out_mat >= 0, out_mat, first_per_node(n, dst, material, material >= 0))
    has_dim = (dim >= 0) & ~np.isnan(qty_base)
    out_dim = first_per_node(n, src, dim, has_dim)
    # a node that ships nothing (an importer, a retailer) is balanced in its inputs' dimension
    out_dim = np.where(out_dim >= 0, out_dim, first_per_node(n, dst, dim, has_dim))
    im, idim = material, dim
    om, od = out_mat[dst], out_dim[dst]
    y = np.full(graph.m, np.nan)
    known = (im >= 0) & (om >= 0) & (idim >= 0) & (od >= 0)
    kk = np.flatnonzero(known)
    if kk.size:
        y[kk] = yields[im[kk], om[kk], idim[kk], od[kk]]
    same = (im >= 0) & (im == om) & (idim == od) & (idim >= 0)
    y = np.where(same, 1.0, y)
    assumed = np.isnan(y) & (idim >= 0) & (idim == od) & ~np.isnan(qty_base)
    y = np.where(assumed, 1.0, y)
    ny = node_yield[dst]
    y = np.where(~np.isnan(ny), ny, y)
    assumed &= np.isnan(ny)
    in_equiv = qty_base * y
    out_qty = np.where((dim >= 0) & (dim == out_dim[src]), qty_base, np.nan)
    return in_equiv, out_qty, out_dim, assumed


@dataclass(frozen=True, slots=True)
class Balance:
    """Mass balance per (node, period) group; quantities in the node's output base unit.

    ``period`` is a period code (-1 for undated edges). ``shortfall`` is NaN for groups of
    nodes with no material inputs at all (origins: farms, mines) where there is nothing to check.
    """

    node: IntArray
    period: IntArray
    inputs_untainted: FloatArray
    inputs_tainted: FloatArray
    inputs_unconverted: IntArray
    outputs_claimed: FloatArray
    outputs_total: FloatArray
    outputs_unknown: IntArray
    shortfall: FloatArray


def mass_balance(
    graph: Graph,
    *,
    tainted: BoolArray,
    own: BoolArray,
    in_equiv: FloatArray,
    out_qty: FloatArray,
    declared_tainted: BoolArray,
    period: IntArray,
    declared_untainted: BoolArray | None = None,
) -> Balance:
    """Can each node's untainted inputs cover what it ships as untainted, per period?

    Args:
        graph: material-flow graph.
        tainted: nodes whose output carries taint (own or inherited).
        own: nodes tainted themselves (none of their output can be untainted).
        in_equiv: per-edge input quantity in the receiver's output-equivalent (NaN unknown).
        out_qty: per-edge quantity as output of the sender (NaN unknown).
        declared_tainted: edges declared as carrying tainted input (not claimed untainted).
        period: per-edge period code (-1 undated).
        declared_untainted: edges whose supplier declares them untainted (mass-balance claim).
    """
    n = graph.n
    if declared_untainted is None:
        declared_untainted = np.zeros(graph.m, dtype=bool)
    src, dst = graph.src, graph.dst
    p1 = int(period.max(initial=-1)) + 2
    in_key = dst * p1 + (period + 1)
    out_key = src * p1 + (period + 1)
    keys, inv = np.unique(np.concatenate([in_key, out_key]), return_inverse=True)
    m = graph.m
    k = keys.shape[0]
    iin, iout = inv[:m], inv[m:]
    # an input is untainted when declared so by a supplier that is not itself tainted, or, with
    # no declaration, when nothing tainted lies upstream of it; a tainted node ships nothing clean
    clean_edge = np.where(declared_untainted, ~own[src], ~tainted[src])
    clean_edge &= ~declared_tainted & ~own[dst]
    known_in = ~np.isnan(in_equiv)
    q_in = np.nan_to_num(in_equiv, nan=0.0)
    inputs_clean = np.bincount(iin, weights=np.where(clean_edge, q_in, 0.0), minlength=k)
    inputs_taint = np.bincount(iin, weights=np.where(clean_edge, 0.0, q_in), minlength=k)
    unconverted = np.bincount(iin, weights=(~known_in).astype(np.float64), minlength=k)
    known_out = ~np.isnan(out_qty)
    q_out = np.nan_to_num(out_qty, nan=0.0)
    claimed = np.bincount(iout, weights=np.where(declared_tainted, 0.0, q_out), minlength=k)
    total = np.bincount(iout, weights=q_out, minlength=k)
    out_unknown = np.bincount(iout, weights=(~known_out).astype(np.float64), minlength=k)
    node = keys // p1
    per = keys % p1 - 1
    has_inputs = np.bincount(dst, minlength=n) > 0
    # dated periods carry untainted stock forward: the shortfall of a period is the claimed
    # untainted output to date minus the untainted input to date (keys are sorted by node, then
    # period); undated edges are balanced on their own
    cum_in = _cumulative_by_node(node, per, inputs_clean)
    cum_out = _cumulative_by_node(node, per, claimed)
    shortfall = np.where(has_inputs[node], np.maximum(cum_out - cum_in, 0.0), np.nan)
    return Balance(
        node=node,
        period=per,
        inputs_untainted=_f64(inputs_clean),
        inputs_tainted=_f64(inputs_taint),
        inputs_unconverted=unconverted.astype(np.int64),
        outputs_claimed=_f64(claimed),
        outputs_total=_f64(total),
        outputs_unknown=out_unknown.astype(np.int64),
        shortfall=shortfall,
    )


def _f64(a: npt.ArrayLike) -> FloatArray:
    return np.asarray(a, dtype=np.float64)


def _cumulative_by_node(node: IntArray, period: IntArray, x: npt.ArrayLike) -> FloatArray:
    """Running sums of ``x`` over the dated periods of each node (undated rows: ``x`` itself)."""
    out = np.asarray(x, dtype=np.float64).copy()
    dated = np.flatnonzero(period >= 0)
    if not dated.size:
        return out
    vals = out[dated]
    cum = np.cumsum(vals)
    _uniq, starts, counts = np.unique(node[dated], return_index=True, return_counts=True)
    base = np.repeat(cum[starts] - vals[starts], counts)
    out[dated] = cum - base
    return out
