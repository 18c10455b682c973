"""Invariants of the array algorithms, checked against simple reference implementations."""

from __future__ import annotations

import itertools
from collections import deque

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core.chain import graph as g


@st.composite
def graphs(draw: st.DrawFn) -> tuple[int, list[tuple[int, int]], list[bool]]:
    n = draw(st.integers(1, 12))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=30))
    sources = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return n, [(a, b) for a, b in edges if a != b], sources


def _naive_dist(n: int, edges: list[tuple[int, int]], sources: list[bool]) -> list[int]:
    dist = [-1] * n
    q: deque[int] = deque()
    for v in range(n):
        if sources[v]:
            dist[v] = 0
            q.append(v)
    while q:
        v = q.popleft()
        for a, b in edges:
            if a == v and dist[b] < 0:
                dist[b] = dist[v] + 1
                q.append(b)
    return dist


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_reach_matches_naive_bfs(case: tuple[int, list[tuple[int, int]], list[bool]]) -> None:
    n, edges, sources = case
    gr = g.Graph.build(n, [a for a, _ in edges], [b for _, b in edges])
    r = g.reach(gr, np.array(sources, dtype=bool))
    assert r.dist.tolist() == _naive_dist(n, edges, sources)
    for v in range(n):
        if r.dist[v] > 0:
            path = g.path_edges(r, gr, v)
            assert len(path) == r.dist[v]
            assert sources[int(gr.src[path[0]])] and int(gr.dst[path[-1]]) == v
            assert int(r.origin[v]) == int(gr.src[path[0]])
            for e1, e2 in itertools.pairwise(path):
                assert gr.dst[e1] == gr.src[e2]


@settings(max_examples=100, deadline=None)
@given(graphs(), st.data())
def test_exposure_is_a_share_and_zero_where_unreached(
    case: tuple[int, list[tuple[int, int]], list[bool]], data: st.DataObject
) -> None:
    n, edges, sources = case
    gr = g.Graph.build(n, [a for a, _ in edges], [b for _, b in edges])
    q = np.array(
        data.draw(st.lists(st.floats(0.1, 100), min_size=len(edges), max_size=len(edges))),
        dtype=np.float64,
    )
    own = np.array(sources, dtype=bool)
    ex = g.exposure(gr, own, q, q.copy())
    reached = g.reach(gr, own).reached
    assert np.all((ex.by_quantity >= -1e-12) & (ex.by_quantity <= 1 + 1e-12))
    assert np.all(ex.by_quantity[~reached] == 0)
    assert np.all(ex.by_quantity[own] == 1)


@settings(max_examples=100, deadline=None)
@given(graphs(), st.data())
def test_mass_balance_partitions_inputs(
    case: tuple[int, list[tuple[int, int]], list[bool]], data: st.DataObject
) -> None:
    n, edges, sources = case
    m = len(edges)
    gr = g.Graph.build(n, [a for a, _ in edges], [b for _, b in edges])
    qty = np.array(data.draw(st.lists(st.floats(0, 1e6), min_size=m, max_size=m)), np.float64)
    period = np.array(data.draw(st.lists(st.integers(-1, 2), min_size=m, max_size=m)), np.int64)
    own = np.array(sources, dtype=bool)
    tainted = g.reach(gr, own).reached
    bal = g.mass_balance(
        gr,
        tainted=tainted,
        own=own,
        in_equiv=qty,
        out_qty=qty,
        declared_tainted=np.zeros(m, dtype=bool),
        period=period,
    )
    total_in = bal.inputs_untainted + bal.inputs_tainted
    assert np.isclose(total_in.sum(), qty.sum())
    assert np.isclose(bal.outputs_total.sum(), qty.sum())
    assert np.all(np.nan_to_num(bal.shortfall) >= 0)
    # no untainted input ever comes from a tainted supplier (without a declaration)
    clean = float(sum(qty[i] for i, (a, b) in enumerate(edges) if not tainted[a] and not own[b]))
    assert np.isclose(bal.inputs_untainted.sum(), clean)


def _iterated_exposure(
    n: int, edges: list[tuple[int, int]], w: list[float], own: list[bool]
) -> list[float]:
    """A plain fixed-point iteration from zero (at most 5000 rounds)."""
    share = [1.0 if o else 0.0 for o in own]
    for _ in range(5000):
        new = []
        for v in range(n):
            if own[v]:
                new.append(1.0)
                continue
            ins = [(w[i], share[a]) for i, (a, b) in enumerate(edges) if b == v]
            tot = sum(x for x, _ in ins)
            new.append(sum(x * s for x, s in ins) / tot if tot > 0 else 0.0)
        if max(abs(a - b) for a, b in zip(new, share, strict=True)) < 1e-13:
            return new
        share = new
    return share


def _exact_exposure(
    n: int, edges: list[tuple[int, int]], w: list[float], own: list[bool]
) -> list[float]:
    """The exact fixed point, solved as a linear system (an iteration from zero can stop short
    on slowly contracting cycles): own nodes 1, nodes nothing tainted reaches 0, every other
    node the weighted mean of its inputs."""
    reached = set(v for v in range(n) if own[v])
    grew = True
    while grew:
        grew = False
        for a, b in edges:
            if a in reached and b not in reached:
                reached.add(b)
                grew = True
    m = np.eye(n)
    rhs = np.zeros(n)
    for v in range(n):
        if own[v]:
            rhs[v] = 1.0
            continue
        ins = [(w[i], a) for i, (a, b) in enumerate(edges) if b == v]
        tot = sum(x for x, _ in ins)
        if v in reached and tot > 0:
            for x, a in ins:
                m[v, a] -= x / tot
    return [float(x) for x in np.linalg.solve(m, rhs)]


@settings(max_examples=120, deadline=None)
@given(graphs(), st.data())
def test_exposure_matches_a_naive_fixed_point(
    case: tuple[int, list[tuple[int, int]], list[bool]], data: st.DataObject
) -> None:
    n, edges, sources = case
    w = data.draw(st.lists(st.floats(0.5, 50), min_size=len(edges), max_size=len(edges)))
    gr = g.Graph.build(n, [a for a, _ in edges], [b for _, b in edges])
    ex = g.exposure(
        gr, np.array(sources, dtype=bool), np.array(w), np.array(w), max_sweeps=5000, tol=1e-13
    )
    exact = np.array(_exact_exposure(n, edges, w, sources))
    if ex.converged:
        assert np.allclose(ex.by_quantity, exact, atol=1e-6)
        assert np.allclose(ex.by_value, exact, atol=1e-6)
    else:
        # a nearly closed cycle contracts slowly: within the same budget the sweeps must still
        # get at least as close as a plain fixed-point iteration
        plain = np.array(_iterated_exposure(n, edges, w, sources))
        assert np.max(np.abs(ex.by_quantity - exact)) <= np.max(np.abs(plain - exact)) + 1e-9
