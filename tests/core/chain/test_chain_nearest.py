"""Nearest sources per node: equal to one breadth-first search per source, on random graphs."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core.chain import graph as g
from laborlens.core.chain.nearest import nearest_sources, source_counts


@st.composite
def graphs(draw: st.DrawFn) -> tuple[g.Graph, list[int], int]:
    n = draw(st.integers(1, 14))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40))
    pairs = [(a, b) for a, b in pairs if a != b]
    graph = g.Graph.build(n, [a for a, _ in pairs], [b for _, b in pairs])
    sources = draw(st.lists(st.integers(0, n - 1), unique=True, min_size=1, max_size=n))
    capacity = draw(st.integers(1, 5))
    return graph, sources, capacity


def _one_by_one(graph: g.Graph, sources: list[int]) -> dict[int, list[tuple[int, int, int]]]:
    """Per node: (distance, source, pred edge) of every source reaching it, nearest first."""
    out: dict[int, list[tuple[int, int, int]]] = {}
    for s in sorted(sources):
        one = np.zeros(graph.n, dtype=bool)
        one[s] = True
        r = g.reach(graph, one)
        for v in np.flatnonzero(r.dist > 0).tolist():
            out.setdefault(v, []).append((int(r.dist[v]), s, int(r.pred[v])))
    for cands in out.values():
        cands.sort()
    return out


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_nearest_sources_equal_one_search_per_source(case: tuple[g.Graph, list[int], int]) -> None:
    graph, sources, capacity = case
    got = nearest_sources(graph, np.array(sources), capacity)
    want = _one_by_one(graph, sources)
    for v in range(graph.n):
        a, b = int(got.ptr[v]), int(got.ptr[v + 1])
        kept = list(
            zip(
                got.dist[a:b].tolist(),
                got.source[a:b].tolist(),
                got.pred[a:b].tolist(),
                strict=True,
            )
        )
        everyone = want.get(v, [])
        assert kept == everyone[:capacity]
        if len(kept) < capacity:  # room left: every source reaching v was kept
            assert len(everyone) == len(kept)
        for k in range(a, min(b, a + capacity - 1)):
            _ptr, nodes = got.paths(graph, np.array([k]))
            edges = got.path_edges(graph, v, int(got.source[k]))
            assert nodes.tolist() == [int(got.source[k]), *(int(graph.dst[e]) for e in edges)]
    counts = source_counts(graph, np.array(sources))
    assert counts.tolist() == [len(want.get(v, [])) for v in range(graph.n)]


def test_paths_follow_the_kept_predecessors() -> None:
    # s1 -> a -> b -> c and s2 -> b: c keeps s2 (2 hops) before s1 (3 hops)
    graph = g.Graph.build(5, [0, 2, 3, 1], [2, 3, 4, 3])
    got = nearest_sources(graph, np.array([0, 1]), 2)
    assert got.source[got.ptr[4] : got.ptr[5]].tolist() == [1, 0]
    assert [int(graph.dst[e]) for e in got.path_edges(graph, 4, 0)] == [2, 3, 4]
    assert [int(graph.src[e]) for e in got.path_edges(graph, 4, 1)] == [1, 3]


def test_many_sources_bits_span_words() -> None:
    n = 150
    src = list(range(130))
    graph = g.Graph.build(n, src, [140] * 130)
    counts = source_counts(graph, np.arange(130))
    assert counts[140] == 130 and counts[:130].sum() == 0
    got = nearest_sources(graph, np.arange(130), 4)
    assert got.source[got.ptr[140] : got.ptr[141]].tolist() == [0, 1, 2, 3]
