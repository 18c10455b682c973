"""The built-in layered layout (used when Graphviz ``dot`` is not installed).

A Sugiyama-style layout in plain Python, enough for supply chains:

1. each party's layer is its longest distance from a party with no inputs (Kahn's order; parties
   on a cycle are placed after their already-placed inputs);
2. parties go in even columns (2 × layer); each flow's label gets a slot in the odd column right
   after its supplier, so labels never share a column with boxes;
3. the order within each column follows the mean position of the neighbours (barycentre sweeps,
   down and up), which keeps most flows short and uncrossed;
4. each item sits as close as it can to the mean height of its inputs without touching the item
   above it (so nothing in a column overlaps, and columns never overlap each other).

Flows are cubic Béziers with horizontal tangents: supplier → label → buyer.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from itertools import pairwise

from laborlens.adapters.io.chain_views.dot import Placement, Point
from laborlens.adapters.io.chain_views.view import View
from laborlens.core.chain import MATERIAL

ARROW = 7.0
COL_GAP = 26.0
ROW_GAP = 14.0
SWEEPS = 4


def layers(ids: Sequence[str], edges: Sequence[tuple[str, str]]) -> dict[str, int]:
    """Longest distance from a node with no inputs; cycles broken at the first unplaced node."""
    preds: dict[str, list[str]] = defaultdict(list)
    succ: dict[str, list[str]] = defaultdict(list)
    indeg = dict.fromkeys(ids, 0)
    for a, b in edges:
        succ[a].append(b)
        preds[b].append(a)
        indeg[b] += 1
    layer = dict.fromkeys(ids, 0)
    queue = deque(i for i in ids if indeg[i] == 0)
    done: set[str] = set()
    pending = iter(ids)
    while len(done) < len(ids):
        if not queue:  # a cycle: release the first unplaced node
            nxt = next(i for i in pending if i not in done)
            layer[nxt] = max((layer[p] + 1 for p in preds[nxt] if p in done), default=0)
            queue.append(nxt)
        v = queue.popleft()
        if v in done:
            continue
        done.add(v)
        for w in succ[v]:
            if w in done:
                continue
            layer[w] = max(layer[w], layer[v] + 1)
            indeg[w] -= 1
            if indeg[w] == 0:
                queue.append(w)
    return layer


def _order(
    columns: dict[int, list[str]], preds: Mapping[str, list[str]], succs: Mapping[str, list[str]]
) -> None:
    """Barycentre sweeps, in place: down using inputs, up using outputs."""
    pos = {item: float(i) for col in columns.values() for i, item in enumerate(col)}
    for sweep in range(SWEEPS):
        down = sweep % 2 == 0
        near = preds if down else succs
        for c in sorted(columns, reverse=not down):
            col = columns[c]
            keys = {}
            for item in col:
                adj = [pos[p] for p in near.get(item, ()) if p in pos]
                keys[item] = sum(adj) / len(adj) if adj else pos[item]
            col.sort(key=lambda item: keys[item])
            for i, item in enumerate(col):
                pos[item] = float(i)


def _curve(a: Point, b: Point) -> tuple[Point, ...]:
    (x1, y1), (x2, y2) = a, b
    if x2 > x1 + 1:
        mid = (x1 + x2) / 2
        return (a, (mid, y1), (mid, y2), b)
    d = 40.0 + abs(x2 - x1) / 3
    return (a, (x1 + d, y1 + 20), (x2 - d, y2 + 20), b)


def place(
    view: View,
    sizes: Mapping[str, tuple[float, float]],
    lsizes: Sequence[tuple[float, float] | None],
    direction: str = "LR",
) -> Placement:
    """Positions; ``direction`` "TB" lays the flow top to bottom (the LR layout, transposed)."""
    if direction == "TB":
        centers, paths, spots, (w, h) = place(
            view,
            {k: (b, a) for k, (a, b) in sizes.items()},
            [None if x is None else (x[1], x[0]) for x in lsizes],
        )

        def tr(p: Point) -> Point:
            return p[1], p[0]

        return (
            {k: tr(p) for k, p in centers.items()},
            [(tuple(tuple(tr(p) for p in s) for s in segs), tr(b), tr(t)) for segs, b, t in paths],
            [None if p is None else tr(p) for p in spots],
            (h, w),
        )
    ids = [b.id for b in view.boxes]
    layer = layers(ids, [(x.src, x.dst) for x in view.links if x.type == MATERIAL])
    size: dict[str, tuple[float, float]] = dict(sizes)
    column: dict[str, int] = {i: 2 * layer[i] for i in ids}
    preds: dict[str, list[str]] = defaultdict(list)
    succs: dict[str, list[str]] = defaultdict(list)
    for k, x in enumerate(view.links):
        chain = [x.src, x.dst]
        if lsizes[k] is not None:
            item = f"\x00label{k}"
            size[item] = lsizes[k]  # type: ignore[assignment]
            column[item] = 2 * layer[x.src] + 1
            chain = [x.src, item, x.dst]
        for a, b in pairwise(chain):
            preds[b].append(a)
            succs[a].append(b)
    columns: dict[int, list[str]] = defaultdict(list)
    for item, c in column.items():
        columns[c].append(item)
    _order(columns, preds, succs)
    center = _coordinates(columns, size, preds)
    routes: list[tuple[tuple[tuple[Point, ...], ...], Point, Point]] = []
    labels: list[Point | None] = []
    for k, x in enumerate(view.links):
        (sx, sy), (tx, ty) = center[x.src], center[x.dst]
        start = (sx + size[x.src][0] / 2, sy)
        tip = (tx - size[x.dst][0] / 2, ty)
        base = (tip[0] - ARROW, ty)
        item = f"\x00label{k}"
        segs: tuple[tuple[Point, ...], ...]
        if item in center:
            (lx, ly), lw = center[item], size[item][0]
            segs = (_curve(start, (lx - lw / 2, ly)), _curve((lx + lw / 2, ly), base))
            labels.append(center[item])
        else:
            segs = (_curve(start, base),)
            labels.append(None)
        routes.append((segs, base, tip))
    width = max((center[i][0] + size[i][0] / 2 for i in center), default=0.0)
    height = max((center[i][1] + size[i][1] / 2 for i in center), default=0.0)
    return {i: center[i] for i in ids}, routes, labels, (width, height)


def _coordinates(
    columns: Mapping[int, list[str]],
    size: Mapping[str, tuple[float, float]],
    preds: Mapping[str, list[str]],
) -> dict[str, Point]:
    """Centres: columns side by side; in each, items near their inputs' mean height, stacked."""
    center: dict[str, Point] = {}
    x = 0.0
    for c in range(max(columns, default=-1) + 1):
        col = columns.get(c, [])
        width = max((size[i][0] for i in col), default=0.0)
        bottom = 0.0
        for item in col:
            h = size[item][1]
            ys = [center[p][1] for p in preds.get(item, ()) if p in center]
            want = sum(ys) / len(ys) - h / 2 if ys else bottom
            top = max(want, bottom)
            center[item] = (x + width / 2, top + h / 2)
            bottom = top + h + ROW_GAP
        x += width + (COL_GAP if col else 0.0)
    return center
